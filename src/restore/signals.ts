// Ctrl-C and friends during a restore: instead of exiting on the spot, stop the work, clean up, then exit 130.
// A second one exits at once (still 130): what is left is settled by the next run.
import { ExitCode } from '../exit-codes.js';
import { InterruptedError } from './interrupted.js';

export interface InterruptTrap {
  signal: AbortSignal;
  /** Throws InterruptedError once a signal has arrived (called between steps that must not be cut). */
  check(): void;
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Replaces the process's signal handlers until dispose(). */
export function trapInterrupts(onInterrupt: (signal: NodeJS.Signals) => void): InterruptTrap {
  const controller = new AbortController();
  const saved = new Map(SIGNALS.map((name) => [name, process.listeners(name)] as const));
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // A second Ctrl-C while cleaning up: leave now; the next run (or restore-from-prod --cleanup) finishes the cleanup.
      process.stderr.write('Interrupted again: exiting now; the next restore-from-prod (or --cleanup) removes what is left.\n');
      process.exit(ExitCode.interrupted);
    }
    onInterrupt(name);
    controller.abort(new InterruptedError());
  };
  for (const name of SIGNALS) {
    process.removeAllListeners(name);
    process.on(name, handler);
  }
  return {
    signal: controller.signal,
    check() {
      if (controller.signal.aborted) throw new InterruptedError();
    },
    dispose() {
      for (const name of SIGNALS) {
        process.removeListener(name, handler);
        for (const listener of saved.get(name) ?? []) process.on(name, listener as (signal: NodeJS.Signals) => void);
      }
    },
  };
}
