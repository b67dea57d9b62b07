// lockSafetyWarnings (for check/pre-commit): the developer's own server classifies the migrations not yet applied;
// only blocking statements of the migrations asked about become warnings; an unreachable database gives none.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { lockSafetyWarnings } from '../../src/ddl-safety/lock-safety-warnings.js';
import { useScenarios } from '../deploy/deploy-scenario.js';
import { LOCK_KINDS } from '../deploy/migration-sources.js';

const scenario = useScenarios();

describe('lockSafetyWarnings', () => {
  it('warns (never blocks) for a copying statement of the migrations asked about; nothing when the database is unreachable', async () => {
    const s = await scenario('ddl-warn');
    await s.push('Migrations of every lock kind', LOCK_KINDS);
    const env = { ...process.env, ...s.env };
    const config = await loadConfig({ cwd: s.dev, env });
    const only = new Set(['catalog.0005_instant_nullable_field', 'catalog.0009_copy_type_change']);
    const warnings = await lockSafetyWarnings({ config, env, settings: s.db.settings, alias: 'default', only, fileOf: (migration) => `${migration.replace('.', '/migrations/')}.py` });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'mysql-blocking-alter', severity: 'warn', files: ['catalog/migrations/0009_copy_type_change.py'] });
    expect(warnings[0]!.title).toMatch(/^catalog\.0009_copy_type_change copies `catalog_product` with writes blocked \(as 10\.11\.\d+-MariaDB/);
    expect(warnings[0]!.details![0]).toContain('ALTER TABLE `catalog_product` MODIFY `price_cents` bigint NOT NULL — the server: Cannot change column type');

    expect(await lockSafetyWarnings({ config, env, settings: { ...s.db.settings, port: 1 }, alias: 'default' })).toEqual([]);
  });
});
