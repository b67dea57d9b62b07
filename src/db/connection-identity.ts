// Who and where a connection is, as the server says it: the proof that two clients (migration-guard and
// Django) reach the same server, database and account.
import type { Connection } from './connect.js';

export interface ConnectionIdentity {
  hostname: string;
  port: number;
  database: string | null;
  user: string;
}

/** The question both sides ask their own connection. */
export const IDENTITY_QUERY = 'SELECT @@hostname AS hostname, @@port AS port, DATABASE() AS `database`, CURRENT_USER() AS user';

/** What the server says of this connection. */
export async function identifyConnection(connection: Connection): Promise<ConnectionIdentity> {
  const [rows] = await connection.query(IDENTITY_QUERY);
  const row = (rows as Record<string, unknown>[])[0]!;
  return { hostname: String(row.hostname), port: Number(row.port), database: row.database === null ? null : String(row.database), user: String(row.user) };
}

export function sameIdentity(a: ConnectionIdentity, b: ConnectionIdentity): boolean {
  return a.hostname === b.hostname && a.port === b.port && a.database === b.database && a.user === b.user;
}

/** `"shop" as app@% on db1:3306` */
export function describeIdentity(identity: ConnectionIdentity): string {
  return `"${identity.database}" as ${identity.user} on ${identity.hostname}:${identity.port}`;
}
