// Notices a transfer that stopped delivering bytes (a hung HTTP server, a frozen ssh link) and stops it
// with a clear error after `restore.stallTimeout` seconds. Time spent waiting on the database or the disk
// (the source paused by backpressure) is not a stall.
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import type { OpenedSource } from './types.js';

export interface StallWatchdog {
  /** Bytes arrived from the source. */
  kick(): void;
  /** The stall error, once the watchdog fired. */
  readonly stalled: UserError | null;
  dispose(): void;
}

/** Watches `opened`; on a stall, records the error and calls `stop` (which cancels the transfer). */
export function watchForStall(opened: OpenedSource, timeoutSeconds: number, description: string, stop: () => void): StallWatchdog {
  let last = Date.now();
  let stalled: UserError | null = null;
  const timer = setInterval(() => {
    const stream = opened.stream;
    // Data waiting downstream, or the source paused for it: the consumer is busy, not the source.
    if (stream.readableLength > 0 || stream.isPaused()) last = Date.now();
    if (stalled || Date.now() - last < timeoutSeconds * 1000) return;
    stalled = new UserError(`No data arrived from ${description} for ${timeoutSeconds} s: the transfer stalled and was stopped. Nothing was swapped in; your database and media are unchanged.`, {
      fix: 'Check that the source is reachable and serving, then run the restore again (raise "restore.stallTimeout", in seconds, for a source that is slow to start).',
      exitCode: ExitCode.findings,
    });
    stop();
  }, Math.min(1000, timeoutSeconds * 250));
  timer.unref();
  return {
    kick: () => (last = Date.now()),
    get stalled() {
      return stalled;
    },
    dispose: () => clearInterval(timer),
  };
}
