// The lock-safety report as the lines `deploy` and `deploy --plan` print: per migration, per statement, what
// the server said it would do, with the table's size and the estimated time writes wait.
import { formatBytes } from '../ui/format-bytes.js';
import { formatEstimate, type StatementAssessment } from '../checks/blocking-ddl.js';
import type { LockSafetyReport } from './assess-pending-ddl.js';
import { migrationId } from '../django/migration-types.js';

const MAX_SQL = 160;

/** One line per DDL statement, grouped under its migration; then how the estimates were made. */
export function describeLockSafety(report: LockSafetyReport): string[] {
  const lines: string[] = [describeScratchSchema(report)];
  for (const migration of report.replay.migrations) {
    const items = report.assessed.filter((item) => item.migration === migrationId(migration));
    lines.push(`${migrationId(migration)}:${items.length ? '' : ' no DDL'}`);
    for (const item of items) lines.push(`  ${describeStatement(item)}`);
  }
  if (report.replay.error) {
    lines.push(`! could not classify ${report.replay.error.migration ?? 'the migrations'} on the scratch database (${report.replay.error.phase}): ${report.replay.error.message}`);
  }
  if (report.rate) {
    lines.push(
      `estimates: the scratch server copied ${report.rate.sampleRows.toLocaleString('en-US')} rows (${formatBytes(report.rate.sampleBytes)}) in ${(report.rate.ms / 1000).toFixed(2)} s; the live server, its load and its indexes make the real time differ`,
    );
  }
  return lines;
}

/** Where the scratch database's starting schema came from: the cache, or Django replaying the applied migrations. */
export function describeScratchSchema(report: LockSafetyReport): string {
  const { cache, replay } = report;
  switch (cache.status) {
    case 'loaded':
      return `scratch database: the applied migrations' schema loaded from the cache (${cache.file}), Django applied the pending ones`;
    case 'built': {
      const why = cache.replaced ? ` (the cached entry was not used: ${cache.replaced}; replaced)` : '';
      return `scratch database: Django replayed ${replay.replayed} applied migrations${why}; their schema is cached for the next run (${cache.file})`;
    }
    case 'bypassed':
      return `scratch database: Django replayed ${replay.replayed} applied migrations, since ${cache.reason}; the cached schema (${cache.file}) holds no rows`;
    default:
      return `scratch database: Django replayed ${replay.replayed} applied migrations; not cached: ${cache.reason}`;
  }
}

/** "instant: ALTER TABLE …", "COPIES `t` (2.1 M rows, 1.4 GB): writes blocked for roughly 4 min (estimate): … — the server: …". */
export function describeStatement(item: StatementAssessment): string {
  const { statement } = item;
  const sql = statement.sql.length > MAX_SQL ? `${statement.sql.slice(0, MAX_SQL - 1)}…` : statement.sql;
  const table = statement.table ? `\`${statement.table}\`` : '';
  const size = item.size ? ` (${formatRows(item.size.rows)}, ${formatBytes(item.size.bytes)})` : statement.table ? ' (new or empty table)' : '';
  switch (statement.kind) {
    case 'instant':
      return `instant (metadata only): ${sql}`;
    case 'inplace':
      return `in place, writes allowed: ${sql}`;
    case 'create-table':
      return `creates ${table}: ${sql}`;
    case 'other-ddl':
      return `DDL on ${table || 'the schema'} (no table copy; takes the metadata lock): ${sql}`;
    default: {
      const verb = statement.kind === 'copy' ? 'COPIES' : 'REBUILDS IN PLACE';
      const wait = item.estimateSeconds !== null ? `: writes blocked for roughly ${formatEstimate(item.estimateSeconds)} (estimate)` : ': writes blocked while it runs';
      return `${verb} ${table}${size}${wait}: ${sql}${item.reason ? ` — the server: ${item.reason}` : ''}`;
    }
  }
}

function formatRows(rows: number): string {
  if (rows >= 1_000_000) return `${(rows / 1_000_000).toFixed(1)} M rows`;
  if (rows >= 10_000) return `${Math.round(rows / 1000)} k rows`;
  return `${rows} row${rows === 1 ? '' : 's'}`;
}
