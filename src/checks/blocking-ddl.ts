// Pure: the server's classification of each pending DDL statement × the live table's size × the measured copy
// rate → what each migration does to its tables, and the statements that would block writes on a table larger
// than the limit (each naming the migration, the statement, the server's reason and the safer ways).
import { estimateCopySeconds, type ClassifiedMigration, type ClassifiedStatement, type CopyRate, type DdlKind, type TableSize } from './ddl-classification.js';
import { migrationId } from '../django/migration-types.js';

export interface StatementAssessment {
  migration: string;
  statement: ClassifiedStatement;
  /** The live table's size; null when the table does not exist yet (created by an earlier pending migration). */
  size: TableSize | null;
  /** For a blocking statement on a table with rows: the estimated seconds writes wait (from the measured rate). */
  estimateSeconds: number | null;
  /** Writes to the table wait while it runs (a copy, or an in-place change the server cannot do with LOCK=NONE). */
  blocksWrites: boolean;
  /** The server's reason, from its refusal of ALGORITHM=INPLACE, LOCK=NONE (null when it was accepted). */
  reason: string | null;
}

export interface BlockingDdlRefusal {
  migration: string;
  table: string;
  sql: string;
  rows: number;
  message: string;
  fix: string;
}

const BLOCKING: ReadonlySet<DdlKind> = new Set(['copy', 'inplace-locked']);

/** Every DDL statement of the pending migrations with its table's size and, when it blocks writes, an estimate. */
export function assessStatements(migrations: ClassifiedMigration[], sizes: ReadonlyMap<string, TableSize>, rate: CopyRate | null): StatementAssessment[] {
  const created = new Set<string>();
  const assessed: StatementAssessment[] = [];
  for (const migration of migrations) {
    for (const statement of migration.statements) {
      if (statement.kind === 'other') continue;
      const table = statement.table;
      if (statement.kind === 'create-table' && table) created.add(table);
      const size = table && !created.has(table) ? (sizes.get(table) ?? null) : null;
      const blocksWrites = BLOCKING.has(statement.kind);
      const estimateSeconds = blocksWrites && size && rate ? estimateCopySeconds(rate, size.rows, size.bytes) : null;
      assessed.push({ migration: migrationId(migration), statement, size, estimateSeconds, blocksWrites, reason: serverReason(statement) });
    }
  }
  return assessed;
}

/** The server's own reason for refusing LOCK=NONE ("Reason: …" of error 1846), else its whole message. */
export function serverReason(statement: ClassifiedStatement): string | null {
  const refusal = statement.refusals.find((item) => item.tried.includes('LOCK=NONE')) ?? statement.refusals.at(-1);
  if (!refusal || statement.kind === 'instant' || statement.kind === 'inplace') return null;
  return /Reason: (.*?)\.? Try /.exec(refusal.message)?.[1] ?? refusal.message;
}

/** The blocking statements on tables with more rows (estimated) than `maxRows`: the deploy refuses them. */
export function blockingOverLimit(assessed: StatementAssessment[], maxRows: number): BlockingDdlRefusal[] {
  return assessed
    .filter((item) => item.blocksWrites && item.size && item.size.rows > maxRows)
    .map((item) => {
      const table = item.statement.table!;
      const what = item.statement.kind === 'copy' ? 'copies' : 'rebuilds in place, with writes blocked,';
      return {
        migration: item.migration,
        table,
        sql: item.statement.sql,
        rows: item.size!.rows,
        message: `${item.migration} ${what} \`${table}\` (about ${item.size!.rows.toLocaleString('en-US')} rows, more than "deploy.maxBlockingCopyRows" = ${maxRows.toLocaleString('en-US')}): ${item.statement.sql}${item.reason ? ` — the server: ${item.reason}` : ''}`,
        fix: `Split ${item.migration} so this statement runs on its own, or run it with an online schema-change tool (gh-ost, pt-online-schema-change) and keep the migration as migrations.SeparateDatabaseAndState(state_operations=[…]); or accept the blocked writes: migration-guard deploy --allow-blocking`,
      };
    });
}

/** "12 s", "4 min", "2.5 h": an estimate, rounded as one. */
export function formatEstimate(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
