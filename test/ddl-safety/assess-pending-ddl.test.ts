// The server classifies each pending DDL statement: real Django replays the fixture's migrations on a scratch
// database of the suite's MariaDB, and the refusals recorded are the server's own words.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { loadConfig } from '../../src/config/load-config.js';
import { probeMigrations } from '../../src/django/migration-probe.js';
import { assessPendingDdl } from '../../src/ddl-safety/assess-pending-ddl.js';
import { describeLockSafety } from '../../src/ddl-safety/report-lines.js';
import { adminQuery } from '../helpers/database.js';
import { useScenarios } from '../deploy/deploy-scenario.js';
import { LOCK_KINDS } from '../deploy/migration-sources.js';

const scenario = useScenarios();

describe('assessPendingDdl', () => {
  it('classifies instant, in-place and copying ALTERs as the server answers them, and drops the scratch database', async () => {
    const s = await scenario('ddl-kinds');
    await s.push('Migrations of every lock kind', LOCK_KINDS);
    await s.serverGit('pull', '-q', '--ff-only');
    const env = { ...process.env, ...s.env };
    const config = await loadConfig({ cwd: s.server, env });
    const probe = await probeMigrations(config, { sql: false, env, alias: 'default' });
    expect(probe.pending.map((item) => item.name)).toHaveLength(5);

    const report = await assessPendingDdl({ config, env, settings: s.db.settings, alias: 'default', probe, secrets: [s.db.settings.password] });
    expect(report.replay.error).toBeNull();
    expect(report.replay.planned).toEqual(report.replay.expected);
    const kinds = (name: string) => report.replay.migrations.find((migration) => migration.name === name)!.statements.map((statement) => statement.kind);
    expect(kinds('0005_instant_nullable_field')).toEqual(['instant']);
    expect(kinds('0006_inplace_index')).toEqual(['inplace']);
    expect(kinds('0007_copy_foreign_key')).toContain('copy');
    expect(kinds('0008_copy_varchar_over_255_bytes')).toEqual(['copy']);
    expect(kinds('0009_copy_type_change')).toEqual(['copy']);
    const fk = report.replay.migrations.find((migration) => migration.name === '0007_copy_foreign_key')!.statements.find((statement) => statement.kind === 'copy')!;
    expect(fk.sql).toMatch(/FOREIGN KEY/);
    expect(fk.refusals.map((refusal) => refusal.message).join('\n')).toMatch(/foreign_key_checks=OFF/);

    // The server's own refusal, asked directly on the live tables (refused statements change nothing).
    const connection = await mysql.createConnection({ host: s.db.settings.host, port: s.db.settings.port, user: s.db.settings.user, password: s.db.settings.password, database: s.db.settings.database });
    try {
      for (const name of ['0008_copy_varchar_over_255_bytes', '0009_copy_type_change']) {
        const statement = report.replay.migrations.find((migration) => migration.name === name)!.statements[0]!;
        const error = await connection.query(`${statement.sql}, ALGORITHM=INPLACE, LOCK=NONE`).then(() => null, (caught: Error & { errno: number }) => caught);
        expect(error?.errno).toBe(1846);
        expect(statement.refusals.find((refusal) => refusal.tried === 'ALGORITHM=INPLACE, LOCK=NONE')?.message).toBe(error?.message);
      }
    } finally {
      await connection.end();
    }
    expect(report.assessed.find((item) => item.migration === 'catalog.0009_copy_type_change')!.reason).toBe('Cannot change column type');
    expect(report.rate).toBeNull(); // 3 rows: no copy rate measured, no estimate claimed
    expect(report.tables).toEqual(expect.arrayContaining(['catalog_product', 'catalog_tag']));
    const lines = describeLockSafety(report).join("\n");
    expect(lines).toMatch(/COPIES `catalog_product` \(3 rows, .*\): writes blocked while it runs: ALTER TABLE `catalog_product` MODIFY `price_cents` bigint NOT NULL — the server: Cannot change column type/);
    expect(lines).toMatch(/instant \(metadata only\): ALTER TABLE `catalog_product` ADD COLUMN `weight_grams` integer NULL/);
    const left = (await adminQuery('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${s.db.settings.database}\\_\\_%`])) as unknown[];
    expect(left).toEqual([]);
  });
});

describe('deploy --plan: the applied migrations\' schema, cached', () => {
  /** The plan's per-statement lines: what the server answered, without the cache's own line. */
  const statementLines = (output: string) => output.split('\n').filter((line) => /^\s+(instant|in place|COPIES|REBUILDS|creates|DDL on)/.test(line));

  it('a second plan loads it instead of replaying and classifies alike; a corrupted or garbled entry is not believed but rebuilt', async () => {
    const s = await scenario('ddl-cache');
    await s.push('Migrations of every lock kind', LOCK_KINDS);
    await s.serverGit('pull', '-q', '--ff-only');
    const cacheDir = path.join(s.server, '.migration-guard', 'cache');
    const plan = async () => {
      const result = await s.deploy(['--plan', '--no-pull']);
      const output = result.stdout + result.stderr;
      expect(result.exitCode, output).toBe(0);
      return output;
    };

    const first = await plan();
    expect(first).toMatch(/scratch database: Django replayed \d+ applied migrations; their schema is cached for the next run \(\.migration-guard\/cache\/ddl-applied-schema-[0-9a-f]{24}\.json\)/);
    const files = (await readdir(cacheDir)).filter((name) => name.startsWith('ddl-applied-schema-'));
    expect(files).toHaveLength(1);
    const file = path.join(cacheDir, files[0]!);
    const entry = JSON.parse(await readFile(file, 'utf8'));
    // Schema and the applied set only: the data migration's category row is named, not kept; no password.
    expect(entry.entry.schema.rowsNotKept).toEqual(['catalog_category']);
    expect(JSON.stringify(entry)).not.toContain('General');
    expect(JSON.stringify(entry)).not.toContain(s.db.settings.password);
    expect(statementLines(first).join('\n')).toMatch(/instant[\s\S]*in place, writes allowed[\s\S]*COPIES/);

    const second = await plan();
    expect(second).toContain(`scratch database: the applied migrations' schema loaded from the cache (.migration-guard/cache/${files[0]}), Django applied the pending ones`);
    expect(second).toMatch(/on a scratch replay from the cached schema/);
    expect(statementLines(second)).toEqual(statementLines(first));

    // A statement changed inside valid JSON: the checksum no longer matches.
    await writeFile(file, JSON.stringify({ ...entry, entry: { ...entry.entry, schema: { ...entry.entry.schema, tables: entry.entry.schema.tables.map((table: { table: string; sql: string }) => ({ ...table, sql: table.sql.replace('`price_cents` int(11)', '`price_cents` bigint(20)') })) } } }));
    const third = await plan();
    expect(third).toContain('(the cached entry was not used: checksum; replaced)');
    expect(statementLines(third)).toEqual(statementLines(first));

    await writeFile(file, '{"format": 1, "key": "trunc');
    const fourth = await plan();
    expect(fourth).toContain('(the cached entry was not used: unreadable; replaced)');
    expect(statementLines(fourth)).toEqual(statementLines(first));
    expect(JSON.parse(await readFile(file, 'utf8')).checksum).toBe(entry.checksum);

    const left = (await adminQuery('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${s.db.settings.database}\\_\\_%`])) as unknown[];
    expect(left).toEqual([]);
  });
});

describe('assessPendingDdl with the cached schema and a data migration', () => {
  it('replays from zero when a pending migration needs rows an applied data migration inserted (the cache holds none)', async () => {
    const s = await scenario('ddl-cache-rows');
    await s.push('A data migration that reads the seeded category', {
      'catalog/migrations/0005_needs_general.py': `from django.db import migrations, models


def needs_general(apps, schema_editor):
    apps.get_model('catalog', 'Category').objects.get(name='General')  # seeded by 0003


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_tags_and_sku'),
    ]

    operations = [
        migrations.AddField(model_name='product', name='weight_grams', field=models.IntegerField(null=True)),
        migrations.RunPython(needs_general, migrations.RunPython.noop),
    ]
`,
    });
    await s.serverGit('pull', '-q', '--ff-only');
    const env = { ...process.env, ...s.env };
    const config = await loadConfig({ cwd: s.server, env });
    const probe = await probeMigrations(config, { sql: false, env, alias: 'default' });
    const assess = () => assessPendingDdl({ config, env, settings: s.db.settings, alias: 'default', probe, secrets: [s.db.settings.password] });

    const first = await assess();
    expect(first.cache.status).toBe('built');
    expect(first.replay.error).toBeNull();
    const second = await assess();
    expect(second.cache).toMatchObject({ status: 'bypassed', reason: expect.stringContaining('catalog.0005_needs_general failed on the cached schema (DoesNotExist') });
    expect(second.replay.error).toBeNull();
    expect(second.replay.migrations.map((migration) => migration.statements.map((statement) => statement.kind))).toEqual(first.replay.migrations.map((migration) => migration.statements.map((statement) => statement.kind)));
    expect(describeLockSafety(second)[0]).toMatch(/since catalog\.0005_needs_general failed on the cached schema .*holds no rows/);
  });
});
