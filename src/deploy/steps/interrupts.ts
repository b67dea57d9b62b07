// Ctrl-C or SIGTERM during a deploy must not leave a half-migrated database: the signal is noted, the
// current step finishes (migrate itself gets the terminal's Ctrl-C), then the deploy restores and starts
// the service. A third signal forces an immediate exit.
import { ExitCode } from '../../exit-codes.js';

export interface InterruptGuard {
  /** The signal received, or null. */
  readonly signal: NodeJS.Signals | null;
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Replaces the default handlers for the deploy's duration. */
export function guardInterrupts(onFirst: (signal: NodeJS.Signals) => void, onForced: () => void): InterruptGuard {
  const previous = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  let received: NodeJS.Signals | null = null;
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      received = signal;
      onFirst(signal);
    } else if (count >= 3) {
      onForced();
      process.exit(ExitCode.interrupted);
    }
  };
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, handler);
  }
  return {
    get signal() {
      return received;
    },
    dispose() {
      for (const signal of SIGNALS) {
        process.removeListener(signal, handler);
        for (const listener of previous.get(signal) ?? []) process.on(signal, listener as (...args: unknown[]) => void);
      }
    },
  };
}
