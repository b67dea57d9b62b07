// Deploy's verify: a plan entry counts as applied by its own row, or (a squash) when all it replaces are.
import { describe, expect, it } from 'vitest';
import { findUnappliedMigrations } from '../../../src/deploy/django/verify-migrations.js';
import type { PlanNode } from '../../../src/django/migration-probe.js';

const plan: PlanNode[] = [
  { app: 'shop', name: '0001_squashed_0002_b', applied: false, replaces: [['shop', '0001_initial'], ['shop', '0002_b']] },
  { app: 'shop', name: '0003_c', applied: false, replaces: [] },
];

describe('findUnappliedMigrations', () => {
  it('counts a squash applied when everything it replaces is, as Django does', () => {
    expect(findUnappliedMigrations(new Set(['shop.0001_initial', 'shop.0002_b', 'shop.0003_c']), plan)).toEqual([]);
  });

  it('names a partly applied squash and a missing migration', () => {
    expect(findUnappliedMigrations(new Set(['shop.0001_initial']), plan)).toEqual(['shop.0001_squashed_0002_b', 'shop.0003_c']);
  });
});
