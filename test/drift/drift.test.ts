// `migration-guard drift` end to end: real MariaDB, the real fixture Django project, one shared reference build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createFixtureRepo, manage, runCli, type FixtureRepo } from '../helpers/fixture-project.js';
import { addMigration, cacheFiles, cloneSchema, databasesLike, differenceKeys, type DriftJson } from './helpers.js';

let repo: FixtureRepo;
let base: TestDatabase;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  repo = await createFixtureRepo();
  base = await createTestDatabase('drb');
  databases.push(base);
  const migrated = await manage(repo.dir, ['migrate', '--noinput'], base.env);
  expect(migrated.exitCode, migrated.stderr).toBe(0);
});

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await repo?.remove();
});

async function drift(db: TestDatabase, args: string[] = [], env: Record<string, string> = {}) {
  const run = await runCli(['drift', '--json', ...args], { cwd: repo.dir, env: { ...db.env, ...env } });
  let json: DriftJson;
  try {
    json = JSON.parse(run.stdout) as DriftJson;
  } catch {
    throw new Error(`drift printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  return { exitCode: run.exitCode, json, stderr: run.stderr };
}

/** A migrated copy of the base database (its own database and user), changed by `sql` run as the administrator. */
async function migratedCopy(sql = ''): Promise<TestDatabase> {
  const db = await createTestDatabase('drc');
  databases.push(db);
  await cloneSchema(base.settings.database, db.settings.database);
  if (sql) await adminQuery(sql, [], db.settings.database);
  return db;
}

describe('drift against the reference built by the migrations', () => {
  it('finds no drift on a freshly migrated database, and drops its scratch database', async () => {
    const { exitCode, json } = await drift(base);
    expect(json.expected).toMatchObject({ kind: 'reference', source: 'built' });
    expect(json.tables).toEqual([]);
    expect(json.migrations).toMatchObject({ source: 'files', notApplied: [], appliedUnknown: [] });
    expect(exitCode).toBe(0);
    expect(await databasesLike(`${base.settings.database}__drift_`)).toEqual([]);
    expect((await cacheFiles(repo.dir)).length).toBe(1);
  });

  it('uses the cached reference on the second run: no scratch database is even possible', async () => {
    const [before] = await cacheFiles(repo.dir);
    // Without the privilege on <db>__%, building a reference would fail: success proves the cache was used.
    const user = base.settings.user;
    await adminQuery(`REVOKE ALL PRIVILEGES ON \`${base.settings.database.replace(/_/g, '\\_')}\\_\\_%\`.* FROM '${user}'@'%'`);
    const human = await runCli(['drift'], { cwd: repo.dir, env: base.env });
    expect(human.stdout).toContain('reference schema from cache');
    expect(human.stdout).toContain('No drift');
    expect(human.exitCode).toBe(0);
    const { json } = await drift(base);
    expect(json.expected).toMatchObject({ source: 'cache', cacheFile: path.join(repo.dir, '.migration-guard', 'cache', before!.name) });
    expect(await cacheFiles(repo.dir)).toEqual([before]);

    // --rebuild must build again, and says clearly why it cannot here.
    const rebuild = await drift(base, ['--rebuild']);
    expect(rebuild.exitCode).toBe(2);
    expect(rebuild.json.error?.message).toMatch(/Cannot create the scratch database ".*__drift_[0-9a-f]{8}".*may not create databases/);
    expect(rebuild.json.error?.fix).toContain('GRANT ALL PRIVILEGES ON');
  });

  it('ignores column order (columns dropped and re-added, or moved, by ALTERs)', async () => {
    const db = await migratedCopy(`
      ALTER TABLE orders_order DROP COLUMN note;
      ALTER TABLE orders_order ADD COLUMN note longtext NOT NULL FIRST;
      ALTER TABLE catalog_product MODIFY name varchar(200) NOT NULL AFTER sku;`);
    const order = (await adminQuery(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'orders_order' ORDER BY ORDINAL_POSITION`, [db.settings.database])) as Array<{ c: string }>;
    expect(order[0]!.c).toBe('note'); // the order really differs from Django's
    const { exitCode, json } = await drift(db);
    expect(json.expected.source).toBe('cache');
    expect(json.tables).toEqual([]);
    expect(exitCode).toBe(0);
  });

  it('reports an extra column with its definition', async () => {
    const { exitCode, json } = await drift(await migratedCopy("ALTER TABLE catalog_product ADD COLUMN legacy_code varchar(20) NULL DEFAULT 'x'"));
    expect(differenceKeys(json)).toEqual(['catalog_product|column|legacy_code|extra|']);
    expect(json.tables[0]!.differences[0]!.definition).toBe("varchar(20) NULL DEFAULT 'x'");
    expect(exitCode).toBe(1);
  });

  it('reports a missing column', async () => {
    const { exitCode, json } = await drift(await migratedCopy('ALTER TABLE orders_order DROP COLUMN status'));
    expect(differenceKeys(json)).toEqual(['orders_order|column|status|missing|']);
    expect(json.tables[0]!.differences[0]!.definition).toBe('varchar(10) NOT NULL');
    expect(exitCode).toBe(1);
  });

  it('reports a changed type as expected → actual', async () => {
    const { json } = await drift(await migratedCopy('ALTER TABLE catalog_product MODIFY sku varchar(64) NOT NULL'));
    expect(json.tables).toEqual([
      { table: 'catalog_product', kind: 'table', status: 'changed', differences: [{ object: 'column', name: 'sku', change: 'changed', attribute: 'type', expected: 'varchar(32)', actual: 'varchar(64)' }] },
    ]);
  });

  it('reports changed nullability', async () => {
    const { json } = await drift(await migratedCopy('ALTER TABLE catalog_product MODIFY name varchar(200) NULL'));
    expect(json.tables[0]!.differences).toEqual([{ object: 'column', name: 'name', change: 'changed', attribute: 'nullable', expected: 'NOT NULL', actual: 'NULL' }]);
    expect(json.tables[0]!.table).toBe('catalog_product');
  });

  it('reports a changed default', async () => {
    const { json } = await drift(await migratedCopy("ALTER TABLE orders_order ALTER COLUMN status SET DEFAULT 'new'"));
    expect(json.tables[0]!.table).toBe('orders_order');
    expect(json.tables[0]!.differences).toEqual([{ object: 'column', name: 'status', change: 'changed', attribute: 'default', expected: '(none)', actual: "'new'" }]);
  });

  it('reports a dropped index', async () => {
    const { json } = await drift(await migratedCopy('ALTER TABLE catalog_product DROP INDEX catalog_product_sku_5c54c070'));
    expect(differenceKeys(json)).toEqual(['catalog_product|index|catalog_product_sku_5c54c070|missing|']);
    expect(json.tables[0]!.differences[0]!.definition).toBe('INDEX catalog_product_sku_5c54c070 (sku)');
  });

  it('reports an extra unique index', async () => {
    const { json } = await drift(await migratedCopy('CREATE UNIQUE INDEX product_name_uniq ON catalog_product (name, category_id)'));
    expect(differenceKeys(json)).toEqual(['catalog_product|index|product_name_uniq|extra|']);
    expect(json.tables[0]!.differences[0]!.definition).toBe('UNIQUE product_name_uniq (name, category_id)');
  });

  it('reports a missing foreign key (its index left behind is not drift)', async () => {
    const fk = 'orders_orderline_product_id_a68772b6_fk_catalog_product_id';
    const { json } = await drift(await migratedCopy(`ALTER TABLE orders_orderline DROP FOREIGN KEY ${fk}`));
    expect(differenceKeys(json)).toEqual([`orders_orderline|foreignKey|${fk}|missing|`]);
    expect(json.tables[0]!.differences[0]!.definition).toBe('FOREIGN KEY (product_id) → catalog_product(id) ON DELETE RESTRICT ON UPDATE RESTRICT');
  });

  it('reports a changed collation, and not a collation that is only the default spelled out', async () => {
    const { json } = await drift(
      await migratedCopy(`
        ALTER TABLE catalog_category MODIFY name varchar(100) COLLATE utf8mb4_bin NOT NULL;
        ALTER TABLE catalog_tag MODIFY label varchar(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;`),
    );
    expect(json.tables).toEqual([
      {
        table: 'catalog_category',
        kind: 'table',
        status: 'changed',
        differences: [{ object: 'column', name: 'name', change: 'changed', attribute: 'collation', expected: 'utf8mb4_unicode_ci (table default)', actual: 'utf8mb4_bin' }],
      },
    ]);
  });

  it('reports a missing table', async () => {
    const { exitCode, json } = await drift(await migratedCopy('DROP TABLE catalog_product_tags'));
    expect(json.tables.map((t) => [t.table, t.status])).toEqual([['catalog_product_tags', 'missing']]);
    expect(differenceKeys(json)).toEqual(['catalog_product_tags|table|catalog_product_tags|missing|']);
    expect(exitCode).toBe(1);
  });

  it("lists tables that are not Django's separately, counting them only with --strict", async () => {
    const db = await migratedCopy('CREATE TABLE legacy_stats (id int PRIMARY KEY, hits bigint NOT NULL); CREATE VIEW legacy_report AS SELECT id FROM legacy_stats');
    const relaxed = await drift(db);
    expect(relaxed.json.notDjango).toEqual([
      { name: 'legacy_stats', kind: 'table' },
      { name: 'legacy_report', kind: 'view' },
    ].sort((a, b) => (a.name < b.name ? -1 : 1)));
    expect(relaxed.json.tables).toEqual([]);
    expect(relaxed.exitCode).toBe(0);
    const strict = await drift(db, ['--strict']);
    expect(strict.json.notDjango.map((t) => t.name)).toEqual(['legacy_report', 'legacy_stats']);
    expect(strict.exitCode).toBe(1);
    const human = await runCli(['drift'], { cwd: repo.dir, env: db.env });
    expect(human.stdout).toMatch(/Not Django's \(no migration builds them; not counted as drift; --strict counts them\):\n {2}legacy_report \(view\), legacy_stats/);
  });

  it('compares django_migrations with the migration files', async () => {
    const db = await migratedCopy(`
      INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0099_ghost', NOW());
      DELETE FROM django_migrations WHERE app = 'orders' AND name = '0002_order_status';`);
    const { exitCode, json } = await drift(db);
    expect(json.tables).toEqual([]);
    expect(json.migrations).toEqual({ source: 'files', appliedUnknown: [{ app: 'catalog', name: '0099_ghost' }], notApplied: [{ app: 'orders', name: '0002_order_status' }] });
    expect(exitCode).toBe(1);
    const human = await runCli(['drift'], { cwd: repo.dir, env: db.env });
    expect(human.stdout).toContain('applied but missing on disk: catalog.0099_ghost');
    expect(human.stdout).toContain('on disk but not applied: orders.0002_order_status');
    expect(human.stdout).toContain('python manage.py migrate');
  });

  it('counts a squash as applied when everything it replaces is (a database migrated before the squash)', async () => {
    const db = await migratedCopy("DELETE FROM django_migrations WHERE app = 'catalog' AND name = '0001_squashed_0002_product_category_price'");
    const { exitCode, json } = await drift(db);
    expect(json.migrations).toMatchObject({ notApplied: [], appliedUnknown: [] });
    expect(exitCode).toBe(0);
  });

  it('--ignore-names matches renamed indexes and constraints by definition', async () => {
    const db = await migratedCopy('ALTER TABLE catalog_product RENAME INDEX catalog_product_sku_5c54c070 TO sku_by_hand');
    const byName = await drift(db);
    expect(differenceKeys(byName.json)).toEqual(['catalog_product|index|catalog_product_sku_5c54c070|missing|', 'catalog_product|index|sku_by_hand|extra|']);
    const byDefinition = await drift(db, ['--ignore-names']);
    expect(byDefinition.json.tables).toEqual([]);
    expect(byDefinition.exitCode).toBe(0);
  });

  it('--against compares two live databases the same way', async () => {
    const developer = await migratedCopy();
    const staging = await migratedCopy(`
      ALTER TABLE catalog_product ADD COLUMN weight int NOT NULL DEFAULT 0;
      INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0005_product_weight', NOW());`);
    const url = `mysql://${staging.settings.user}:${encodeURIComponent(staging.settings.password)}@${staging.settings.host}:${staging.settings.port}/${staging.settings.database}`;
    const { exitCode, json } = await drift(developer, ['--against', 'env:STAGING_URL'], { STAGING_URL: url });
    expect(json.expected).toMatchObject({ kind: 'database', database: staging.settings.database });
    expect(differenceKeys(json)).toEqual(['catalog_product|column|weight|missing|']);
    expect(json.migrations).toEqual({ source: 'database', notApplied: [{ app: 'catalog', name: '0005_product_weight' }], appliedUnknown: [] });
    expect(exitCode).toBe(1);

    // A database name alone means: same server, same credentials.
    const copy = `${developer.settings.database}__copy`;
    await adminQuery(`CREATE DATABASE \`${copy}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await cloneSchema(developer.settings.database, copy);
    const same = await drift(developer, ['--against', copy]);
    expect(same.json.tables).toEqual([]);
    expect(same.exitCode).toBe(0);

    const refused = await runCli(['drift', '--against', url], { cwd: repo.dir, env: developer.env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('password on the command line');
    expect(refused.stderr).not.toContain(staging.settings.password);
  });

  it('--against with a URL that does not parse (port out of range) is a user error, not a crash', async () => {
    const run = await runCli(['drift', '--against', 'mysql://u@db.example:99999/stage'], { cwd: repo.dir, env: base.env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('"--against" is not a URL');
    expect(run.stderr).not.toContain('internal error');
    const json = await drift(base, ['--against', 'mysql://u@db.example:99999/stage']);
    expect(json.exitCode).toBe(2);
    expect(json.json.error?.message).toContain('"--against" is not a URL');
  });

  // These two change the checkout's migrations, so they come last.
  it('finds a faked migration: recorded as applied, never run (and the new file invalidates the cache)', async () => {
    await addMigration(
      repo.dir,
      'catalog',
      '0005_product_weight',
      `from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_tags_and_sku'),
    ]

    operations = [
        migrations.AddField(
            model_name='product',
            name='weight',
            field=models.IntegerField(default=0),
        ),
    ]
`,
    );
    const db = await migratedCopy("INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0005_product_weight', NOW())");
    const { exitCode, json } = await drift(db);
    expect(json.expected.source).toBe('built');
    expect(differenceKeys(json)).toEqual(['catalog_product|column|weight|missing|']);
    expect(json.migrations).toMatchObject({ notApplied: [], appliedUnknown: [] });
    expect(json.hints).toEqual([
      expect.objectContaining({ table: 'catalog_product', column: 'weight', migration: 'catalog.0005_product_weight', message: expect.stringContaining('probably faked') }),
    ]);
    expect(exitCode).toBe(1);
    expect((await cacheFiles(repo.dir)).length).toBe(2);
    const human = await runCli(['drift'], { cwd: repo.dir, env: db.env });
    expect(human.stdout).toContain('- column weight: missing (expected int NOT NULL)');
    expect(human.stdout).toContain('hint: catalog.0005_product_weight creates column weight and is recorded as applied');
    expect(human.stdout).toContain('python manage.py sqlmigrate catalog 0005_product_weight');
  });

  it('rebuilds the reference when a migration file is edited, then caches it again', async () => {
    await appendFile(path.join(repo.dir, 'catalog', 'migrations', '0004_tags_and_sku.py'), '\n# edited after it ran\n');
    const db = await migratedCopy("INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0005_product_weight', NOW())");
    await adminQuery('ALTER TABLE catalog_product ADD COLUMN weight int NOT NULL', [], db.settings.database);
    const first = await drift(db);
    expect(first.json.expected.source).toBe('built');
    expect(first.exitCode).toBe(0);
    const second = await drift(db);
    expect(second.json.expected.source).toBe('cache');
    expect(second.json.expected.cacheFile).toBe(first.json.expected.cacheFile);
  });
});
