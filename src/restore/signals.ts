// Ctrl-C and friends during a restore, the restore's policy on the shared trap (src/interrupts/): instead of
// exiting on the spot, stop the work, clean up, then exit 130. A second one exits at once (still 130): what is
// left is settled by the next run.
import { InterruptedError } from '../interrupts/interrupted-error.js';
import { trapInterrupts, type InterruptTrap } from '../interrupts/interrupt-trap.js';

/** How an interrupted restore (or --undo) ends. */
export function restoreInterrupted(): InterruptedError {
  return new InterruptedError('Interrupted: the restore was stopped; your database and media are unchanged.');
}

/** The trap for a restore session: `onFirst` abandons the progress display. */
export function trapRestoreInterrupts(onFirst: () => void): InterruptTrap {
  return trapInterrupts({
    onFirst,
    forceExitAt: 2,
    // A second Ctrl-C while cleaning up: leave now; the next run (or restore-from-prod --cleanup) finishes the cleanup.
    onForced: () => process.stderr.write('Interrupted again: exiting now; the next restore-from-prod (or --cleanup) removes what is left.\n'),
    interrupted: restoreInterrupted,
  });
}
