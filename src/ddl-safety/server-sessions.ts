// Reads the server's sessions with their open InnoDB transactions (PROCESSLIST + INNODB_TRX) and, where the
// server shows them, the metadata locks they hold: MariaDB's METADATA_LOCK_INFO plugin, else
// performance_schema.metadata_locks (MySQL 8; MariaDB >= 10.5 with performance_schema on) -- only when its
// metadata-lock instrument is enabled, since otherwise that table is empty and would say "no locks". Read only.
import type { Connection } from '../db/connect.js';
import type { ServerSession } from '../checks/lock-blockers.js';

export interface SessionsRead {
  sessions: ServerSession[];
  /** What the reading could not see, said once (no PROCESS privilege: only our own user's sessions). */
  limits: string[];
  /** Where the metadata locks came from; null when the server shows them nowhere we may read. */
  metadataLocks: 'METADATA_LOCK_INFO' | 'performance_schema' | null;
}

/** Tables each session holds metadata locks on, for the sessions the source accounts for. */
interface MetadataLocks {
  source: 'METADATA_LOCK_INFO' | 'performance_schema';
  byThread: Map<number, string[]>;
  /** Whether the source sees session `id`'s locks at all (performance_schema: only instrumented threads). */
  covers(id: number): boolean;
}

/** Every session but ours, with its transaction's age; metadata locks when the server exposes them. */
export async function readServerSessions(connection: Connection): Promise<SessionsRead> {
  const limits: string[] = [];
  const [processRows] = await connection.query(
    `SELECT ID AS id, USER AS user, HOST AS host, DB AS db, COMMAND AS command, TIME AS seconds, STATE AS state, INFO AS info
     FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()`,
  );
  const transactions = new Map<number, { seconds: number; query: string | null }>();
  try {
    const [rows] = await connection.query(`SELECT trx_mysql_thread_id AS id, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS seconds, trx_query AS query FROM information_schema.INNODB_TRX`);
    for (const row of rows as Array<{ id: number; seconds: number; query: string | null }>) transactions.set(Number(row.id), { seconds: Number(row.seconds), query: row.query });
  } catch (error) {
    limits.push(`without the PROCESS privilege the server shows neither other users' sessions nor anyone's open transactions (${(error as Error).message}): GRANT PROCESS ON *.* to this user to see and name blockers`);
  }
  // Without it, each open transaction found says itself that its tables are not known (lock-blockers.ts).
  const locks = (await readMetadataLockInfo(connection)) ?? (await readPerformanceSchemaLocks(connection, limits));
  const sessions = (processRows as Array<Record<string, unknown>>).map((row): ServerSession => {
    const id = Number(row.id);
    const transaction = transactions.get(id);
    return {
      id,
      user: String(row.user ?? ''),
      host: String(row.host ?? ''),
      db: row.db === null || row.db === undefined ? null : String(row.db),
      command: String(row.command ?? ''),
      seconds: Number(row.seconds ?? 0),
      state: row.state === null || row.state === undefined ? null : String(row.state),
      info: row.info === null || row.info === undefined ? null : String(row.info),
      transactionSeconds: transaction ? transaction.seconds : null,
      transactionQuery: transaction?.query ?? null,
      ...(locks?.covers(id) ? { lockedTables: locks.byThread.get(id) ?? [] } : {}),
    };
  });
  return { sessions, limits, metadataLocks: locks?.source ?? null };
}

/** MariaDB's METADATA_LOCK_INFO plugin table; null when the server has none. */
async function readMetadataLockInfo(connection: Connection): Promise<MetadataLocks | null> {
  try {
    const [rows] = await connection.query(`SELECT THREAD_ID AS id, TABLE_NAME AS name FROM information_schema.METADATA_LOCK_INFO WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ''`);
    return { source: 'METADATA_LOCK_INFO', byThread: groupByThread(rows as Array<{ id: number; name: string }>), covers: () => true };
  } catch {
    return null;
  }
}

/**
 * performance_schema.metadata_locks (granted locks only: a session queued for a lock does not hold it), by
 * processlist id; null when performance_schema is off, unreadable, or does not record metadata locks.
 */
async function readPerformanceSchemaLocks(connection: Connection, limits: string[]): Promise<MetadataLocks | null> {
  try {
    const [[setup]] = (await connection.query(
      `SELECT @@performance_schema AS enabled,
        (SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = 'wait/lock/metadata/sql/mdl') AS instrument,
        (SELECT ENABLED FROM performance_schema.setup_consumers WHERE NAME = 'global_instrumentation') AS consumer`,
    )) as unknown as [[{ enabled: number | string; instrument: string | null; consumer: string | null }]];
    if (Number(setup.enabled) !== 1) return null;
    if (setup.instrument !== 'YES' || setup.consumer !== 'YES') {
      limits.push("performance_schema does not record metadata locks here (enable them: performance-schema-instrument='wait/lock/metadata/sql/mdl=ON'), so lock holders are inferred from open transactions");
      return null;
    }
    const [rows] = await connection.query(
      `SELECT t.PROCESSLIST_ID AS id, m.OBJECT_NAME AS name FROM performance_schema.metadata_locks m JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
       WHERE m.OBJECT_TYPE = 'TABLE' AND m.OBJECT_SCHEMA = DATABASE() AND m.LOCK_STATUS = 'GRANTED' AND t.PROCESSLIST_ID IS NOT NULL`,
    );
    const [threads] = await connection.query(`SELECT PROCESSLIST_ID AS id FROM performance_schema.threads WHERE PROCESSLIST_ID IS NOT NULL AND INSTRUMENTED = 'YES'`);
    const instrumented = new Set((threads as Array<{ id: number }>).map((row) => Number(row.id)));
    return { source: 'performance_schema', byThread: groupByThread(rows as Array<{ id: number; name: string }>), covers: (id) => instrumented.has(id) };
  } catch {
    return null; // off (MariaDB's default), or no SELECT on performance_schema: inferred from transactions
  }
}

function groupByThread(rows: Array<{ id: number; name: string }>): Map<number, string[]> {
  const locks = new Map<number, string[]>();
  for (const row of rows) locks.set(Number(row.id), [...(locks.get(Number(row.id)) ?? []), row.name]);
  return locks;
}
