import { describe, expect, test } from 'vitest';
import { planAfterUpdate, type AfterUpdateFacts } from '../../src/checks/after-update.js';
import type { MigrationStatus } from '../../src/checks/migration-status.js';

const changes = {
  arrived: [{ app: 'catalog', name: '0005_weight', path: 'catalog/migrations/0005_weight.py' }],
  vanished: [],
  changed: [],
};

function status(pending: string[], ahead: string[] = []): MigrationStatus {
  const applied = ['0001_initial', '0002_price'];
  return {
    verdict: ahead.length ? 'database-ahead' : pending.length ? 'pending' : 'in-sync',
    apps: [
      {
        app: 'catalog',
        migrations: [...applied.map((name) => ({ name, applied: true })), ...pending.map((name) => ({ name, applied: false }))],
        pending,
        appliedMissingOnDisk: ahead,
      },
    ],
    totals: { applied: applied.length, pending: pending.length, appliedMissingOnDisk: ahead.length },
    partlyAppliedSquashes: [],
  };
}

const facts = (overrides: Partial<AfterUpdateFacts>): AfterUpdateFacts => ({ event: 'the merge', changes, status: null, role: 'development', changedButApplied: [], ...overrides });

describe('planAfterUpdate', () => {
  test('pending migrations in development: listed and offered', () => {
    const plan = planAfterUpdate(facts({ status: status(['0005_weight']) }));
    expect(plan.lines[0]).toBe('migration-guard: after the merge, migrations: 1 arrived (catalog.0005_weight).');
    expect(plan.lines).toContain('  Not applied to the database yet: catalog.0005_weight');
    expect(plan).toMatchObject({ offerMigrate: 1, migrateCommand: 'python manage.py migrate' });
  });

  test('staging and production never get a plain migrate: deploy is named instead', () => {
    for (const role of ['staging', 'production'] as const) {
      const plan = planAfterUpdate(facts({ status: status(['0005_weight']), role }));
      expect(plan.offerMigrate).toBe(0);
      expect(plan.migrateCommand).toBe('migration-guard deploy');
      expect(plan.lines.join('\n')).toContain(`role is ${role}: apply them with migration-guard deploy (it takes a backup first)`);
    }
  });

  test('database ahead: the rollback command targets the last applied migration the code has, run from the previous branch', () => {
    const plan = planAfterUpdate(facts({ event: 'switching to old', status: status([], ['0003_color']), previousRef: 'main', currentRef: 'old' }));
    expect(plan.lines.join('\n')).toContain('git checkout main && python manage.py migrate catalog 0002_price && git checkout old');
    expect(plan.offerMigrate).toBe(0);
  });

  test('nothing of the app applied any more in this code: roll back to zero', () => {
    const unapplied: MigrationStatus = { ...status([]), apps: [{ app: 'catalog', migrations: [{ name: '0001_initial', applied: false }], pending: ['0001_initial'], appliedMissingOnDisk: ['0001_other'] }] };
    const plan = planAfterUpdate(facts({ status: unapplied }));
    expect(plan.lines.join('\n')).toContain('python manage.py migrate catalog zero');
  });

  test('unknown database state: says why and prints the command, offers nothing', () => {
    const plan = planAfterUpdate(facts({ statusUnknownBecause: 'HCAT_DB is not set' }));
    expect(plan.lines).toContain('  Database state unknown (HCAT_DB is not set).');
    expect(plan.lines).toContain('  To apply the new migrations: python manage.py migrate');
    expect(plan.offerMigrate).toBe(0);
  });

  test('a changed migration that is already applied gets a warning', () => {
    const plan = planAfterUpdate(facts({ status: status([]), changedButApplied: ['catalog.0002_price'] }));
    expect(plan.lines.join('\n')).toContain('catalog.0002_price changed, but this database already applied it');
  });
});
