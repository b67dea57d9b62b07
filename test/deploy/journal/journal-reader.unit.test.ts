// Journals are read back after kill -9: a torn last line is ignored, the unfinished deploy is found.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findUnfinishedJournal, readJournal, stepDetail } from '../../../src/deploy/journal/journal-reader.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function dirWith(files: Record<string, string[]>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-journal-'));
  dirs.push(dir);
  for (const [name, lines] of Object.entries(files)) writeFileSync(path.join(dir, name), lines.join('\n'));
  return dir;
}

const line = (entry: Record<string, unknown>) => JSON.stringify({ time: 't', deploy: 'x', ...entry });

describe('journal reader', () => {
  it('ignores a torn last line and reports the step that never ended', () => {
    const dir = dirWith({
      'deploy-20261125T100000.000Z-1.journal.jsonl': [line({ event: 'deploy-started' }), line({ event: 'step', step: 'migrate', status: 'started', detail: { pid: 5 } }), '{"time":"t","deploy":"x","ev'],
    });
    const summary = readJournal(path.join(dir, 'deploy-20261125T100000.000Z-1.journal.jsonl'));
    expect(summary.entries).toHaveLength(2);
    expect(summary.interruptedStep).toBe('migrate');
    expect(stepDetail(summary, 'migrate')).toEqual({ pid: 5 });
    expect(findUnfinishedJournal(dir)?.id).toBe('20261125T100000.000Z-1');
  });

  it('finds nothing when the newest deploy finished or was resolved by a later one', () => {
    const finished = dirWith({ 'deploy-20261125T100000.000Z-1.journal.jsonl': [line({ event: 'deploy-started' }), line({ event: 'deploy-finished' })] });
    expect(findUnfinishedJournal(finished)).toBeNull();
    const resolved = dirWith({ 'deploy-20261125T100000.000Z-1.journal.jsonl': [line({ event: 'step', step: 'backup', status: 'started' }), line({ event: 'resolved' })] });
    expect(findUnfinishedJournal(resolved)).toBeNull();
    expect(findUnfinishedJournal(path.join(resolved, 'missing'))).toBeNull();
  });
});
