// What a deploy journal line holds. One JSON object per line, appended and fsynced as each step starts and ends.

export type StepStatus = 'started' | 'ok' | 'failed' | 'skipped';

export interface JournalEntry {
  time: string;
  /** The deploy this line belongs to (its journal's id). */
  deploy: string;
  event: 'deploy-started' | 'step' | 'signal' | 'deploy-finished' | 'resolved';
  step?: string;
  status?: StepStatus;
  /** Facts of the step: paths, revisions, counts, child pids. Never a password. */
  detail?: Record<string, unknown>;
  error?: string;
  durationMs?: number;
}

export const JOURNAL_PREFIX = 'deploy-';
export const JOURNAL_SUFFIX = '.journal.jsonl';
