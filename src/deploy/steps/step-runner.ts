// Runs deploy steps: each start and outcome goes to the journal (fsynced) and to the operator.
import type { JournalWriter } from '../journal/journal-writer.js';
import { formatDuration, type DeployOutput } from '../../ui/deploy-output.js';

export interface StepContext {
  /** Adds facts to the step's journal record; `flush` writes them at once (e.g. a child's pid before waiting on it). */
  note(detail: Record<string, unknown>, flush?: boolean): void;
  /** The one-line outcome printed after the step name. */
  summary: string;
}

export interface StepRunner {
  /** Runs `work` as `step`; records ok/failed; rethrows failures. */
  run<T>(step: string, label: string, work: (context: StepContext) => Promise<T>, options?: { bestEffortJournal?: boolean; quietStart?: boolean }): Promise<T>;
  skip(step: string, label: string, reason: string): void;
  journal: JournalWriter;
  /** The step that failed last, if any. */
  readonly failedStep: string | null;
  /** The step that started last. */
  readonly lastStep: string | null;
}

/** A step runner writing to `journal` and `output`. */
export function createStepRunner(journal: JournalWriter, output: DeployOutput): StepRunner {
  let failedStep: string | null = null;
  let lastStep: string | null = null;
  return {
    journal,
    get failedStep() {
      return failedStep;
    },
    get lastStep() {
      return lastStep;
    },
    async run(step, label, work, options = {}) {
      lastStep = step;
      const append = options.bestEffortJournal ? journal.appendBestEffort : journal.append;
      const detail: Record<string, unknown> = {};
      append({ event: 'step', step, status: 'started' });
      if (!options.quietStart) output.line('start', `${label}…`);
      const started = Date.now();
      const context: StepContext = {
        summary: '',
        note(more, flush) {
          Object.assign(detail, more);
          if (flush) append({ event: 'step', step, status: 'started', detail: more });
        },
      };
      try {
        const value = await work(context);
        const durationMs = Date.now() - started;
        append({ event: 'step', step, status: 'ok', detail, durationMs });
        output.line('ok', `${label}${context.summary ? `: ${context.summary}` : ''} (${formatDuration(durationMs)})`);
        return value;
      } catch (error) {
        const durationMs = Date.now() - started;
        const message = (error as Error).message ?? String(error);
        const fix = (error as { fix?: string }).fix;
        failedStep = step;
        journal.appendBestEffort({ event: 'step', step, status: 'failed', detail: fix ? { ...detail, fix } : detail, error: message, durationMs });
        output.line('failed', `${label}: ${message}`);
        if (fix) output.detail(`fix: ${fix}`);
        throw error;
      }
    },
    skip(step, label, reason) {
      journal.appendBestEffort({ event: 'step', step, status: 'skipped', detail: { reason } });
      output.line('skipped', `${label}: ${reason}`);
    },
  };
}
