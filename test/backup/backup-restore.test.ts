// `backup` and `restore-backup` against real MariaDB and the migrated fixture project.
import { execa } from 'execa';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CLI, createFixtureRepo, manage, runCli, type FixtureRepo } from '../helpers/fixture-project.js';
import { databaseFingerprint } from '../deploy/deploy-scenario.js';

let repo: FixtureRepo;
let db: TestDatabase;
let env: Record<string, string>;
let backupDir: string;

beforeAll(async () => {
  repo = await createFixtureRepo();
  db = await createTestDatabase('bk');
  env = { ...db.env, HCAT_MEDIA: path.join(repo.dir, 'media'), PYTHONDONTWRITEBYTECODE: '1', MIGRATION_GUARD_NO_TTY: '1' };
  const migrated = await manage(repo.dir, ['migrate', '--noinput'], env);
  expect(migrated.exitCode, migrated.stderr).toBe(0);
  // As the application's own user, as a RunSQL migration would create them (routines are readable by their definer).
  const app = await mysql.createConnection({ host: db.settings.host, port: db.settings.port, user: db.settings.user, password: db.settings.password, database: db.settings.database, multipleStatements: true });
  await app.query(
    `INSERT INTO catalog_category (name) VALUES ('Books'), ('Games');
     INSERT INTO catalog_product (name, category_id, price_cents, sku) VALUES ('Dune', 1, 1299, 'B-1'), ('Chess', 2, 2500, 'G-1');
     CREATE TRIGGER product_price_guard BEFORE UPDATE ON catalog_product FOR EACH ROW SET NEW.price_cents = GREATEST(NEW.price_cents, 0);
     CREATE PROCEDURE count_products() SELECT COUNT(*) FROM catalog_product;
     CREATE VIEW cheap_products AS SELECT id, name FROM catalog_product WHERE price_cents < 2000;`,
  );
  await app.end();
  backupDir = path.join(repo.dir, '.migration-guard', 'backups');
});
afterAll(async () => {
  await db?.drop();
  await repo?.remove();
});

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: repo.dir, env: { ...env, ...extra } });

async function backups(): Promise<string[]> {
  return (await readdir(backupDir)).filter((name) => name.endsWith('.sql.gz')).sort();
}

describe('migration-guard backup', () => {
  let file: string;

  it('writes <db>-<timestamp>-<gitrev>.sql.gz: 0600, gzip intact, dump complete, with routines, triggers and a state record', async () => {
    const result = await cli(['backup', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const info = JSON.parse(result.stdout) as { path: string; bytes: number; exact: boolean; state: string };
    file = info.path;
    const revision = (await repo.git('rev-parse', '--short=12', 'HEAD')).trim();
    expect(path.basename(file)).toMatch(new RegExp(`^${db.settings.database}-\\d{8}T\\d{6}Z-${revision}\\.sql\\.gz$`));
    expect(path.dirname(file)).toBe(backupDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(info.bytes).toBe(statSync(file).size);
    expect(info.exact).toBe(true);
    expect((await execa('gzip', ['-t', file], { reject: false })).exitCode).toBe(0);
    const sql = (await execa('gzip', ['-dc', file])).stdout;
    expect(sql).toMatch(/-- Dump completed on \d{4}-\d\d-\d\d/);
    expect(sql).toContain('CREATE DEFINER=');
    expect(sql).toMatch(/PROCEDURE `?count_products`?\(\)/);
    expect(sql).toMatch(/TRIGGER `?product_price_guard`? BEFORE UPDATE/);
    expect(sql).toContain("INSERT INTO `catalog_product` VALUES");
    const state = JSON.parse(await readFile(info.state, 'utf8')) as { exact: boolean; state: { tables: Record<string, unknown>; migrations: string[] } };
    expect(Object.keys(state.state.tables)).toContain('cheap_products');
    expect(state.state.migrations.length).toBeGreaterThan(10);
    expect(result.stdout + result.stderr).not.toContain(db.settings.password);
  });

  it('keeps the newest N (--keep) with their records, removing older ones', async () => {
    const outputs: string[] = [];
    for (let run = 0; run < 3; run += 1) {
      const result = await cli(['backup', '--keep', '2']);
      outputs.push(result.stdout + result.stderr);
      expect(result.exitCode, result.stderr).toBe(0);
    }
    const kept = await backups();
    // On a failure, say which names were taken and what retention removed.
    expect(kept, outputs.join('\n---\n')).toHaveLength(2);
    expect(kept).not.toContain(path.basename(file));
    const states = (await readdir(backupDir)).filter((name) => name.endsWith('.state.json'));
    expect(states.map((name) => name.replace('.state.json', '.sql.gz')).sort()).toEqual(kept);
  });

  it('refuses to write into a read-only directory and leaves nothing behind', async () => {
    const dir = path.join(repo.dir, 'ro-backups');
    await mkdir(dir);
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir], { reject: false });
    expect(mounted.exitCode, mounted.stderr).toBe(0);
    try {
      const result = await cli(['backup', '--backup-dir', dir]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/could not write .*\.sql\.gz\.tmp: read-only file system/);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await execa('umount', [dir]);
    }
  });
});

describe('migration-guard restore-backup', () => {
  let file: string;
  let atBackup: Awaited<ReturnType<typeof databaseFingerprint>>;

  beforeAll(async () => {
    const result = await cli(['backup', '--json']);
    file = (JSON.parse(result.stdout) as { path: string }).path;
    atBackup = await databaseFingerprint(db.settings);
  });

  it('refuses without a terminal and without --yes, changing nothing', async () => {
    await adminQuery("INSERT INTO catalog_category (name) VALUES ('Added after the backup')", [], db.settings.database);
    const changed = await databaseFingerprint(db.settings);
    const result = await cli(['restore-backup', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('there is no terminal to ask on. Nothing was changed.');
    expect(result.stderr).toContain('--yes');
    expect(await databaseFingerprint(db.settings)).toEqual(changed);
  });

  it('on a terminal, refuses when the typed name is not the database', async () => {
    // `script` gives the command a real pseudo-terminal; the answer is typed into it.
    const command = [process.execPath, CLI, 'restore-backup', file].map((part) => `'${part}'`).join(' ');
    const result = await execa('script', ['-qec', command, '/dev/null'], {
      cwd: repo.dir,
      env: { ...process.env, ...env, MIGRATION_GUARD_NO_TTY: '', NO_COLOR: '1' },
      input: 'not-the-database\r',
      reject: false,
    });
    expect(result.stdout).toMatch(/Type\s+the\s+database\s+name\s+to\s+confirm/);
    expect(result.stdout).toContain(`The name typed was not "${db.settings.database}". Nothing was changed.`);
    expect(result.exitCode).toBe(2);
  });

  it('--yes: backs up what it replaces, restores, and the schema and data equal the backup exactly', async () => {
    await adminQuery(
      `DROP VIEW cheap_products; DROP TABLE orders_orderline;
       CREATE TABLE left_by_a_failed_migration (id int PRIMARY KEY);
       UPDATE catalog_product SET name = 'Changed';
       DELETE FROM django_migrations WHERE app = 'orders' AND name = '0002_order_status';`,
      [],
      db.settings.database,
    );
    const result = await cli(['restore-backup', file, '--yes']);
    const output = result.stdout + result.stderr;
    expect(result.exitCode, output).toBe(0);
    expect(output).toContain('restored and verified');
    expect(output).toContain('tables, definitions, checksums and django_migrations equal the state saved with the backup');
    expect(await databaseFingerprint(db.settings)).toEqual(atBackup);
    const views = (await adminQuery("SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?", [db.settings.database])) as Array<{ name: string }>;
    expect(views.map((view) => view.name)).toEqual(['cheap_products']);

    const safety = (await backups()).find((name) => name.endsWith('-before-restore.sql.gz'))!;
    expect(safety).toBeDefined();
    expect(output).toContain(`The previous content is in ${path.join(backupDir, safety)}`);
    const saved = (await execa('gzip', ['-dc', path.join(backupDir, safety)])).stdout;
    expect(saved).toContain('CREATE TABLE `left_by_a_failed_migration`');
    expect(output).not.toContain(db.settings.password);
  });

  it('refuses a truncated backup before touching the database', async () => {
    const broken = path.join(repo.dir, 'broken.sql.gz');
    await writeFile(broken, readFileSync(file));
    await truncate(broken, Math.floor(statSync(broken).size / 2));
    const before = await databaseFingerprint(db.settings);
    const result = await cli(['restore-backup', broken, '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/broken\.sql\.gz cannot be restored: gzip integrity check failed: unexpected end of file\. Nothing was changed\./);
    expect(await databaseFingerprint(db.settings)).toEqual(before);
  });
});
