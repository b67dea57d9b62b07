// What the connected account may do, as the server knows it: the privileges restore-from-prod (staging and
// kept copies) and drift (scratch databases) need on `<database>__…` databases, and the exact GRANT that
// gives them to this account (CURRENT_USER(), never a guessed 'user'@'%').
import type { Connection } from './connect.js';
import { quoteIdentifier } from './connect.js';

/** What restore's staging copy and drift's scratch database need on a `<database>__…` database. */
export const SIDE_DATABASE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'INDEX', 'REFERENCES', 'CREATE VIEW', 'SHOW VIEW', 'TRIGGER', 'LOCK TABLES', 'CREATE ROUTINE', 'ALTER ROUTINE'] as const;

export interface SideDatabasePrivileges {
  /** The account as the server knows it: 'user'@'host'. */
  account: string;
  /** Privileges needed on `<database>__%` that the account lacks there (empty: all there). */
  missing: string[];
  /** The statement an administrator runs to give them. */
  grant: string;
}

/** `'user'@'host'` for CURRENT_USER()'s `user@host`: the account as GRANT and information_schema spell it. */
export function quotedAccount(currentUser: string): string {
  const at = currentUser.lastIndexOf('@');
  return `'${currentUser.slice(0, at)}'@'${currentUser.slice(at + 1)}'`;
}

/** The grant pattern of `database` itself (wildcards escaped), or with `__%` of its side databases. */
export function databaseGrantPattern(database: string, options: { sideDatabases?: boolean } = {}): string {
  const escaped = database.replace(/[\\_%]/g, (char) => `\\${char}`);
  return options.sideDatabases ? `${escaped}\\_\\_%` : escaped;
}

/** Checks the account's privileges on a database named like `<database>__restore_…` (global grants count too). */
export async function checkSideDatabasePrivileges(connection: Connection, database: string): Promise<SideDatabasePrivileges> {
  const [userRows] = await connection.query('SELECT CURRENT_USER() AS account');
  const account = quotedAccount(String((userRows as Array<{ account: string }>)[0]!.account));
  const probeName = `${database}__restore_probe`;
  const [rows] = await connection.query(
    `SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?
     UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND ? LIKE TABLE_SCHEMA`,
    [account, account, probeName],
  );
  const held = new Set((rows as Array<{ privilege: string }>).map((row) => row.privilege));
  const missing = SIDE_DATABASE_PRIVILEGES.filter((privilege) => !held.has(privilege));
  return { account, missing, grant: `GRANT ALL PRIVILEGES ON ${quoteIdentifier(databaseGrantPattern(database, { sideDatabases: true }))}.* TO ${account};` };
}
