// What a rerun does about an interrupted deploy, decided from its journal alone.
import { describe, expect, it } from 'vitest';
import { planRecovery, describeRecovery } from '../../../src/deploy/recovery/plan-recovery.js';
import type { JournalSummary } from '../../../src/deploy/journal/journal-reader.js';
import type { JournalEntry, StepStatus } from '../../../src/deploy/journal/journal-entry.js';

type Line = [step: string, status: StepStatus, detail?: Record<string, unknown>];

function journal(lines: Line[]): JournalSummary {
  const entries: JournalEntry[] = [
    { time: 't', deploy: 'd1', event: 'deploy-started', detail: { pid: 4242, host: 'web1', startTicks: '99' } },
    ...lines.map(([step, status, detail]): JournalEntry => ({ time: 't', deploy: 'd1', event: 'step', step, status, detail })),
  ];
  const steps: JournalSummary['steps'] = [];
  let interruptedStep: string | null = null;
  for (const entry of entries.filter((item) => item.event === 'step')) {
    const existing = steps.find((item) => item.step === entry.step);
    if (existing) existing.status = entry.status!;
    else steps.push({ step: entry.step!, status: entry.status!, entry });
    interruptedStep = entry.status === 'started' ? entry.step! : interruptedStep === entry.step ? null : interruptedStep;
  }
  return { file: '/b/deploy-d1.journal.jsonl', id: 'd1', entries, started: entries[0]!, finished: null, resolved: null, steps, interruptedStep };
}

const UP_TO_BACKUP: Line[] = [
  ['preflight', 'started'],
  ['preflight', 'ok'],
  ['service-stop', 'started'],
  ['service-stop', 'ok'],
  ['pull', 'started', { before: 'aaa' }],
  ['pull', 'ok', { before: 'aaa', after: 'bbb' }],
  ['migrations', 'started'],
  ['migrations', 'ok'],
  ['backup', 'started'],
  ['backup', 'started', { tempFile: '/b/db-1-aaa.sql.gz.tmp', dumpPid: 77, dumpStartTicks: '100' }],
];
const BACKED_UP: Line[] = [...UP_TO_BACKUP, ['backup', 'ok', { path: '/b/db-1-aaa.sql.gz' }], ['sqlmigrate', 'started'], ['sqlmigrate', 'ok']];

describe('planRecovery', () => {
  it('killed during the backup: nothing to undo but the temp file, the pull and the stopped service; waits for the dump', () => {
    const plan = planRecovery(journal(UP_TO_BACKUP));
    expect(plan).toMatchObject({ action: 'nothing-to-undo', interruptedStep: 'backup', backup: null, tempFile: '/b/db-1-aaa.sql.gz.tmp', pulled: { before: 'aaa', after: 'bbb' }, serviceLeftStopped: true });
    expect(plan.children).toEqual([{ step: 'backup', what: 'the database dump', identity: { pid: 77, host: 'web1', startTicks: '100' } }]);
    expect(describeRecovery(plan)).toBe('The previous deploy d1 (pid 4242 on web1) did not finish: it stopped during "backup". Nothing had been migrated, so nothing needs restoring.');
  });

  it('killed during lock safety: nothing to undo; its scratch database is named for dropping (not once the step ended)', () => {
    const lines: Line[] = [...UP_TO_BACKUP.slice(0, 8), ['lock-safety', 'started'], ['lock-safety', 'started', { scratchDatabase: 'shop__drift_0a1b2c3d' }]];
    expect(planRecovery(journal(lines))).toMatchObject({ action: 'nothing-to-undo', interruptedStep: 'lock-safety', scratchDatabase: 'shop__drift_0a1b2c3d' });
    expect(planRecovery(journal([...lines, ['lock-safety', 'ok', { scratchDatabase: 'shop__drift_0a1b2c3d' }]])).scratchDatabase).toBeNull();
    expect(planRecovery(journal(UP_TO_BACKUP)).scratchDatabase).toBeNull();
  });

  it('killed during migrate: restore the backup; the migrate child must be gone first', () => {
    const plan = planRecovery(journal([...BACKED_UP, ['migrate', 'started'], ['migrate', 'started', { pid: 88, startTicks: '200' }]]));
    expect(plan).toMatchObject({ action: 'restore', interruptedStep: 'migrate', backup: '/b/db-1-aaa.sql.gz', tempFile: null });
    expect(plan.children.map((child) => child.identity.pid)).toEqual([88]);
  });

  it('killed after migrate finished, before verify ended: verify now', () => {
    expect(planRecovery(journal([...BACKED_UP, ['migrate', 'ok', { pid: 88 }], ['verify', 'started']])).action).toBe('verify');
    expect(planRecovery(journal([...BACKED_UP, ['migrate', 'ok']])).action).toBe('verify');
  });

  it('killed after verify failed or while restoring: restore (again)', () => {
    expect(planRecovery(journal([...BACKED_UP, ['migrate', 'ok'], ['verify', 'failed']])).action).toBe('restore');
    expect(planRecovery(journal([...BACKED_UP, ['migrate', 'failed'], ['restore', 'started']])).action).toBe('restore');
    expect(planRecovery(journal([...BACKED_UP, ['migrate', 'failed'], ['restore', 'failed']])).action).toBe('restore');
  });

  it('killed after the restore or while starting the service: only the end is missing', () => {
    expect(planRecovery(journal([...BACKED_UP, ['migrate', 'failed'], ['restore', 'ok']])).action).toBe('already-restored');
    const starting = planRecovery(journal([...BACKED_UP, ['migrate', 'ok'], ['verify', 'ok'], ['service-start', 'started']]));
    expect(starting).toMatchObject({ action: 'completed', serviceLeftStopped: true });
    const done = planRecovery(journal([...BACKED_UP, ['migrate', 'ok'], ['verify', 'ok'], ['service-start', 'ok']]));
    expect(done).toMatchObject({ action: 'completed', serviceLeftStopped: false, interruptedStep: null, lastStep: 'service-start' });
  });

  it('does not move the checkout back twice', () => {
    const plan = planRecovery(journal([...BACKED_UP, ['migrate', 'failed'], ['restore', 'ok'], ['revert-code', 'ok']]));
    expect(plan.pulled).toBeNull();
  });
});
