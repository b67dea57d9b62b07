// Wraps the UI progress so a phase is ended exactly once, and failures end it as "failed", not "done".
import type { Progress } from '../ui/progress.js';

export class PhaseProgress implements Progress {
  private active = false;
  private started = 0;
  private name = '';
  // A phase that moves no bytes (checks, the swap) gets no bar on a terminal, only its outcome line.
  private barless = false;
  /** Every finished phase with its duration, for the --json summary. */
  readonly phases: Array<{ phase: string; seconds: number; outcome: string }> = [];

  /** `terminal`: where bars are drawn, when they are (null for --quiet or no terminal). */
  constructor(
    private readonly inner: Progress,
    private readonly terminal: NodeJS.WritableStream | null = null,
  ) {}

  /** Starts a phase; `total` (bytes) when known, `moves` false for phases that transfer nothing. */
  start(phase: string, total?: number, moves = true): void {
    if (this.active) this.finish();
    this.active = true;
    this.name = phase;
    this.started = performance.now();
    this.barless = !moves && this.terminal !== null;
    if (!this.barless) this.inner.start(phase, total);
  }

  update(done: number): void {
    if (this.active && !this.barless) this.inner.update(done);
  }

  finish(outcome?: string): void {
    if (!this.active) return;
    this.active = false;
    const seconds = Math.round((performance.now() - this.started) / 10) / 100;
    this.phases.push({ phase: this.name, seconds, outcome: outcome ?? 'done' });
    if (this.barless) this.terminal!.write(`${this.name}: ${outcome ?? 'done'}\n`);
    else this.inner.finish(outcome);
  }

  /** Ends the current phase, if any, with `outcome` (e.g. "failed"). */
  abandon(outcome: string): void {
    this.finish(outcome);
  }
}
