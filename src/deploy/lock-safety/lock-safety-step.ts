// Deploy's lock-safety check, shared by `deploy` (a journaled step once the pull has brought the pending
// migrations) and `deploy --plan`: how the server would run each DDL statement, the sessions that could keep
// an ALTER waiting for its metadata lock, and the refusal of a blocking copy over "deploy.maxBlockingCopyRows".
import { withConnection } from '../../db/connect.js';
import { UserError } from '../../errors.js';
import { assessPendingDdl, type AssessInput, type LockSafetyReport } from '../../ddl-safety/assess-pending-ddl.js';
import { describeLockSafety } from '../../ddl-safety/report-lines.js';
import { readServerSessions } from '../../ddl-safety/server-sessions.js';
import { describeBlocker, findLockBlockers } from '../../checks/lock-blockers.js';

export interface LockSafetyInput extends AssessInput {
  allowBlocking: boolean;
}

export interface LockSafetyOutcome {
  /** null when the classification itself could not run (then `problem` says why). */
  report: LockSafetyReport | null;
  problem: string | null;
  /** Lines to print under the step: per migration, per statement; then the sessions that could block. */
  lines: string[];
  /** Sessions holding (or able to hold) the altered tables' metadata locks now. */
  blockers: string[];
  /** Set when the deploy must refuse: every blocking copy over the limit, with the fix. */
  refusal: UserError | null;
  /** Journal facts, without SQL longer than needed. */
  journal: Record<string, unknown>;
}

/** Classifies the pending DDL (scratch replay), sizes it, lists blockers; never throws for a classification failure. */
export async function checkLockSafety(input: LockSafetyInput): Promise<LockSafetyOutcome> {
  const { config, settings } = input;
  let report: LockSafetyReport | null = null;
  let problem: string | null = null;
  try {
    report = await assessPendingDdl({ config, env: input.env, settings, alias: input.alias, probe: input.probe, secrets: input.secrets, onScratchNamed: input.onScratchNamed });
  } catch (error) {
    if (error instanceof UserError && /Refused/.test(error.message)) throw error;
    const fix = (error as { fix?: string }).fix;
    problem = `the pending migrations could not be classified on a scratch database: ${(error as Error).message}${fix ? ` (fix: ${fix})` : ''}`;
  }
  const lines = report ? describeLockSafety(report) : [`! ${problem}`];
  const tables = report?.tables ?? [];
  let blockers: string[] = [];
  const limits: string[] = [];
  if (tables.length) {
    const read = await withConnection(settings, readServerSessions);
    blockers = findLockBlockers(read.sessions, { database: settings.database, tables, exclude: new Set() }).map(describeBlocker);
    limits.push(...read.limits);
  }
  const wait = config.raw.deploy.lockWaitSeconds;
  if (blockers.length) {
    lines.push(`! sessions that can keep these ALTERs waiting for a metadata lock (migrate is stopped after ${wait} s of waiting, or they are killed with --kill-blockers):`);
    for (const blocker of blockers) lines.push(`    ${blocker}`);
  } else if (tables.length) {
    lines.push(`no open transaction or running statement seen on ${tables.map((table) => `\`${table}\``).join(', ')}${limits.length ? ` (${limits.join('; ')})` : ''}`);
  }

  let refusal: UserError | null = null;
  const overLimit = report?.overLimit ?? [];
  if (overLimit.length && !input.allowBlocking) {
    refusal = new UserError(`a migration would block writes on a large table while the server copies it:\n${overLimit.map((item) => `  ${item.message}`).join('\n')}`, {
      fix: overLimit[0]!.fix,
    });
  } else if (overLimit.length) {
    lines.push(`! accepted with --allow-blocking: ${overLimit.map((item) => `${item.migration} blocks writes on \`${item.table}\``).join('; ')}`);
  }
  return {
    report,
    problem,
    lines,
    blockers,
    refusal,
    journal: {
      scratchDatabase: report?.scratchDatabase ?? null,
      schemaCache: report?.cache ?? null,
      statements: report?.assessed.map((item) => ({ migration: item.migration, kind: item.statement.kind, table: item.statement.table, rows: item.size?.rows ?? null, bytes: item.size?.bytes ?? null, estimateSeconds: item.estimateSeconds, reason: item.reason, sql: item.statement.sql })) ?? [],
      replayError: report?.replay.error ?? null,
      problem,
      copyRate: report?.rate ?? null,
      overLimit: overLimit.map((item) => ({ migration: item.migration, table: item.table, rows: item.rows })),
      allowBlocking: input.allowBlocking,
      blockers,
      ms: report?.ms ?? null,
    },
  };
}

/** The step's one-line outcome: "2 instant, 1 in place, 1 copies a table". */
export function summarizeLockSafety(outcome: LockSafetyOutcome): string {
  if (!outcome.report) return 'not classified (see above)';
  const counts = new Map<string, number>();
  for (const item of outcome.report.assessed) {
    const label = { instant: 'instant', inplace: 'in place', 'inplace-locked': 'blocks writes in place', copy: 'copies a table', 'create-table': 'new table', 'other-ddl': 'other DDL', other: 'other' }[item.statement.kind];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const parts = [...counts].map(([label, count]) => `${count} ${label}`);
  return `${parts.length ? parts.join(', ') : 'no DDL'}${outcome.blockers.length ? `; ${outcome.blockers.length} session(s) may block` : ''} (asked ${outcome.report.replay.server ?? 'the server'} on a scratch replay${outcome.report.cache.status === 'loaded' ? ' from the cached schema' : ''}, ${(outcome.report.ms / 1000).toFixed(1)} s)`;
}
