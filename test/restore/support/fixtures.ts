// What restore-from-prod's tests restore from and into: production's database (the fixture Django
// project migrated, with rows in every table, a view, a trigger and a procedure), its dump in every
// format, a media tree with awkward names and its tarballs, and a developer's own database and media.
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import type { ConnectionSettings } from '../../../src/db/connection-settings.js';
import { adminSettings, createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { createFixtureRepo, manage, type FixtureRepo } from '../../helpers/fixture-project.js';
import { databaseFingerprint, treeFingerprint, type DatabaseFingerprint, type TreeEntry } from './checksums.js';

export async function query(settings: ConnectionSettings, sql: string, params: unknown[] = [], database = settings.database): Promise<unknown> {
  const connection = await mysql.createConnection({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: database || undefined, charset: 'utf8mb4', multipleStatements: true });
  try {
    const [rows] = await connection.query(sql, params);
    return rows;
  } finally {
    await connection.end();
  }
}

/** A [client] option file (0600) for the mariadb programs. */
export async function optionFile(dir: string, settings: ConnectionSettings, name = 'client.cnf'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `[client]\nuser=${settings.user}\npassword="${settings.password}"\nhost=${settings.host}\nport=${settings.port}\nprotocol=TCP\n`, { mode: 0o600 });
  return file;
}

/** Loads a plain SQL file into `database` with the mariadb client. */
export async function loadSql(dir: string, settings: ConnectionSettings, database: string, sqlFile: string): Promise<void> {
  const options = await optionFile(dir, settings, `load-${Date.now()}.cnf`);
  await execa('mariadb', [`--defaults-extra-file=${options}`, database], { inputFile: sqlFile });
}

export interface Production {
  dir: string;
  db: TestDatabase;
  fingerprint: DatabaseFingerprint;
  sql: string;
  gz: string;
  zst: string;
  mediaDir: string;
  mediaFingerprint: TreeEntry[];
  tar: string;
  tarGz: string;
  remove(): Promise<void>;
}

/** Builds production: migrate (orders stops at 0001, so the code has one more), fill every table, dump, tar. */
export async function buildProduction(): Promise<Production> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mg-prod-'));
  const db = await createTestDatabase('prod');
  const repo = await createFixtureRepo({ commit: false });
  try {
    const migrate = await manage(repo.dir, ['migrate', '--noinput', 'orders', '0001'], { ...process.env as Record<string, string>, ...db.env });
    if (migrate.exitCode !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);
  } finally {
    await repo.remove();
  }
  await fillEveryTable(db.admin);
  const sql = path.join(dir, 'prod dump.sql');
  const options = await optionFile(dir, db.admin, 'admin.cnf');
  await execa('mariadb-dump', [`--defaults-extra-file=${options}`, '--single-transaction', '--routines', '--triggers', db.settings.database], { stdout: { file: sql } });
  await execa('gzip', ['-k', '-f', sql]);
  await execa('zstd', ['-q', '-k', '-f', sql, '-o', `${sql}.zst`]);

  const mediaDir = path.join(dir, 'media');
  await buildMediaTree(mediaDir);
  const tar = path.join(dir, 'media.tar');
  await execa('tar', ['-C', mediaDir, '-cf', tar, '.']);
  await execa('gzip', ['-k', '-f', tar]);
  return {
    dir,
    db,
    fingerprint: await databaseFingerprint(db.admin),
    sql,
    gz: `${sql}.gz`,
    zst: `${sql}.zst`,
    mediaDir,
    mediaFingerprint: await treeFingerprint(mediaDir),
    tar,
    tarGz: `${tar}.gz`,
    async remove() {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Rows in every table, with non-ASCII and 4-byte (emoji) text; a view, a trigger and a procedure whose
// DEFINER is the administrator, which a developer's user may not set.
async function fillEveryTable(admin: ConnectionSettings): Promise<void> {
  await query(
    admin,
    `INSERT INTO auth_group (name) VALUES ('Rédacteurs ✍️'), ('staff');
     INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
       VALUES ('pbkdf2_sha256$1$x$y', '2026-04-05 06:07:08', 1, 'zoë', 'Zoë', 'Ångström 🚀', 'zoe@example.com', 1, 1, '2026-01-02 03:04:05'),
              ('pbkdf2_sha256$1$a$b', '2026-05-06 07:08:09', 0, 'kenji', '健二', '山田', 'kenji@example.com', 0, 1, '2026-02-03 04:05:06');
     INSERT INTO auth_user_groups (user_id, group_id) SELECT u.id, g.id FROM auth_user u, auth_group g;
     INSERT INTO auth_group_permissions (group_id, permission_id) SELECT g.id, p.id FROM auth_group g, auth_permission p WHERE p.id <= 3;
     INSERT INTO auth_user_user_permissions (user_id, permission_id) SELECT u.id, p.id FROM auth_user u, auth_permission p WHERE p.id <= 2;
     INSERT INTO catalog_category (name) VALUES ('Bücher 📚'), ('Café ☕');
     INSERT INTO catalog_tag (label) VALUES ('neu'), ('🔥 hot');
     INSERT INTO catalog_product (name, category_id, price_cents, sku) SELECT CONCAT('Produkt ', c.name, ' ', n.n), c.id, n.n * 199, CONCAT('SKU-', c.id, '-', n.n)
       FROM catalog_category c, (SELECT 1 AS n UNION SELECT 2 UNION SELECT 3) n;
     INSERT INTO catalog_product_tags (product_id, tag_id) SELECT p.id, t.id FROM catalog_product p, catalog_tag t WHERE p.id % 2 = 0;
     INSERT INTO orders_order (created_at, note, customer_id) SELECT '2026-03-04 05:06:07', CONCAT('Lieferung an ', first_name, ' 🎁\\nzweite Zeile'), id FROM auth_user;
     INSERT INTO orders_orderline (quantity, order_id, product_id) SELECT 2, o.id, p.id FROM orders_order o, catalog_product p WHERE p.id <= 2;
     CREATE VIEW product_names AS SELECT p.id, p.name, c.name AS category FROM catalog_product p LEFT JOIN catalog_category c ON c.id = p.category_id;
     CREATE TRIGGER product_sku_default BEFORE INSERT ON catalog_product FOR EACH ROW SET NEW.sku = IF(NEW.sku = '', CONCAT('AUTO-', NEW.name), NEW.sku);
     CREATE PROCEDURE count_products() SELECT COUNT(*) FROM catalog_product;`,
  );
  const tables = (await query(admin, "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")) as Array<{ t: string }>;
  for (const { t } of tables) {
    const [row] = (await query(admin, `SELECT COUNT(*) AS n FROM \`${t}\``)) as Array<{ n: number }>;
    if (Number(row!.n) === 0) throw new Error(`fixture table ${t} has no rows`);
  }
}

// Nested directories, names with spaces and non-ASCII characters, a binary file, a relative symlink
// inside the tree, and particular modes and mtimes.
async function buildMediaTree(root: string): Promise<void> {
  await mkdir(path.join(root, 'uploads/2026/März Fotos'), { recursive: true });
  await mkdir(path.join(root, 'privé'), { recursive: true });
  await writeFile(path.join(root, 'uploads/2026/März Fotos/Strand am Meer 🌊.jpg'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)));
  await writeFile(path.join(root, 'uploads/2026/read me.txt'), 'Grüße aus der Produktion\n');
  await writeFile(path.join(root, 'privé/contrat signé.pdf'), '%PDF-1.4 fake\n');
  await writeFile(path.join(root, '日本語のファイル.txt'), 'こんにちは\n');
  await symlink('uploads/2026/read me.txt', path.join(root, 'latest.txt'));
  await chmod(path.join(root, 'privé/contrat signé.pdf'), 0o640);
  await chmod(path.join(root, 'privé'), 0o750);
  const when = new Date('2026-03-04T05:06:07Z');
  for (const file of ['uploads/2026/März Fotos/Strand am Meer 🌊.jpg', 'uploads/2026/read me.txt', 'privé/contrat signé.pdf', '日本語のファイル.txt', 'uploads/2026/März Fotos', 'uploads/2026', 'uploads', 'privé']) {
    await utimes(path.join(root, file), when, when);
  }
}

export interface Developer {
  db: TestDatabase;
  repo: FixtureRepo;
  mediaDir: string;
  /** Environment for the CLI: the fixture's HCAT_* variables and HCAT_MEDIA. */
  env: Record<string, string>;
  fingerprint(): Promise<DatabaseFingerprint>;
  mediaFingerprint(): Promise<TreeEntry[]>;
  /** Puts the developer's own state back: their database (from production's dump, changed) and media. */
  reset(): Promise<void>;
  writeConfig(restore: unknown, extra?: Record<string, unknown>): Promise<void>;
  remove(): Promise<void>;
}

/** A developer's checkout, database and media directory, different from production's. */
export async function createDeveloper(production: Production): Promise<Developer> {
  const db = await createTestDatabase('dev');
  const repo = await createFixtureRepo({ commit: false });
  const mediaDir = path.join(repo.dir, 'media dir');
  const pristineMedia = path.join(repo.dir, '.pristine-media');
  await mkdir(path.join(pristineMedia, 'mine'), { recursive: true });
  await writeFile(path.join(pristineMedia, 'mine/draft.txt'), 'my local work\n');
  await writeFile(path.join(pristineMedia, 'notes.md'), '# dev notes\n');
  const baseConfig = JSON.parse(await readFile(path.join(repo.dir, 'migration-guard.config.json'), 'utf8')) as Record<string, unknown>;
  const reset = async () => {
    await query(db.admin, `DROP DATABASE IF EXISTS \`${db.settings.database}\`; DROP DATABASE IF EXISTS \`${db.settings.database}__previous\`; CREATE DATABASE \`${db.settings.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`, [], '');
    await loadSql(production.dir, db.settings, db.settings.database, production.sql.replace(/\.sql$/, '.dev.sql'));
    await query(db.settings, "UPDATE catalog_category SET name = CONCAT(name, ' (dev)'); CREATE TABLE dev_scratch (id INT PRIMARY KEY, note VARCHAR(50)); INSERT INTO dev_scratch VALUES (1, 'mine');");
    await rm(mediaDir, { recursive: true, force: true });
    await rm(`${mediaDir}.previous`, { recursive: true, force: true });
    await rm(path.join(repo.dir, '.migration-guard', 'restore'), { recursive: true, force: true });
    for (const name of await readdir(repo.dir)) if (name.startsWith('media dir.restore-')) await rm(path.join(repo.dir, name), { recursive: true, force: true });
    await cp(pristineMedia, mediaDir, { recursive: true, preserveTimestamps: true });
  };
  // The developer's copy of the dump, loadable by their own user (no DEFINER).
  const devSql = production.sql.replace(/\.sql$/, '.dev.sql');
  await writeFile(devSql, (await readFile(production.sql, 'latin1')).replace(/DEFINER=`[^`]*`@`[^`]*`/g, '').replace(/^\/\*M!999999\\- enable the sandbox mode \*\/ ?\n/, ''), 'latin1');
  await reset();
  const env = { ...db.env, HCAT_MEDIA: mediaDir };
  return {
    db,
    repo,
    mediaDir,
    env,
    fingerprint: () => databaseFingerprint(db.admin),
    mediaFingerprint: () => treeFingerprint(mediaDir),
    reset,
    async writeConfig(restore, extra = {}) {
      await writeFile(path.join(repo.dir, 'migration-guard.config.json'), JSON.stringify({ ...baseConfig, ...extra, restore }, null, 2));
    },
    async remove() {
      await db.drop();
      await repo.remove();
    },
  };
}

/** Asserts the developer's database and media are exactly `before`. */
export async function expectUnchanged(developer: Developer, before: { db: DatabaseFingerprint; media: TreeEntry[] }): Promise<void> {
  expect(await developer.fingerprint()).toEqual(before.db);
  expect(await developer.mediaFingerprint()).toEqual(before.media);
}

/** Databases whose names start with `<target>__`. */
export async function siblingDatabases(developer: Developer): Promise<string[]> {
  const rows = (await query(adminSettings(), `SHOW DATABASES LIKE '${developer.db.settings.database.replace(/_/g, '\\_')}\\_\\_%'`, [], '')) as Array<Record<string, string>>;
  return rows.map((row) => Object.values(row)[0]!).sort();
}
