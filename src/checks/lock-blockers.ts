// Pure: which server sessions can hold the metadata lock a migration's ALTER needs on a table. With the
// server's own metadata-lock table (MariaDB's METADATA_LOCK_INFO plugin) the answer is exact; without it, a
// session counts when its statement names the table, or when it has an open transaction on the database
// (InnoDB does not say which tables an idle transaction has read, and any of them holds its lock until it ends).

export interface ServerSession {
  id: number;
  user: string;
  host: string;
  db: string | null;
  command: string;
  /** Seconds in the current state (PROCESSLIST.TIME). */
  seconds: number;
  state: string | null;
  /** The running statement (PROCESSLIST.INFO), or null when idle. */
  info: string | null;
  /** Seconds since its InnoDB transaction started, or null when it has none open. */
  transactionSeconds: number | null;
  /** The transaction's current statement (INNODB_TRX.trx_query). */
  transactionQuery: string | null;
  /** Tables it holds a metadata lock on, when the server says so (METADATA_LOCK_INFO); undefined when unknown. */
  lockedTables?: string[];
}

export interface LockBlocker {
  session: ServerSession;
  /** Why it counts: "holds the metadata lock of `t`", "open transaction for 40 s", "statement uses `t`". */
  why: string;
}

export const WAITING_FOR_METADATA_LOCK = 'Waiting for table metadata lock';

/** Sessions that may keep an ALTER of `tables` in `database` waiting. `exclude`: our own and migrate's sessions. */
export function findLockBlockers(sessions: ServerSession[], input: { database: string; tables: string[]; exclude: ReadonlySet<number> }): LockBlocker[] {
  const blockers: LockBlocker[] = [];
  for (const session of sessions) {
    if (input.exclude.has(session.id) || session.command === 'Daemon' || session.user === 'system user') continue;
    // Queued behind the same lock: not holding it.
    if (session.state === WAITING_FOR_METADATA_LOCK) continue;
    if (session.lockedTables) {
      const held = input.tables.filter((table) => session.lockedTables!.includes(table));
      if (held.length) blockers.push({ session, why: `holds the metadata lock of ${held.map((table) => `\`${table}\``).join(', ')}` });
      continue;
    }
    const statement = session.info ?? session.transactionQuery;
    const named = statement ? input.tables.filter((table) => namesTable(statement, table)) : [];
    if (session.transactionSeconds !== null && (session.db === null || session.db === input.database)) {
      const uses = named.length ? `, statement uses ${named.map((table) => `\`${table}\``).join(', ')}` : ' (the server does not say which tables it has read)';
      blockers.push({ session, why: `open transaction for ${session.transactionSeconds} s${uses}` });
    } else if (named.length && session.command === 'Query') {
      blockers.push({ session, why: `statement running for ${session.seconds} s uses ${named.map((table) => `\`${table}\``).join(', ')}` });
    }
  }
  return blockers;
}

/** "session 42 (shop@10.0.0.5:5123, open transaction for 40 s …): SELECT …" */
export function describeBlocker(blocker: LockBlocker): string {
  const { session } = blocker;
  const statement = session.info ?? session.transactionQuery;
  const shown = statement ? `: ${statement.length > 120 ? `${statement.slice(0, 119)}…` : statement}` : session.command === 'Sleep' ? ': idle' : '';
  return `session ${session.id} (${session.user}@${session.host}, ${blocker.why})${shown}`;
}

/** Does `sql` name `table` (quoted or not, as a whole word)? */
export function namesTable(sql: string, table: string): boolean {
  const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])\`?${escaped}\`?($|[^\\w$])`, 'i').test(sql);
}

/** The table a DDL statement waits on: ALTER TABLE t, CREATE … INDEX … ON t, DROP INDEX … ON t, … TABLE t. */
export function tableOfStatement(sql: string): string | null {
  const match = /^\s*(?:ALTER\s+TABLE|(?:CREATE|DROP)\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+\S+\s+ON|RENAME\s+TABLE|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|TRUNCATE(?:\s+TABLE)?)\s+(`(?:[^`]|``)+`|[\w$]+)/i.exec(sql);
  if (!match) return null;
  const name = match[1]!;
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}
