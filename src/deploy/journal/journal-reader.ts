// Reads deploy journals back: what the last deploy did, and where an interrupted one stopped.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { JOURNAL_PREFIX, JOURNAL_SUFFIX, type JournalEntry, type StepStatus } from './journal-entry.js';
import type { ProcessIdentity } from '../../locks/process-identity.js';

export interface JournalSummary {
  file: string;
  id: string;
  entries: JournalEntry[];
  started: JournalEntry | null;
  finished: JournalEntry | null;
  /** A later deploy that dealt with this one after it was interrupted. */
  resolved: JournalEntry | null;
  /** Last status of each step, in the order steps first appeared. */
  steps: Array<{ step: string; status: StepStatus; entry: JournalEntry }>;
  /** The step that started last and never ended, if any. */
  interruptedStep: string | null;
}

/** Journal files in `dir`, oldest first. */
export function listJournals(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => name.startsWith(JOURNAL_PREFIX) && name.endsWith(JOURNAL_SUFFIX)).sort().map((name) => path.join(dir, name));
}

/** Parses a journal; a torn last line (the process died mid-write) is ignored. */
export function readJournal(file: string): JournalSummary {
  const id = path.basename(file).slice(JOURNAL_PREFIX.length, -JOURNAL_SUFFIX.length);
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // torn write at the end
    }
  }
  const steps: JournalSummary['steps'] = [];
  let interruptedStep: string | null = null;
  for (const entry of entries) {
    if (entry.event !== 'step' || !entry.step || !entry.status) continue;
    const existing = steps.find((item) => item.step === entry.step);
    if (existing) {
      existing.status = entry.status;
      existing.entry = entry;
    } else steps.push({ step: entry.step, status: entry.status, entry });
    interruptedStep = entry.status === 'started' ? entry.step : interruptedStep === entry.step ? null : interruptedStep;
  }
  return {
    file,
    id,
    entries,
    started: entries.find((entry) => entry.event === 'deploy-started') ?? null,
    finished: entries.find((entry) => entry.event === 'deploy-finished') ?? null,
    resolved: entries.find((entry) => entry.event === 'resolved') ?? null,
    steps,
    interruptedStep,
  };
}

/** The newest journal when it neither finished nor was resolved by a later deploy, or null. (Every deploy
 * resolves an unfinished predecessor before writing its own journal, so only the newest can be open.) */
export function findUnfinishedJournal(dir: string): JournalSummary | null {
  const newest = listJournals(dir).at(-1);
  if (!newest) return null;
  const summary = readJournal(newest);
  return summary.finished || summary.resolved ? null : summary;
}

/** The last status of `step` in a journal, or null when it never ran. */
export function stepStatus(summary: JournalSummary, step: string): StepStatus | null {
  return summary.steps.find((item) => item.step === step)?.status ?? null;
}

/** The detail recorded with the last line of `step`, merged over its earlier lines. */
export function stepDetail(summary: JournalSummary, step: string): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const entry of summary.entries) if (entry.event === 'step' && entry.step === step && entry.detail) Object.assign(merged, entry.detail);
  return merged;
}

/** The deploy process recorded at its start. */
export function journalProcess(summary: JournalSummary): ProcessIdentity | null {
  const detail = summary.started?.detail;
  if (!detail || typeof detail.pid !== 'number') return null;
  return { pid: detail.pid, host: String(detail.host ?? ''), startTicks: (detail.startTicks as string | null) ?? null };
}
