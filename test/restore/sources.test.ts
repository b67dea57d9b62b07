// restore-from-prod restores from every kind of source: local file (plain, gzip, zstd), http, a file
// over ssh, and a live dump taken over ssh; the result matches production table for table, byte for byte.
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startThrowawayMariaDB, type ThrowawayMariaDB } from '../../src/sandbox/throwaway-mariadb.js';
import { runCli } from '../helpers/fixture-project.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { databaseFingerprint } from './support/checksums.js';
import { buildProduction, createDeveloper, loadSql, query, siblingDatabases, type Developer, type Production } from './support/fixtures.js';

let production: Production;
let developer: Developer;
let sshd: TestSshd;
let productionServer: ThrowawayMariaDB;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  [production, sshd, productionServer] = await Promise.all([buildProduction(), startSshd(), startThrowawayMariaDB()]);
  developer = await createDeveloper(production);
  // Production's own server for the live dump: the same data under production's name.
  await query(productionServer.settingsFor(''), 'CREATE DATABASE hcat_prod CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [], '');
  await loadSql(production.dir, productionServer.settingsFor('hcat_prod'), 'hcat_prod', production.sql);
  server = http.createServer((request, response) => {
    const file = path.join(production.dir, decodeURIComponent(new URL(request.url!, 'http://x').pathname));
    if (request.headers.authorization !== 'Bearer s3cret') return void response.writeHead(401).end();
    response.writeHead(200);
    createReadStream(file).on('error', () => response.destroy()).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  await Promise.all([developer?.remove(), production?.remove(), sshd?.stop(), productionServer?.stop()]);
});

beforeEach(async () => {
  await developer.reset();
});

function restore(args: string[]) {
  return runCli(['restore-from-prod', '--yes', '--json', ...args], { cwd: developer.repo.dir, env: developer.env });
}

async function expectObjectsWork(): Promise<void> {
  const [view] = (await query(developer.db.settings, 'SELECT COUNT(*) AS n FROM product_names')) as Array<{ n: number }>;
  expect(Number(view!.n)).toBe(production.fingerprint.tables.catalog_product!.rows);
  await query(developer.db.settings, "INSERT INTO catalog_product (name, category_id, price_cents, sku) VALUES ('Neu', NULL, 1, '')");
  const [inserted] = (await query(developer.db.settings, "SELECT sku FROM catalog_product WHERE name = 'Neu'")) as Array<{ sku: string }>;
  expect(inserted!.sku).toBe('AUTO-Neu');
  const called = ((await query(developer.db.settings, 'CALL count_products()')) as Array<Array<Record<string, number>>>)[0]![0]!;
  expect(Number(Object.values(called)[0])).toBe(production.fingerprint.tables.catalog_product!.rows + 1);
}

async function expectRestoredFromProduction(): Promise<void> {
  expect(await developer.fingerprint()).toEqual(production.fingerprint);
}

describe('restore-from-prod sources', () => {
  it('restores a local gzip dump and a local plain tarball, keeping the previous copy', async () => {
    const before = await developer.fingerprint();
    const result = await restore(['--db-source', production.gz, '--media-source', production.tar]);
    expect(result.stderr).not.toContain('error');
    expect(result.exitCode).toBe(0);
    await expectRestoredFromProduction();
    expect(await developer.mediaFingerprint()).toEqual(production.mediaFingerprint);
    // The developer's own copy is kept for --undo, and nothing else is left behind.
    expect(await databaseFingerprint(developer.db.admin, `${developer.db.settings.database}__previous`)).toEqual(before);
    expect(await siblingDatabases(developer)).toEqual([`${developer.db.settings.database}__previous`]);
    // The view, trigger and procedure work on the swapped-in tables (not on the dropped staging copy).
    await expectObjectsWork();
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ ok: true, database: { compression: 'gzip', tables: Object.keys(production.fingerprint.tables).length }, media: { compression: 'plain', files: 4 } });
    expect(summary.migrations.pending).toEqual(['orders.0002_order_status']);
  });

  it('restores a zstd dump (detected from its bytes, whatever the name) and a gzip tarball named .bin', async () => {
    const disguisedDump = path.join(production.dir, 'dump-latest.bin');
    const disguisedTar = path.join(production.dir, 'media-latest.bin');
    await writeFile(disguisedDump, await readFile(production.zst));
    await writeFile(disguisedTar, await readFile(production.tarGz));
    const result = await restore(['--db-source', disguisedDump, '--media-source', disguisedTar]);
    expect(result.exitCode, result.stderr).toBe(0);
    await expectRestoredFromProduction();
    expect(await developer.mediaFingerprint()).toEqual(production.mediaFingerprint);
    expect(JSON.parse(result.stdout)).toMatchObject({ database: { compression: 'zstd' }, media: { compression: 'gzip' } });
  });

  it('restores a plain dump over http with a token header taken from the environment', async () => {
    await developer.writeConfig({
      database: { source: { kind: 'http', url: `${baseUrl}/prod%20dump.sql`, headersFromEnv: { Authorization: 'PROD_BACKUP_AUTH' } } },
      media: { source: { kind: 'http', url: `${baseUrl}/media.tar.gz`, headersFromEnv: { Authorization: 'PROD_BACKUP_AUTH' } } },
    });
    const result = await runCli(['restore-from-prod', '--yes'], { cwd: developer.repo.dir, env: { ...developer.env, PROD_BACKUP_AUTH: 'Bearer s3cret' } });
    expect(result.exitCode, result.stderr).toBe(0);
    await expectRestoredFromProduction();
    expect(await developer.mediaFingerprint()).toEqual(production.mediaFingerprint);
    expect(result.stdout).toContain(`Migrations: 1 migration of your code is not applied to database "${developer.db.settings.database}" yet:`);
    expect(result.stdout).toContain('orders.0002_order_status');
    expect(result.stdout + result.stderr).not.toContain('s3cret');
  });

  it('restores a dump file and a tarball fetched over ssh', async () => {
    const ssh = { kind: 'ssh', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, sshOptions: sshd.sshOptions };
    await developer.writeConfig({ database: { source: { ...ssh, path: production.gz } }, media: { source: { ...ssh, path: production.tarGz } } });
    const result = await runCli(['restore-from-prod', '--yes', '--json'], { cwd: developer.repo.dir, env: developer.env });
    expect(result.exitCode, result.stderr).toBe(0);
    await expectRestoredFromProduction();
    expect(await developer.mediaFingerprint()).toEqual(production.mediaFingerprint);
    expect(JSON.parse(result.stdout).database.source).toBe(`${sshd.user}@127.0.0.1:${sshd.port}:${production.gz}`);
  });

  it('restores a live dump taken over ssh, with credentials read from an option file on that host, and migrates with --migrate', async () => {
    const remoteOptions = path.join(sshd.dir, 'prod-client.cnf');
    const admin = productionServer.settingsFor('hcat_prod');
    await writeFile(remoteOptions, `[client]\nuser=${admin.user}\npassword="${admin.password}"\nhost=127.0.0.1\nport=${admin.port}\nprotocol=TCP\n`, { mode: 0o600 });
    await developer.writeConfig({
      database: {
        source: { kind: 'ssh-dump', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, sshOptions: sshd.sshOptions, database: 'hcat_prod', defaultsFile: remoteOptions, databasePort: admin.port },
      },
    });
    const result = await runCli(['restore-from-prod', '--yes', '--no-media', '--migrate'], { cwd: developer.repo.dir, env: developer.env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(admin.password);
    // Production's data, then migrated: every table's rows are production's, and orders.0002 is applied.
    const restored = await developer.fingerprint();
    expect(Object.keys(restored.tables)).toEqual(Object.keys(production.fingerprint.tables));
    for (const [table, facts] of Object.entries(production.fingerprint.tables)) {
      if (table.startsWith('catalog_')) expect(restored.tables[table], table).toEqual(facts);
      if (table !== 'django_migrations') expect(restored.tables[table]!.rows, table).toBe(facts.rows);
    }
    expect(restored.views).toEqual(production.fingerprint.views);
    expect(restored.triggers).toEqual(production.fingerprint.triggers);
    expect(restored.routines).toEqual(production.fingerprint.routines);
    expect(restored.tables.orders_order!.columns).toContain('status varchar(10)');
    expect(result.stdout).toContain(`Migrated: 1 migration applied to database "${developer.db.settings.database}".`);
    const applied = (await query(developer.db.admin, "SELECT name FROM django_migrations WHERE app = 'orders'")) as Array<{ name: string }>;
    expect(applied.map((row) => row.name)).toContain('0002_order_status');
  });

  it('loads over several connections with --parallel and applies sanitize rules before the swap', async () => {
    await developer.writeConfig({
      sanitize: [
        { table: 'auth_user', column: 'email', value: 'user{id}@example.invalid' },
        { table: 'auth_user', column: 'password', value: '' },
        { sql: "UPDATE orders_order SET note = 'redacted'" },
      ],
    });
    const result = await restore(['--parallel', '3', '--db-source', production.gz, '--no-media']);
    expect(result.exitCode, result.stderr).toBe(0);
    const restored = await developer.fingerprint();
    for (const [table, facts] of Object.entries(production.fingerprint.tables)) {
      if (table === 'auth_user' || table === 'orders_order') expect(restored.tables[table]!.rows, table).toBe(facts.rows);
      else expect(restored.tables[table], table).toEqual(facts);
    }
    const users = (await query(developer.db.admin, 'SELECT id, email, password FROM auth_user ORDER BY id')) as Array<{ id: number; email: string; password: string }>;
    expect(users.map((user) => [user.email, user.password])).toEqual(users.map((user) => [`user${user.id}@example.invalid`, '']));
    expect(JSON.parse(result.stdout).database.sanitized).toEqual([
      { rule: '#1 (auth_user.email)', rows: 2 },
      { rule: '#2 (auth_user.password)', rows: 2 },
      { rule: '#3 (sql)', rows: 2 },
    ]);
  });
});
