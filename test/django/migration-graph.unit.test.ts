import { describe, expect, it } from 'vitest';
import {
  MigrationGraph,
  MigrationGraphError,
  compareMigrationKeys,
  comparePythonStrings,
} from '../../src/django/migration-graph.js';
import type { MigrationDependency, MigrationKey, ParsedMigration } from '../../src/django/migration-types.js';

// 'app.name' -> key; dependencies may also be given as MigrationDependency objects.
function key(id: string): MigrationKey {
  const [app, name] = id.split('.') as [string, string];
  return { app, name };
}

function dependency(id: string | MigrationDependency): MigrationDependency {
  if (typeof id !== 'string') return id;
  const { app, name } = key(id);
  if (name === '__first__') return { kind: 'first', app };
  if (name === '__latest__') return { kind: 'latest', app };
  return { kind: 'migration', app, name };
}

function migration(
  id: string,
  dependencies: (string | MigrationDependency)[] = [],
  extra: { replaces?: string[]; runBefore?: string[] } = {},
): ParsedMigration {
  const { app, name } = key(id);
  return {
    app,
    name,
    file: `/repo/${app}/migrations/${name}.py`,
    dependencies: dependencies.map(dependency),
    replaces: (extra.replaces ?? []).map(key),
    runBefore: (extra.runBefore ?? []).map(key),
    initial: null,
    operations: [],
  };
}

const ids = (keys: MigrationKey[]) => keys.map((k) => `${k.app}.${k.name}`);

describe('MigrationGraph orderings (expected values printed by Django 3.2 graph.py for the same edges)', () => {
  const graph = new MigrationGraph([
    migration('a.0001_initial'),
    migration('a.0002_x', ['a.0001_initial']),
    migration('b.0001_initial', ['a.0001_initial']),
    migration('b.0002_y', ['b.0001_initial', 'a.0002_x']),
    migration('c.0001_initial', ['b.0001_initial', 'a.0001_initial']),
    migration('c.0002_z', ['c.0001_initial', 'b.0002_y', 'a.0002_x']),
    migration('a.0003_w', ['a.0002_x', 'c.0001_initial']),
    migration('B.0001_initial', ['c.0001_initial']),
  ]);

  it('sorts leaves and roots as Python sorts (app, name) tuples', () => {
    expect(ids(graph.leaves())).toEqual(['B.0001_initial', 'a.0003_w', 'b.0002_y', 'c.0002_z']);
    expect(ids(graph.roots())).toEqual(['B.0001_initial', 'a.0001_initial', 'b.0001_initial', 'c.0001_initial']);
    expect(ids(graph.leaves('a'))).toEqual(['a.0003_w']);
  });

  it('replicates iterative_dfs for forwards plans', () => {
    expect(ids(graph.forwardsPlan(key('a.0003_w')))).toEqual(['a.0001_initial', 'b.0001_initial', 'c.0001_initial', 'a.0002_x', 'a.0003_w']);
    expect(ids(graph.forwardsPlan(key('c.0002_z')))).toEqual([
      'a.0001_initial', 'b.0001_initial', 'c.0001_initial', 'a.0002_x', 'b.0002_y', 'c.0002_z',
    ]);
    expect(ids(graph.forwardsPlan(key('B.0001_initial')))).toEqual(['a.0001_initial', 'b.0001_initial', 'c.0001_initial', 'B.0001_initial']);
  });

  it('builds the migrate plan from the sorted leaves', () => {
    expect(ids(graph.migratePlan())).toEqual([
      'a.0001_initial', 'b.0001_initial', 'c.0001_initial', 'B.0001_initial', 'a.0002_x', 'a.0003_w', 'b.0002_y', 'c.0002_z',
    ]);
    expect(graph.pendingPlan()).toEqual(graph.migratePlan());
  });

  it('gives parents and children sorted', () => {
    expect(ids(graph.parentsOf(key('c.0002_z')))).toEqual(['a.0002_x', 'b.0002_y', 'c.0001_initial']);
    expect(ids(graph.childrenOf(key('a.0001_initial')))).toEqual(['a.0002_x', 'b.0001_initial', 'c.0001_initial']);
  });

  it('refuses questions about unknown nodes', () => {
    expect(() => graph.forwardsPlan(key('a.0009_nope'))).toThrow(MigrationGraphError);
    expect(graph.has(key('a.0009_nope'))).toBe(false);
    expect(graph.get(key('a.0002_x'))?.file).toBe('/repo/a/migrations/0002_x.py');
  });
});

describe('Python string order', () => {
  it('compares by code point, not UTF-16 unit, and upper case before lower case', () => {
    expect(comparePythonStrings('\uffff', '\u{10000}')).toBeLessThan(0);
    expect('\u{10000}' < '\uffff').toBe(true); // what plain JavaScript would say
    expect(comparePythonStrings('0002_B', '0002_a')).toBeLessThan(0);
    expect(comparePythonStrings('0002', '0002_a')).toBeLessThan(0);
    expect(compareMigrationKeys(key('b.0001'), key('ab.0009'))).toBeGreaterThan(0);
  });
});

describe('MigrationGraph findings', () => {
  it('reports apps with more than one leaf until a merge migration joins them', () => {
    const branches = [migration('shop.0001_initial'), migration('shop.0002_a', ['shop.0001_initial']), migration('shop.0002_b', ['shop.0001_initial'])];
    expect(new MigrationGraph(branches).conflicts()).toEqual([{ app: 'shop', leaves: ['0002_a', '0002_b'] }]);
    const merged = new MigrationGraph([...branches, migration('shop.0003_merge', ['shop.0002_a', 'shop.0002_b'])]);
    expect(merged.conflicts()).toEqual([]);
    expect(merged.duplicateNumbers()).toEqual([{ app: 'shop', number: '0002', names: ['0002_a', '0002_b'] }]);
  });

  it('does not count a squash sharing a number with what it replaces as a duplicate', () => {
    const squashed = [
      migration('shop.0001_initial'),
      migration('shop.0002_b', ['shop.0001_initial']),
      migration('shop.0001_squashed_0002_b', [], { replaces: ['shop.0001_initial', 'shop.0002_b'] }),
    ];
    expect(new MigrationGraph(squashed).duplicateNumbers()).toEqual([]);
    expect(new MigrationGraph([...squashed, migration('shop.0001_other')]).duplicateNumbers()).toEqual([
      { app: 'shop', number: '0001', names: ['0001_initial', '0001_other', '0001_squashed_0002_b'] },
    ]);
  });

  it('reports dependencies on migrations that are not on disk, with the declaring file', () => {
    const graph = new MigrationGraph([
      migration('shop.0001_initial'),
      migration('shop.0002_b', ['shop.0001_gone', 'auth.0012_alter_user'], { runBefore: ['billing.0005_nope'] }),
      migration('billing.0001_initial', ['shop.0009_future', 'shop.__latest__']),
      migration('billing.0002_c', ['billing.__latest__', { kind: 'swappable', setting: 'TEAM_MODEL' }]),
    ]);
    expect(graph.missingDependencies()).toEqual([
      { kind: 'setting', from: key('billing.0002_c'), file: '/repo/billing/migrations/0002_c.py', setting: 'TEAM_MODEL' },
      { kind: 'migration', from: key('shop.0002_b'), file: '/repo/shop/migrations/0002_b.py', via: 'run_before', missing: key('billing.0005_nope') },
      { kind: 'migration', from: key('billing.0002_c'), file: '/repo/billing/migrations/0002_c.py', via: 'dependencies', missing: key('billing.__latest__') },
      { kind: 'migration', from: key('shop.0002_b'), file: '/repo/shop/migrations/0002_b.py', via: 'dependencies', missing: key('shop.0001_gone') },
      { kind: 'migration', from: key('billing.0001_initial'), file: '/repo/billing/migrations/0001_initial.py', via: 'dependencies', missing: key('shop.0009_future') },
    ]);
    expect(graph.externalDependencies()).toEqual([
      { from: key('shop.0002_b'), file: '/repo/shop/migrations/0002_b.py', via: 'dependencies', target: key('auth.0012_alter_user') },
    ]);
    // The rest of the graph still answers: the missing nodes are left out.
    expect(ids(graph.roots('shop'))).toEqual(['shop.0001_initial', 'shop.0002_b']);
    expect(ids(graph.parentsOf(key('billing.0001_initial')))).toEqual(['shop.0001_initial']); // first of two leaves
  });

  it('reports a dependency cycle and refuses to plan through it', () => {
    const graph = new MigrationGraph([
      migration('a.0001_initial', ['b.0002_x']),
      migration('b.0001_initial'),
      migration('b.0002_x', ['b.0001_initial', 'a.0001_initial']),
    ]);
    expect(ids(graph.cycle() ?? [])).toEqual(['b.0002_x', 'a.0001_initial']); // parent first
    expect(() => graph.forwardsPlan(key('b.0002_x'))).toThrow(/Circular dependency/);
    expect(new MigrationGraph([migration('a.0001_initial')]).cycle()).toBeNull();
  });

  it('rejects the same migration given twice', () => {
    expect(() => new MigrationGraph([migration('a.0001_initial'), migration('a.0001_initial')])).toThrow(MigrationGraphError);
  });
});

describe('MigrationGraph dependency resolution (loader.check_key)', () => {
  it('ignores __first__ of the own app (#22325)', () => {
    const graph = new MigrationGraph([migration('shop.0001_initial'), migration('shop.0002_b', ['shop.__first__', 'shop.0001_initial'])]);
    expect(ids(graph.parentsOf(key('shop.0002_b')))).toEqual(['shop.0001_initial']);
    expect(graph.missingDependencies()).toEqual([]);
  });

  it('resolves another app’s __first__ to its first root and __latest__ to its first leaf', () => {
    const graph = new MigrationGraph([
      migration('shop.0001_initial'),
      migration('shop.0002_b', ['shop.0001_initial']),
      migration('billing.0001_initial', ['shop.__first__']),
      migration('billing.0002_c', ['billing.0001_initial', 'shop.__latest__']),
    ]);
    expect(ids(graph.parentsOf(key('billing.0001_initial')))).toEqual(['shop.0001_initial']);
    expect(ids(graph.parentsOf(key('billing.0002_c')))).toEqual(['billing.0001_initial', 'shop.0002_b']);
  });

  it('resolves __latest__ before squashes are applied, as Django does', () => {
    // Before replacement the squash has no child in its app, so it is the first leaf.
    const shop = [
      migration('shop.0001_initial'),
      migration('shop.0002_b', ['shop.0001_initial']),
      migration('shop.0003_c', ['shop.0002_b']),
      migration('shop.0001_squashed_0002_b', [], { replaces: ['shop.0001_initial', 'shop.0002_b'] }),
    ];
    const billing = migration('billing.0001_initial', ['shop.__latest__']);
    expect(ids(new MigrationGraph([...shop, billing]).parentsOf(key('billing.0001_initial')))).toEqual(['shop.0001_squashed_0002_b']);
    const partial = new MigrationGraph([...shop, billing], { applied: new Set(['shop.0001_initial']) });
    expect(ids(partial.parentsOf(key('billing.0001_initial')))).toEqual(['shop.0002_b']);
  });

  it('resolves swappable dependencies through settings', () => {
    const accounts = [migration('accounts.0001_initial'), migration('accounts.0002_b', ['accounts.0001_initial', { kind: 'swappable', setting: 'AUTH_USER_MODEL' }])];
    const orders = migration('orders.0001_initial', [{ kind: 'swappable', setting: 'AUTH_USER_MODEL' }]);

    const byDefault = new MigrationGraph([orders]);
    expect(byDefault.externalDependencies()).toEqual([
      { from: key('orders.0001_initial'), file: '/repo/orders/migrations/0001_initial.py', via: 'dependencies', target: key('auth.__first__'), setting: 'AUTH_USER_MODEL' },
    ]);
    expect(byDefault.parentsOf(key('orders.0001_initial'))).toEqual([]);

    const custom = new MigrationGraph([...accounts, orders], { settings: { AUTH_USER_MODEL: 'accounts.User' } });
    expect(ids(custom.parentsOf(key('orders.0001_initial')))).toEqual(['accounts.0001_initial']);
    expect(ids(custom.parentsOf(key('accounts.0002_b')))).toEqual(['accounts.0001_initial']);
    expect(custom.externalDependencies()).toEqual([]);
  });

  it('ignores __first__ of a guarded app without migrations', () => {
    const graph = new MigrationGraph([migration('shop.0001_initial', ['empty.__first__'])], { apps: ['empty', 'shop'] });
    expect(graph.parentsOf(key('shop.0001_initial'))).toEqual([]);
    expect(graph.missingDependencies()).toEqual([]);
    expect(graph.externalDependencies()).toEqual([]);
  });

  it('turns run_before into a dependency of the other migration', () => {
    const graph = new MigrationGraph([
      migration('shop.0001_initial'),
      migration('shop.0002_b', ['shop.0001_initial']),
      migration('billing.0001_initial', [], { runBefore: ['shop.0002_b'] }),
    ]);
    expect(ids(graph.parentsOf(key('shop.0002_b')))).toEqual(['billing.0001_initial', 'shop.0001_initial']);
    expect(ids(graph.forwardsPlan(key('shop.0002_b')))).toEqual(['shop.0001_initial', 'billing.0001_initial', 'shop.0002_b']);
  });
});

describe('MigrationGraph squashed migrations', () => {
  const shop = [
    migration('shop.0001_initial'),
    migration('shop.0002_b', ['shop.0001_initial']),
    migration('shop.0003_c', ['shop.0002_b']),
    migration('shop.0001_squashed_0002_b', [], { replaces: ['shop.0001_initial', 'shop.0002_b'] }),
    migration('orders.0001_initial', ['shop.0001_initial']),
  ];

  it('uses the squash when none of what it replaces is applied', () => {
    const graph = new MigrationGraph(shop);
    expect(ids(graph.nodes('shop'))).toEqual(['shop.0001_squashed_0002_b', 'shop.0003_c']);
    expect(ids(graph.parentsOf(key('shop.0003_c')))).toEqual(['shop.0001_squashed_0002_b']);
    expect(ids(graph.parentsOf(key('orders.0001_initial')))).toEqual(['shop.0001_squashed_0002_b']);
    expect(ids(graph.migratePlan())).toEqual(['shop.0001_squashed_0002_b', 'orders.0001_initial', 'shop.0003_c']);
    expect(graph.replacedBy(key('shop.0002_b'))).toEqual(key('shop.0001_squashed_0002_b'));
    expect(graph.isSquashedReplacement(key('shop.0001_initial'))).toBe(true);
    expect(graph.isApplied(key('shop.0001_squashed_0002_b'))).toBe(false);
    expect(graph.replacements()).toEqual([
      { squashed: key('shop.0001_squashed_0002_b'), replaces: [key('shop.0001_initial'), key('shop.0002_b')], applied: 'none', used: true },
    ]);
  });

  it('counts the squash as applied when all it replaces is applied', () => {
    const graph = new MigrationGraph(shop, { applied: new Set(['shop.0001_initial', 'shop.0002_b']) });
    expect(ids(graph.nodes('shop'))).toEqual(['shop.0001_squashed_0002_b', 'shop.0003_c']);
    expect(graph.isApplied(key('shop.0001_squashed_0002_b'))).toBe(true);
    expect(ids(graph.pendingPlan())).toEqual(['orders.0001_initial', 'shop.0003_c']);
    expect(graph.replacements()[0]).toMatchObject({ applied: 'all', used: true });
  });

  it('keeps the originals when the squash is partially applied, moving its dependents to the last one', () => {
    const dependsOnSquash = migration('billing.0001_initial', ['shop.0001_squashed_0002_b']);
    const graph = new MigrationGraph([...shop, dependsOnSquash], { applied: new Set(['shop.0001_initial']) });
    expect(ids(graph.nodes('shop'))).toEqual(['shop.0001_initial', 'shop.0002_b', 'shop.0003_c']);
    expect(ids(graph.parentsOf(key('billing.0001_initial')))).toEqual(['shop.0002_b']);
    expect(graph.replacedBy(key('shop.0001_initial'))).toBeUndefined();
    expect(graph.isApplied(key('shop.0001_squashed_0002_b'))).toBe(false);
    expect(ids(graph.pendingPlan())).toEqual(['shop.0002_b', 'billing.0001_initial', 'orders.0001_initial', 'shop.0003_c']);
    expect(graph.replacements()[0]).toMatchObject({ applied: 'partial', used: false });
  });

  it('uses a squash whose replaced files were deleted, remapping dependencies on them', () => {
    const afterCleanup = [
      migration('shop.0001_squashed_0002_b', [], { replaces: ['shop.0001_initial', 'shop.0002_b'] }),
      migration('shop.0003_c', ['shop.0002_b']),
    ];
    const graph = new MigrationGraph(afterCleanup);
    expect(graph.missingDependencies()).toEqual([]);
    expect(ids(graph.parentsOf(key('shop.0003_c')))).toEqual(['shop.0001_squashed_0002_b']);
    // Partially applied, the deleted file cannot be replaced: Django refuses such a graph.
    const partial = new MigrationGraph(afterCleanup, { applied: new Set(['shop.0002_b']) });
    expect(partial.missingDependencies()).toEqual([
      { kind: 'migration', from: key('shop.0003_c'), file: '/repo/shop/migrations/0003_c.py', via: 'dependencies', missing: key('shop.0002_b') },
    ]);
  });
});

describe('MigrationGraph size', () => {
  it('builds and plans 50 apps x 100 migrations quickly', () => {
    const migrations: ParsedMigration[] = [];
    for (let a = 0; a < 50; a++) {
      const app = `app${String(a).padStart(3, '0')}`;
      for (let n = 1; n <= 100; n++) {
        const name = `${String(n).padStart(4, '0')}_m`;
        const dependencies = n > 1 ? [`${app}.${String(n - 1).padStart(4, '0')}_m`] : [];
        if (a > 0 && n % 10 === 0) dependencies.push(`app${String(a - 1).padStart(3, '0')}.${String(n - 1).padStart(4, '0')}_m`);
        migrations.push(migration(`${app}.${name}`, dependencies));
      }
    }
    const started = performance.now();
    const graph = new MigrationGraph(migrations);
    const plan = graph.migratePlan();
    const elapsed = performance.now() - started;
    expect(plan).toHaveLength(5000);
    expect(graph.conflicts()).toEqual([]);
    // Generous for busy CI machines; quadratic work would take seconds.
    expect(elapsed).toBeLessThan(1000);
  });
});

describe('showmigrationsOrder', () => {
  // The unpruned definition: each leaf's full forwards plan, this app's nodes only, first sighting wins.
  function byFullPlans(graph: MigrationGraph, app: string): string[] {
    const seen = new Set<string>();
    for (const leaf of graph.leaves(app)) {
      for (const id of ids(graph.forwardsPlan(leaf))) if (id.startsWith(`${app}.`)) seen.add(id);
    }
    return [...seen];
  }

  // A small deterministic PRNG, so a failure names a reproducible seed.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x80000000;
    };
  }

  it('equals the full forwards plans on graphs whose apps depend back and forth on each other', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const apps = ['a', 'b', 'c', 'd', 'e'].slice(0, 2 + Math.floor(next() * 4));
      // Nodes get a global creation order; a node may depend on any earlier node, so the graph is
      // acyclic but apps interleave (a -> b -> a chains), and some apps get two leaves.
      const created: string[] = [];
      const migrations: ParsedMigration[] = [];
      const count = new Map(apps.map((app) => [app, 0]));
      for (let i = 0; i < 30; i++) {
        const app = apps[Math.floor(next() * apps.length)]!;
        const n = count.get(app)! + 1;
        count.set(app, n);
        const id = `${app}.${String(n).padStart(4, '0')}_m${i}`;
        const dependencies = created.filter(() => next() < 0.15);
        migrations.push(migration(id, dependencies));
        created.push(id);
      }
      const graph = new MigrationGraph(migrations);
      for (const app of apps) {
        expect(ids(graph.showmigrationsOrder(app)), `seed ${seed}, app ${app}`).toEqual(byFullPlans(graph, app));
      }
    }
  });

  it('reports a cycle as the forwards plan does', () => {
    const graph = new MigrationGraph([migration('a.0001_initial', ['b.0001_initial']), migration('b.0001_initial', ['a.0001_initial'])]);
    expect(() => graph.showmigrationsOrder('a')).toThrow(MigrationGraphError);
  });
});
