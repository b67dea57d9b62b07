// The one interrupt trap: while a command that writes runs, Ctrl-C, SIGTERM and SIGHUP do not kill the process;
// the first is noted (an AbortSignal fires, `check()` throws) so the command can stop or finish safely, and a
// later one forces exit 130. What a command does with the first signal is its policy: restore-from-prod aborts
// its work at once, deploy acts between steps (migrate itself gets the terminal's Ctrl-C).
import { ExitCode } from '../exit-codes.js';
import type { InterruptedError } from './interrupted-error.js';

export interface InterruptPolicy {
  /** Called on the first signal (say so, journal it). */
  onFirst(signal: NodeJS.Signals): void;
  /** The signal count that exits at once with 130: 2 where cleaning up is quick, more where it must not be cut. */
  forceExitAt: number;
  /** Called just before that forced exit (say what is left, journal it). */
  onForced(): void;
  /** The error the interrupted command ends with: the abort reason, and what `check()` throws. */
  interrupted(signal: NodeJS.Signals): InterruptedError;
}

export interface InterruptTrap {
  /** Aborted at the first signal, with the policy's InterruptedError as its reason. */
  readonly signal: AbortSignal;
  /** The first signal received, or null. */
  readonly received: NodeJS.Signals | null;
  /** Throws the policy's InterruptedError once a signal has arrived (called between steps that must not be cut). */
  check(): void;
  /** Puts the process's previous handlers back. */
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Replaces the process's handlers for SIGINT, SIGTERM and SIGHUP until dispose(). */
export function trapInterrupts(policy: InterruptPolicy): InterruptTrap {
  const controller = new AbortController();
  const saved = new Map(SIGNALS.map((name) => [name, process.listeners(name)] as const));
  let received: NodeJS.Signals | null = null;
  let count = 0;
  const handler = (name: NodeJS.Signals) => {
    count += 1;
    if (count >= policy.forceExitAt) {
      policy.onForced();
      process.exit(ExitCode.interrupted);
    }
    if (count > 1) return;
    received = name;
    policy.onFirst(name);
    controller.abort(policy.interrupted(name));
  };
  for (const name of SIGNALS) {
    process.removeAllListeners(name);
    process.on(name, handler);
  }
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    check() {
      if (received) throw policy.interrupted(received);
    },
    dispose() {
      for (const name of SIGNALS) {
        process.removeListener(name, handler);
        for (const listener of saved.get(name) ?? []) process.on(name, listener as (signal: NodeJS.Signals) => void);
      }
    },
  };
}
