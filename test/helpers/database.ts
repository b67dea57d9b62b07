// A database per test on the shared throwaway server, owned by its own user with a real password.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import mysql from 'mysql2/promise';
import type { ConnectionSettings } from '../../src/db/connection-settings.js';

export interface TestDatabase {
  /** The app's connection: its own user, privileges on this database and on `<name>__*` databases only. */
  settings: ConnectionSettings;
  /** Administrative connection settings (all privileges) for setting up scenarios. */
  admin: ConnectionSettings;
  /** HCAT_* variables as the fixture project's settings read them. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** Administrative settings of the shared server, with an optional default database. */
export function adminSettings(database = ''): ConnectionSettings {
  const info = inject('mariadb');
  return { host: info.host, port: info.port, user: info.adminUser, password: info.adminPassword, database };
}

/** Runs statements as the administrator. */
export async function adminQuery(sql: string, params: unknown[] = [], database = ''): Promise<unknown> {
  const connection = await mysql.createConnection({ ...toMysql2(adminSettings(database)), multipleStatements: true });
  try {
    const [rows] = await connection.query(sql, params);
    return rows;
  } finally {
    await connection.end();
  }
}

/** Creates an empty database and a user that owns it. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const suffix = randomBytes(4).toString('hex');
  const name = `${prefix}_${suffix}`;
  const user = `u_${suffix}`;
  const password = `Pw-${randomBytes(9).toString('base64url')}`;
  await adminQuery(
    `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
     CREATE USER '${user}'@'%' IDENTIFIED BY '${password}';
     GRANT ALL PRIVILEGES ON \`${name}\`.* TO '${user}'@'%';
     GRANT ALL PRIVILEGES ON \`${name.replace(/_/g, '\\_')}\\_\\_%\`.* TO '${user}'@'%';`,
  );
  const info = inject('mariadb');
  const settings: ConnectionSettings = { host: info.host, port: info.port, user, password, database: name };
  return {
    settings,
    admin: adminSettings(name),
    env: {
      HCAT_DB: name,
      HCAT_USER: user,
      HCAT_PASSWORD: password,
      HCAT_HOST: info.host,
      HCAT_PORT: String(info.port),
    },
    async drop() {
      const rows = (await adminQuery(`SHOW DATABASES LIKE '${name.replace(/_/g, '\\_')}%'`)) as Array<Record<string, string>>;
      const statements = rows.map((row) => `DROP DATABASE IF EXISTS \`${Object.values(row)[0]}\`;`).join('\n');
      await adminQuery(`${statements} DROP USER IF EXISTS '${user}'@'%';`);
    },
  };
}

function toMysql2(settings: ConnectionSettings): mysql.ConnectionOptions {
  return { host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database || undefined };
}
