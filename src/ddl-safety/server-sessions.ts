// Reads the server's sessions with their open InnoDB transactions (PROCESSLIST + INNODB_TRX) and, where the
// server has it, the metadata locks they hold (MariaDB's METADATA_LOCK_INFO plugin). Read only.
import type { Connection } from '../db/connect.js';
import type { ServerSession } from '../checks/lock-blockers.js';

export interface SessionsRead {
  sessions: ServerSession[];
  /** What the reading could not see, said once (no PROCESS privilege: only our own user's sessions). */
  limits: string[];
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
  const locks = await readMetadataLocks(connection);
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
      ...(locks ? { lockedTables: locks.get(id) ?? [] } : {}),
    };
  });
  return { sessions, limits };
}

/** thread id → tables it holds metadata locks on; null when the server has no METADATA_LOCK_INFO table. */
async function readMetadataLocks(connection: Connection): Promise<Map<number, string[]> | null> {
  try {
    const [rows] = await connection.query(`SELECT THREAD_ID AS id, TABLE_NAME AS name FROM information_schema.METADATA_LOCK_INFO WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ''`);
    const locks = new Map<number, string[]>();
    for (const row of rows as Array<{ id: number; name: string }>) locks.set(Number(row.id), [...(locks.get(Number(row.id)) ?? []), row.name]);
    return locks;
  } catch {
    return null;
  }
}
