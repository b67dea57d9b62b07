// The server classifies each pending DDL statement: real Django replays the fixture's migrations on a scratch
// database of the suite's MariaDB, and the refusals recorded are the server's own words.
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
