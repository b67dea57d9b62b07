// Progress for long work: a bar on a TTY (cli-progress), one line per phase otherwise, nothing with --quiet.
import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a phase; `total` in bytes when known. */
  start(phase: string, total?: number): void;
  /** Sets the bytes done so far in the current phase. */
  update(done: number): void;
  /** Ends the current phase with a short outcome. */
  finish(outcome?: string): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}

/** A progress reporter suited to where output goes. */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { start() {}, update() {}, finish() {} };
  if (!stream.isTTY) return linePerPhase(stream);
  let bar: cliProgress.SingleBar | null = null;
  let phaseName = '';
  let startedAt = 0;
  return {
    start(phase, total) {
      phaseName = phase;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: total
            ? `${phase} [{bar}] {percentage}% | {doneMB}/{totalMB} MB | {rateMB} MB/s | ETA {eta_formatted}`
            : `${phase} {doneMB} MB | {rateMB} MB/s`,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, { doneMB: '0.0', totalMB: mb(total ?? 0), rateMB: '0.0' });
      startedAt = Date.now();
    },
    update(done) {
      const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
      bar?.update(done, { doneMB: mb(done), rateMB: (done / 1e6 / seconds).toFixed(1) });
    },
    finish(outcome) {
      bar?.stop();
      bar = null;
      if (outcome) stream.write(`${phaseName}: ${outcome}\n`);
    },
  };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function linePerPhase(stream: NodeJS.WriteStream): Progress {
  let phaseName = '';
  let begun = 0;
  return {
    start(phase) {
      phaseName = phase;
      begun = Date.now();
      stream.write(`${phase}…\n`);
    },
    update() {},
    finish(outcome) {
      const seconds = ((Date.now() - begun) / 1000).toFixed(1);
      stream.write(`${phaseName}: ${outcome ?? 'done'} (${seconds} s)\n`);
    },
  };
}
