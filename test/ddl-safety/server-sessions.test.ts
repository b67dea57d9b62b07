// Metadata locks from performance_schema.metadata_locks (MySQL 8's source; MariaDB >= 10.5 with performance_schema
// on): a real MariaDB started for this file with performance_schema and its metadata-lock instrument on. Exact
// holders are named (an open transaction on another table is not), the preflight's blockers and the watchdog use
// them; with the instrument switched off the table is empty, and the reading says so instead of "no locks".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { startThrowawayMariaDB, type ThrowawayMariaDB } from '../../src/sandbox/throwaway-mariadb.js';
import { readServerSessions } from '../../src/ddl-safety/server-sessions.js';
import { startLockWatchdog } from '../../src/ddl-safety/lock-watchdog.js';
import { describeBlocker, findLockBlockers } from '../../src/checks/lock-blockers.js';
import type { ConnectionSettings } from '../../src/db/connection-settings.js';

let server: ThrowawayMariaDB;
let settings: ConnectionSettings;
const INSTRUMENT = 'wait/lock/metadata/sql/mdl';

beforeAll(async () => {
  server = await startThrowawayMariaDB({ serverArgs: ['--performance-schema=ON', `--performance-schema-instrument=${INSTRUMENT}=ON`] });
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.admin.user, password: server.admin.password, multipleStatements: true });
  await admin.query(`CREATE DATABASE shop;
    CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB;
    CREATE TABLE shop.products (id INT PRIMARY KEY) ENGINE=InnoDB;
    INSERT INTO shop.orders VALUES (1, 'a'); INSERT INTO shop.products VALUES (1);
    CREATE USER 'app'@'%' IDENTIFIED BY 'app-Pw-1'; GRANT ALL ON shop.* TO 'app'@'%'; GRANT PROCESS ON *.* TO 'app'@'%';
    GRANT SELECT ON performance_schema.* TO 'app'@'%';`);
  await admin.end();
  settings = { host: server.host, port: server.port, user: 'app', password: 'app-Pw-1', database: 'shop' };
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const connectApp = () => mysql.createConnection({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database });

async function setInstrument(enabled: boolean): Promise<void> {
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.admin.user, password: server.admin.password });
  await admin.query('UPDATE performance_schema.setup_instruments SET ENABLED = ? WHERE NAME = ?', [enabled ? 'YES' : 'NO', INSTRUMENT]);
  await admin.end();
}

describe('readServerSessions with performance_schema.metadata_locks', () => {
  it('names the session holding a table\'s metadata lock, and not an open transaction on another table', async () => {
    const holder = await connectApp();
    const reader = await connectApp();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM products');
      const read = await readServerSessions(reader);
      expect(read.metadataLocks).toBe('performance_schema');
      expect(read.sessions.find((session) => session.id === holder.threadId)?.lockedTables).toEqual(['products']);
      const onProducts = findLockBlockers(read.sessions, { database: 'shop', tables: ['products'], exclude: new Set() });
      expect(onProducts.map(describeBlocker)).toEqual([expect.stringMatching(new RegExp(`^session ${holder.threadId} \\(app@[\\w.:]+, holds the metadata lock of \`products\`\\)`))]);
      // Without the lock table an idle open transaction counts for every table; with it, exactly.
      expect(findLockBlockers(read.sessions, { database: 'shop', tables: ['orders'], exclude: new Set() })).toEqual([]);
    } finally {
      await holder.end();
      await reader.end();
    }
  });

  it('with the instrument off (the table is then empty) falls back to open transactions and says why', async () => {
    await setInstrument(false);
    const holder = await connectApp();
    const reader = await connectApp();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM products');
      await new Promise((resolve) => setTimeout(resolve, 200)); // INNODB_TRX is a cache refreshed at most every 0.1 s
      const read = await readServerSessions(reader);
      expect(read.metadataLocks).toBeNull();
      expect(read.limits.join('\n')).toContain(`performance_schema does not record metadata locks here (enable them: performance-schema-instrument='${INSTRUMENT}=ON')`);
      expect(read.sessions.find((session) => session.id === holder.threadId)?.lockedTables).toBeUndefined();
      const blockers = findLockBlockers(read.sessions, { database: 'shop', tables: ['orders'], exclude: new Set() });
      expect(blockers.map(describeBlocker)).toEqual([expect.stringContaining('open transaction for')]);
    } finally {
      await holder.end();
      await reader.end();
      await setInstrument(true);
    }
  });

  it('the watchdog names the holder from performance_schema and stops the ALTER waiting behind it', async () => {
    const holder = await connectApp();
    const bystander = await connectApp();
    let migrate: mysql.Connection | null = null;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM orders');
      await bystander.query('BEGIN');
      await bystander.query('SELECT * FROM products');
      const events: unknown[] = [];
      const watchdog = await startLockWatchdog({ settings, lockWaitSeconds: 1, killBlockers: false, onWait: 'stop', intervalMs: 100, onEvent: (event) => events.push(event) });
      migrate = await connectApp(); // opened after the watchdog: counts as migrate's session
      const started = Date.now();
      const altered = await migrate.query('ALTER TABLE orders ADD COLUMN weight INT NULL').then(() => null, (error: Error & { errno?: number }) => error);
      const stopped = await watchdog.stop();
      expect(altered?.errno).toBe(1317); // ER_QUERY_INTERRUPTED: KILL QUERY
      expect(Date.now() - started).toBeLessThan(5000);
      expect(stopped).toHaveLength(1);
      expect(stopped[0]).toMatchObject({ action: 'stopped-migrate', table: 'orders', limits: [] });
      // Only the session holding `orders`' lock, not the other open transaction.
      expect(stopped[0]!.blockers).toEqual([expect.stringMatching(new RegExp(`^session ${holder.threadId} \\(app@[\\w.:]+, holds the metadata lock of \`orders\`\\)`))]);
    } finally {
      await migrate?.end().catch(() => undefined);
      await holder.end();
      await bystander.end();
    }
  });
});
