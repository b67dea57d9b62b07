// The one vocabulary for where migrations stand: the squash-applied rule and "applied in the database but
// missing on disk", as status, restore-from-prod, drift and deploy (Django's plan) all ask it.
import { describe, expect, it } from 'vitest';
import { appliedMissingFromPlan, computeMigrationStatus, findAppliedMissingOnDisk, migrationKeysInCode, namesByApp, type StatusLayout } from '../../src/checks/migration-status.js';
import { squashState } from '../../src/django/migration-graph.js';
import type { PlanNode } from '../../src/django/migration-probe.js';

const row = (app: string, name: string) => ({ app, name, applied: '2026-01-01 00:00:00.000000' });

describe('squashState (Django loader rule)', () => {
  it('is all when every replaced migration is applied, partial when some are, none otherwise', () => {
    const applied = new Set(['shop.0001_initial', 'shop.0002_b']);
    expect(squashState(applied, ['shop.0001_initial', 'shop.0002_b'])).toBe('all');
    expect(squashState(applied, ['shop.0001_initial', 'shop.0003_c'])).toBe('partial');
    expect(squashState(applied, ['shop.0003_c', 'shop.0004_d'])).toBe('none');
  });
});

describe('findAppliedMissingOnDisk', () => {
  const squash = { app: 'shop', name: '0001_squashed_0002_b', replaces: [{ app: 'shop', name: '0001_initial' }, { app: 'shop', name: '0002_b' }] };
  const later = { app: 'shop', name: '0003_c', replaces: [] };
  const inCode = namesByApp(migrationKeysInCode([squash, later]));

  it('counts rows of migrations a squash on disk replaces as in the code, and names the others once, in row order', () => {
    const applied = [row('shop', '0099_ghost'), row('shop', '0001_initial'), row('shop', '0002_b'), row('shop', '0050_other'), row('shop', '0099_ghost')];
    expect(findAppliedMissingOnDisk(applied, inCode).map((key) => key.name)).toEqual(['0099_ghost', '0050_other']);
  });

  it('judges only the apps it is given (e.g. the guarded ones), every app otherwise', () => {
    const applied = [row('shop', '0099_ghost'), row('auth', '0001_initial')];
    expect(findAppliedMissingOnDisk(applied, inCode, new Set(['shop']))).toEqual([row('shop', '0099_ghost')]);
    expect(findAppliedMissingOnDisk(applied, inCode)).toEqual([row('shop', '0099_ghost'), row('auth', '0001_initial')]);
  });

  it('answers the same from Django\'s plan: a used squash lists what it replaces', () => {
    const plan: PlanNode[] = [
      { app: 'shop', name: '0001_squashed_0002_b', applied: true, replaces: [['shop', '0001_initial'], ['shop', '0002_b']] },
      { app: 'shop', name: '0003_c', applied: false, replaces: [] },
    ];
    const applied: Array<[string, string]> = [['auth', '0001_initial'], ['shop', '0001_initial'], ['shop', '0001_squashed_0002_b'], ['shop', '0002_b']];
    expect(appliedMissingFromPlan(applied, plan)).toEqual(['auth.0001_initial']);
  });
});

describe('computeMigrationStatus', () => {
  const layout: StatusLayout = {
    apps: [{ app: 'shop', migrations: [{ name: '0001_squashed_0002_b', squashes: 2 }, { name: '0003_c' }], known: ['0001_squashed_0002_b', '0001_initial', '0002_b', '0003_c'] }],
    squashes: [{ id: 'shop.0001_squashed_0002_b', replaces: ['shop.0001_initial', 'shop.0002_b'] }],
  };

  it('counts the squash applied through its replaced rows, and the database ahead only for rows the code lacks', () => {
    const status = computeMigrationStatus(layout, [row('shop', '0001_initial'), row('shop', '0002_b'), row('shop', '0099_ghost'), row('other', '0001_initial')]);
    expect(status.apps[0]!.migrations.map((entry) => [entry.name, entry.applied])).toEqual([['0001_squashed_0002_b', true], ['0003_c', false]]);
    expect(status.apps[0]!.appliedMissingOnDisk).toEqual(['0099_ghost']);
    expect(status.totals).toEqual({ applied: 1, pending: 1, appliedMissingOnDisk: 1 });
    expect(status.verdict).toBe('database-ahead');
  });

  it('names what a partly applied squash still lacks', () => {
    const status = computeMigrationStatus(layout, [row('shop', '0001_initial')]);
    expect(status.partlyAppliedSquashes).toEqual([{ squash: 'shop.0001_squashed_0002_b', lacks: ['shop.0002_b'] }]);
    expect(status.verdict).toBe('pending');
  });
});
