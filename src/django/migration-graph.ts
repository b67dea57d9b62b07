// Django's migration graph built from parsed migration files, replicating Django 3.2's
// MigrationLoader.build_graph (django/db/migrations/loader.py) and MigrationGraph
// (django/db/migrations/graph.py): same edges, same squash handling, same orderings.
import { migrationId, type MigrationDependency, type MigrationKey, type ParsedMigration } from './migration-types.js';

export interface MigrationGraphOptions {
  /** Applied migrations as 'app.name' (the rows of django_migrations). Without it, nothing is applied. */
  applied?: ReadonlySet<string>;
  /** Settings read by swappable dependencies, e.g. { AUTH_USER_MODEL: 'accounts.User' }; AUTH_USER_MODEL defaults to 'auth.User'. */
  settings?: Readonly<Record<string, string>>;
  /** Guarded app labels, to include apps without any migration; apps of the given migrations are always guarded. */
  apps?: Iterable<string>;
}

/** A dependency on an app outside the guarded set: kept for reporting, not an edge (such apps are not parsed). */
export interface ExternalDependency {
  from: MigrationKey;
  file: string;
  via: 'dependencies' | 'run_before';
  /** The name may be '__first__' or '__latest__', which only Django can resolve for an unparsed app. */
  target: MigrationKey;
  /** The setting a swappable dependency was resolved through. */
  setting?: string;
}

/** A dependency Django could not resolve; Django refuses to load such a graph (NodeNotFoundError). */
export type MissingDependency =
  | { kind: 'migration'; from: MigrationKey; file: string; via: 'dependencies' | 'run_before'; missing: MigrationKey }
  | { kind: 'setting'; from: MigrationKey; file: string; setting: string };

/** An app with more than one leaf ("Conflicting migrations detected" in Django). */
export interface MigrationConflict {
  app: string;
  leaves: string[];
}

/** Migrations of one app that share a number prefix (e.g. two 0007_*), squashes of each other aside. */
export interface DuplicateMigrationNumber {
  app: string;
  number: string;
  names: string[];
}

/** What became of one squashed migration: used (it stands in for `replaces`) or not (partially applied). */
export interface SquashReplacement {
  squashed: MigrationKey;
  replaces: MigrationKey[];
  applied: SquashState;
  used: boolean;
}

/** Asking the graph something it cannot answer: an unknown node, or a plan through a cycle. */
export class MigrationGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationGraphError';
  }
}

export type SquashState = 'all' | 'none' | 'partial';

/**
 * The squash-applied rule of Django's loader: a squashed migration counts as applied when everything it
 * replaces is ('all'), and as not applied otherwise ('partial' or 'none'), whatever its own row says.
 */
export function squashState(applied: ReadonlySet<string>, replaces: readonly string[]): SquashState {
  const statuses = replaces.map((id) => applied.has(id));
  return statuses.every(Boolean) ? 'all' : statuses.some(Boolean) ? 'partial' : 'none';
}

/**
 * Django's loader on one squashed migration (the rule above): updates `applied` ('app.name' ids) to count
 * the squash applied or not. Call it for the squashes in key order, as a squash may replace another.
 */
export function countSquashApplied(applied: Set<string>, squash: string, replaces: readonly string[]): SquashState {
  const state = squashState(applied, replaces);
  if (state === 'all') applied.add(squash);
  else applied.delete(squash);
  return state;
}

// Only where UTF-16 holds surrogates and U+E000..U+FFFF can its order differ from code point order.
const MAY_DIFFER_FROM_CODE_POINT_ORDER = /[\uD800-\uFFFF]/;

/** Python's str ordering (by code point; JavaScript's `<` compares UTF-16 units). */
export function comparePythonStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (!MAY_DIFFER_FROM_CODE_POINT_ORDER.test(a) || !MAY_DIFFER_FROM_CODE_POINT_ORDER.test(b)) return a < b ? -1 : 1;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral code points) must sort after U+E000..U+FFFF.
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Orders keys as Python orders (app_label, name) tuples. */
export function compareMigrationKeys(a: MigrationKey, b: MigrationKey): number {
  return comparePythonStrings(a.app, b.app) || comparePythonStrings(a.name, b.name);
}

type Via = 'dependencies' | 'run_before';

// Adjacency is kept in small arrays (a migration has a handful of parents), not Sets: thousands of
// nodes are built per run and arrays are far cheaper to make and walk.
interface GraphNode {
  readonly key: MigrationKey;
  /** 'app.name', for applied sets. */
  readonly id: string;
  /** null for a dummy node: a key something points at that is not on disk. */
  readonly migration: ParsedMigration | null;
  readonly parents: GraphNode[];
  readonly children: GraphNode[];
  /** Position in Python's (app, name) order among the real nodes; sorting by it is sorting Django's way. */
  rank: number;
  /** Scratch marks of the traversals, compared with a per-traversal number. */
  visited: number;
  expanded: number;
  planned: number;
  /** Scratch count for the cycle check. */
  peeledParents: number;
  /** Index into the apps-above bitsets. */
  slot: number;
  /** For dummy nodes: who referenced the missing key. */
  referencedBy?: { migration: ParsedMigration; via: Via }[];
  sortedParents?: GraphNode[];
}

/** A dependency target after resolving swappable settings; null when the setting is unknown. */
type Target = { app: string; name: string; setting?: string } | null;

function byRank(a: GraphNode, b: GraphNode): number {
  return a.rank - b.rank;
}

function byKey(a: GraphNode, b: GraphNode): number {
  return compareMigrationKeys(a.key, b.key);
}

function isFirstOrLatest(name: string): boolean {
  return name === '__first__' || name === '__latest__';
}

// Django's Node.add_child / add_parent on sets: adding an edge twice keeps one.
function link(parent: GraphNode, child: GraphNode): void {
  if (!child.parents.includes(parent)) child.parents.push(parent);
  if (!parent.children.includes(child)) parent.children.push(child);
}

function removeFrom(list: GraphNode[], node: GraphNode): void {
  const index = list.indexOf(node);
  if (index >= 0) list.splice(index, 1);
}

/**
 * The migration graph of the guarded apps, with Django's queries and the problems found while building it.
 * Apps outside the guarded set are not parsed, so plans equal Django's plans restricted to the guarded
 * apps as long as no outside migration depends on a guarded one (true for Django's contrib apps,
 * except admin and the like when AUTH_USER_MODEL lives in a guarded app).
 */
export class MigrationGraph {
  /** app -> name -> node, dummies included while building. */
  private readonly index = new Map<string, Map<string, GraphNode>>();
  private readonly guardedApps: Set<string>;
  private readonly settings: Readonly<Record<string, string>>;
  private readonly appliedIds: Set<string>;
  private readonly migrations: readonly ParsedMigration[];
  private readonly external: ExternalDependency[] = [];
  private readonly missing: MissingDependency[] = [];
  private readonly squashes: SquashReplacement[] = [];
  private readonly replacedByMap = new Map<string, MigrationKey>();
  /** Real nodes per app, sorted; rebuilt once the graph is final. */
  private nodesByApp = new Map<string, GraphNode[]>();
  private sortedAppLabels: string[] = [];
  private readonly leafCache = new Map<string, GraphNode[]>();
  private readonly rootCache = new Map<string, GraphNode[]>();
  private readonly cycleFound: MigrationKey[] | null;
  private traversal = 0;
  private appsAbove?: { bits: Uint32Array; words: number };

  constructor(migrations: readonly ParsedMigration[], options: MigrationGraphOptions = {}) {
    this.migrations = migrations;
    this.guardedApps = new Set(options.apps ?? []);
    for (const migration of migrations) this.guardedApps.add(migration.app);
    this.settings = { AUTH_USER_MODEL: 'auth.User', ...options.settings };
    this.appliedIds = new Set(options.applied ?? []);

    const targets: Target[][] = [];
    for (const migration of migrations) {
      this.addNode(migration);
      targets.push(migration.dependencies.map((dependency) => this.resolveSetting(dependency, migration)));
    }
    this.indexNodesByApp();
    // As Django: same-app edges first, so that __first__/__latest__ of other apps find the right nodes.
    migrations.forEach((migration, i) => this.addInternalDependencies(migration, targets[i]!));
    migrations.forEach((migration, i) => this.addExternalDependencies(migration, targets[i]!));
    this.leafCache.clear();
    this.rootCache.clear();
    this.applyReplacements();
    this.collectMissingAndDropDummies();
    this.indexNodesByApp();
    this.cycleFound = this.findCycle();
  }

  // ----- Queries (graph.py) -------------------------------------------------------------------

  /** Leaf nodes (no child in their own app), sorted as Django's leaf_nodes(). */
  leaves(app?: string): MigrationKey[] {
    return this.keysOf(app, (a) => this.leafNodes(a));
  }

  /** Root nodes (no parent in their own app), sorted as Django's root_nodes(). */
  roots(app?: string): MigrationKey[] {
    return this.keysOf(app, (a) => this.rootNodes(a));
  }

  /** Every migration in the graph (after squash replacement), sorted. */
  nodes(app?: string): MigrationKey[] {
    return this.keysOf(app, (a) => this.nodesByApp.get(a) ?? []);
  }

  /** Whether the migration is a node of the graph (replaced migrations are not, once their squash is used). */
  has(key: MigrationKey): boolean {
    return this.lookup(key.app, key.name) !== undefined;
  }

  /** The parsed file of a node of the graph. */
  get(key: MigrationKey): ParsedMigration | undefined {
    return this.lookup(key.app, key.name)?.migration ?? undefined;
  }

  /** Direct dependencies of a node in the graph, sorted. */
  parentsOf(key: MigrationKey): MigrationKey[] {
    return this.sortedParents(this.node(key)).map((node) => node.key);
  }

  /** Direct dependents of a node in the graph, sorted. */
  childrenOf(key: MigrationKey): MigrationKey[] {
    return [...this.node(key).children].sort(byRank).map((node) => node.key);
  }

  /** What must be applied to reach `key`, ending with it: Django's forwards_plan (iterative_dfs). */
  forwardsPlan(key: MigrationKey): MigrationKey[] {
    return this.iterativeDfs(this.node(key), -1).map((node) => node.key);
  }

  /**
   * One app's migrations in the order `showmigrations` lists them: the forwards plan of each of the
   * app's leaves, this app's nodes only, first sighting wins.
   */
  showmigrationsOrder(app: string): MigrationKey[] {
    // A walk only needs the parents from which one of this app's nodes can still be reached: a
    // subtree without any emits none of them and cannot change their order. On a big project this
    // visits each app's own nodes instead of most of the graph per leaf. (A cyclic graph takes the
    // full walk, which reports the cycle as forwardsPlan does.)
    const appBit = this.sortedAppLabels.indexOf(app);
    const reachesApp = this.cycleFound || appBit < 0 ? undefined : this.appsAboveIndex().reaches(appBit);
    const shown = new Set<GraphNode>();
    const order: MigrationKey[] = [];
    for (const leaf of this.leafNodes(app)) {
      for (const node of this.iterativeDfs(leaf, -1, reachesApp)) {
        if (node.key.app !== app || shown.has(node)) continue;
        shown.add(node);
        order.push(node.key);
      }
    }
    return order;
  }

  /** What `migrate` with no arguments runs on an empty database (executor.migration_plan over all leaves). */
  migratePlan(): MigrationKey[] {
    return this.executorPlan(new Set());
  }

  /** What `migrate` with no arguments runs on the database whose applied set the graph was built with. */
  pendingPlan(): MigrationKey[] {
    return this.executorPlan(new Set(this.appliedIds));
  }

  /** Applied as Django's loader counts it: a squash is applied when all it replaces are. */
  isApplied(key: MigrationKey): boolean {
    // A node's own id string has its hash cached; a freshly built one would be hashed again.
    return this.appliedIds.has(this.lookup(key.app, key.name)?.id ?? migrationId(key));
  }

  /** The squashed migration standing in for `key`, when `key` was replaced by it in this graph. */
  replacedBy(key: MigrationKey): MigrationKey | undefined {
    return this.replacedByMap.get(migrationId(key));
  }

  /** Whether `key` is a migration that a squashed migration stands in for in this graph. */
  isSquashedReplacement(key: MigrationKey): boolean {
    return this.replacedByMap.has(migrationId(key));
  }

  /** Every squashed migration and whether it is used, in key order. */
  replacements(): SquashReplacement[] {
    return this.squashes.map((squash) => ({ ...squash, replaces: [...squash.replaces] }));
  }

  // ----- Findings ----------------------------------------------------------------------------

  /** Apps with more than one leaf, as Django's detect_conflicts(). */
  conflicts(): MigrationConflict[] {
    const result: MigrationConflict[] = [];
    for (const app of this.sortedAppLabels) {
      const leaves = this.leafNodes(app);
      if (leaves.length > 1) result.push({ app, leaves: leaves.map((node) => node.key.name) });
    }
    return result;
  }

  /** Per app, migration files sharing a number prefix; a squash and the migrations it replaces do not count. */
  duplicateNumbers(): DuplicateMigrationNumber[] {
    const groups = new Map<string, Map<string, ParsedMigration[]>>();
    for (const migration of this.migrations) {
      const number = numberPrefix(migration.name);
      if (number === '') continue;
      let ofApp = groups.get(migration.app);
      if (!ofApp) groups.set(migration.app, (ofApp = new Map()));
      const group = ofApp.get(number);
      if (group) group.push(migration);
      else ofApp.set(number, [migration]);
    }
    const result: DuplicateMigrationNumber[] = [];
    for (const [app, ofApp] of groups) {
      for (const [number, group] of ofApp) {
        if (group.length < 2) continue;
        const replacedInGroup = new Set<string>();
        for (const migration of group) {
          for (const key of migration.replaces) if (key.app === app) replacedInGroup.add(key.name);
        }
        const standalone = group.filter((migration) => !replacedInGroup.has(migration.name));
        if (standalone.length < 2) continue;
        result.push({ app, number, names: group.map((migration) => migration.name).sort(comparePythonStrings) });
      }
    }
    return result.sort((a, b) => comparePythonStrings(a.app, b.app) || comparePythonStrings(a.number, b.number));
  }

  /** Dependencies (and run_before) within the guarded apps that point at migrations not on disk. */
  missingDependencies(): MissingDependency[] {
    return [...this.missing];
  }

  /** Dependencies on apps outside the guarded set. */
  externalDependencies(): ExternalDependency[] {
    return [...this.external];
  }

  /** One dependency cycle, parent first (Django's CircularDependencyError), or null. */
  cycle(): MigrationKey[] | null {
    return this.cycleFound ? [...this.cycleFound] : null;
  }

  // ----- Building (loader.py build_graph) ----------------------------------------------------

  private lookup(app: string, name: string): GraphNode | undefined {
    return this.index.get(app)?.get(name);
  }

  private store(node: GraphNode): void {
    let ofApp = this.index.get(node.key.app);
    if (!ofApp) this.index.set(node.key.app, (ofApp = new Map()));
    ofApp.set(node.key.name, node);
  }

  private forget(node: GraphNode): void {
    this.index.get(node.key.app)?.delete(node.key.name);
  }

  private allNodes(): GraphNode[] {
    const nodes: GraphNode[] = [];
    for (const ofApp of this.index.values()) for (const node of ofApp.values()) nodes.push(node);
    return nodes;
  }

  private addNode(migration: ParsedMigration): void {
    if (this.lookup(migration.app, migration.name)) {
      throw new MigrationGraphError(`Migration ${migrationId(migration)} is given twice`);
    }
    this.store(newNode({ app: migration.app, name: migration.name }, migration));
  }

  // swappable_dependency(value) is (value.split('.', 1)[0], '__first__').
  private resolveSetting(dependency: MigrationDependency, migration: ParsedMigration): Target {
    switch (dependency.kind) {
      case 'migration':
        return { app: dependency.app, name: dependency.name };
      case 'first':
        return { app: dependency.app, name: '__first__' };
      case 'latest':
        return { app: dependency.app, name: '__latest__' };
      case 'swappable': {
        const value = this.settings[dependency.setting];
        if (value === undefined) {
          this.missing.push({ kind: 'setting', from: keyOf(migration), file: migration.file, setting: dependency.setting });
          return null;
        }
        return { app: value.split('.')[0]!, name: '__first__', setting: dependency.setting };
      }
    }
  }

  private addInternalDependencies(migration: ParsedMigration, targets: Target[]): void {
    for (const target of targets) {
      // Same-app __first__ is ignored (Django #22325); same-app __latest__ becomes a missing node, as in Django.
      if (target && target.app === migration.app && target.name !== '__first__') {
        this.addDependency(migration, migration, target, 'dependencies');
      }
    }
    // Django adds same-app run_before edges with the external ones, in an order that varies from run to
    // run; adding them here keeps __first__/__latest__ resolution deterministic.
    for (const child of migration.runBefore) {
      if (child.app === migration.app && !isFirstOrLatest(child.name)) {
        this.addDependency(migration, child, migration, 'run_before');
      }
    }
  }

  private addExternalDependencies(migration: ParsedMigration, targets: Target[]): void {
    for (const target of targets) {
      if (!target || target.app === migration.app) continue;
      const parent = this.checkKey(target, migration, 'dependencies');
      if (parent) this.addDependency(migration, migration, parent, 'dependencies');
    }
    for (const child of migration.runBefore) {
      if (child.app === migration.app) continue;
      const resolved = this.checkKey(child, migration, 'run_before');
      if (resolved) this.addDependency(migration, resolved, migration, 'run_before');
    }
  }

  // loader.check_key for another app's key: __first__ / __latest__ become that app's first root / leaf.
  private checkKey(target: MigrationKey & { setting?: string }, migration: ParsedMigration, via: Via): MigrationKey | null {
    if (!this.guardedApps.has(target.app)) {
      this.external.push({
        from: keyOf(migration),
        file: migration.file,
        via,
        target: { app: target.app, name: target.name },
        ...(target.setting !== undefined ? { setting: target.setting } : {}),
      });
      return null;
    }
    if (!isFirstOrLatest(target.name)) return target;
    // A guarded app without migrations is ignored, as with ignore_no_migrations.
    const candidates = target.name === '__first__' ? this.rootNodes(target.app) : this.leafNodes(target.app);
    return candidates[0]?.key ?? null;
  }

  // graph.add_dependency(skip_validation=True): unknown keys become dummy nodes.
  private addDependency(migration: ParsedMigration, child: MigrationKey, parent: MigrationKey, via: Via): void {
    link(this.nodeOrDummy(parent, migration, via), this.nodeOrDummy(child, migration, via));
  }

  private nodeOrDummy(key: MigrationKey, migration: ParsedMigration, via: Via): GraphNode {
    let node = this.lookup(key.app, key.name);
    if (!node) {
      node = newNode({ app: key.app, name: key.name }, null);
      this.store(node);
    }
    if (!node.migration) (node.referencedBy ??= []).push({ migration, via });
    return node;
  }

  // Squashed migrations are used when all or none of what they replace is applied (loader.build_graph).
  private applyReplacements(): void {
    const squashed = this.migrations.filter((migration) => migration.replaces.length > 0).sort(compareMigrationKeys);
    for (const migration of squashed) {
      const state = countSquashApplied(this.appliedIds, migrationId(migration), migration.replaces.map(migrationId));
      const all = state === 'all';
      const none = state === 'none';
      let used = false;
      if (all || none) used = this.removeReplacedNodes(migration, migration.replaces);
      else this.removeReplacementNode(migration, migration.replaces); // partially applied (#25945)
      if (used) for (const key of migration.replaces) this.replacedByMap.set(migrationId(key), keyOf(migration));
      this.squashes.push({
        squashed: keyOf(migration),
        replaces: migration.replaces.map((key) => ({ app: key.app, name: key.name })),
        applied: state,
        used,
      });
    }
  }

  // graph.remove_replaced_nodes: dependents of the replaced nodes point at the replacement instead.
  private removeReplacedNodes(squash: MigrationKey, replacedKeys: MigrationKey[]): boolean {
    const replacement = this.lookup(squash.app, squash.name);
    if (!replacement) return false; // Django raises NodeNotFoundError; only nested squashes get here.
    const replaced = new Set<GraphNode>();
    for (const key of replacedKeys) {
      const node = this.lookup(key.app, key.name);
      if (node) replaced.add(node);
    }
    for (const node of replaced) {
      this.forget(node);
      for (const child of node.children) {
        removeFrom(child.parents, node);
        // No edges between replaced nodes and the replacement: that would make it depend on itself.
        if (!replaced.has(child)) link(replacement, child);
      }
      for (const parent of node.parents) {
        removeFrom(parent.children, node);
        if (!replaced.has(parent)) link(parent, replacement);
      }
    }
    return true;
  }

  // graph.remove_replacement_node: the squash goes; its dependents move to the last replaced node(s).
  private removeReplacementNode(squash: MigrationKey, replacedKeys: MigrationKey[]): void {
    const replacement = this.lookup(squash.app, squash.name);
    if (!replacement) return;
    this.forget(replacement);
    const replacedNodes = new Set<GraphNode>();
    const parentsOfReplaced = new Set<GraphNode>();
    for (const key of replacedKeys) {
      const node = this.lookup(key.app, key.name);
      if (!node) continue;
      replacedNodes.add(node);
      for (const parent of node.parents) parentsOfReplaced.add(parent);
    }
    for (const parent of parentsOfReplaced) replacedNodes.delete(parent);
    for (const child of replacement.children) {
      removeFrom(child.parents, replacement);
      for (const node of replacedNodes) link(node, child);
    }
    for (const parent of replacement.parents) removeFrom(parent.children, replacement);
  }

  // Django raises on any dummy node left (validate_consistency); we report them and drop them so the
  // rest of the graph can still be queried.
  private collectMissingAndDropDummies(): void {
    const dummies = this.allNodes().filter((node) => !node.migration).sort(byKey);
    for (const dummy of dummies) {
      const seen = new Set<string>();
      for (const { migration, via } of dummy.referencedBy ?? []) {
        const seenKey = `${migrationId(migration)}\0${via}`;
        if (seen.has(seenKey)) continue;
        seen.add(seenKey);
        this.missing.push({ kind: 'migration', from: keyOf(migration), file: migration.file, via, missing: dummy.key });
      }
      for (const parent of dummy.parents) removeFrom(parent.children, dummy);
      for (const child of dummy.children) removeFrom(child.parents, dummy);
      this.forget(dummy);
    }
  }

  // Groups the real nodes by app in Python's order and ranks them, so later sorts compare integers.
  private indexNodesByApp(): void {
    const byApp = new Map<string, GraphNode[]>();
    for (const [app, ofApp] of this.index) {
      const list: GraphNode[] = [];
      for (const node of ofApp.values()) if (node.migration) list.push(node);
      if (list.length > 0) byApp.set(app, sortByName(list));
    }
    this.sortedAppLabels = [...byApp.keys()].sort(comparePythonStrings);
    let rank = 0;
    for (const app of this.sortedAppLabels) for (const node of byApp.get(app)!) node.rank = rank++;
    this.nodesByApp = byApp;
  }

  // graph.ensure_not_cyclic, as a finding. Peeling off nodes without parents (Kahn) is cheap and
  // leaves exactly the nodes on or behind a cycle; only then is a cycle searched for.
  private findCycle(): MigrationKey[] | null {
    const pass = ++this.traversal;
    const ready: GraphNode[] = [];
    let total = 0;
    for (const node of this.allNodes()) {
      total++;
      node.peeledParents = 0;
      if (node.parents.length === 0) ready.push(node);
    }
    let peeled = 0;
    while (ready.length > 0) {
      const node = ready.pop()!;
      node.expanded = pass;
      peeled++;
      for (const child of node.children) if (++child.peeledParents === child.parents.length) ready.push(child);
    }
    if (peeled === total) return null;
    // Every node left has a parent left, so walking up parents must come back to a node seen before.
    const left = (node: GraphNode) => node.expanded !== pass;
    let node = this.allNodes().filter(left).sort(byRank)[0]!;
    const seen = new Map<GraphNode, number>();
    const walk: GraphNode[] = [];
    while (!seen.has(node)) {
      seen.set(node, walk.length);
      walk.push(node);
      node = node.parents.filter(left).sort(byRank)[0]!;
    }
    // The walk went child -> parent; a cycle reads parent -> child.
    return walk.slice(seen.get(node)).reverse().map((n) => n.key);
  }

  // ----- Internals of the queries ------------------------------------------------------------

  private node(key: MigrationKey): GraphNode {
    const node = this.lookup(key.app, key.name);
    if (!node) throw new MigrationGraphError(`Node ${migrationId(key)} is not a valid node`);
    return node;
  }

  private keysOf(app: string | undefined, nodesOfApp: (app: string) => GraphNode[]): MigrationKey[] {
    const apps = app === undefined ? this.sortedAppLabels : [app];
    return apps.flatMap((a) => nodesOfApp(a).map((node) => node.key));
  }

  private leafNodes(app: string): GraphNode[] {
    let leaves = this.leafCache.get(app);
    if (!leaves) {
      leaves = (this.nodesByApp.get(app) ?? []).filter((node) => !hasSameAppNeighbour(node, node.children));
      this.leafCache.set(app, leaves);
    }
    return leaves;
  }

  private rootNodes(app: string): GraphNode[] {
    let roots = this.rootCache.get(app);
    if (!roots) {
      roots = (this.nodesByApp.get(app) ?? []).filter((node) => !hasSameAppNeighbour(node, node.parents));
      this.rootCache.set(app, roots);
    }
    return roots;
  }

  private sortedParents(node: GraphNode): GraphNode[] {
    node.sortedParents ??= [...node.parents].sort(byRank);
    return node.sortedParents;
  }

  // graph.iterative_dfs, forwards. Nodes whose `planned` is `plannedMark` (already in a plan being
  // built) count as visited: their ancestors are planned too, so skipping them changes nothing else.
  private iterativeDfs(start: GraphNode, plannedMark: number, keep?: (node: GraphNode) => boolean): GraphNode[] {
    const pass = ++this.traversal;
    const visited: GraphNode[] = [];
    const stackNodes: GraphNode[] = [start];
    const stackProcessed: boolean[] = [false];
    while (stackNodes.length > 0) {
      const node = stackNodes.pop()!;
      const processed = stackProcessed.pop()!;
      if (node.visited === pass || node.planned === plannedMark) continue;
      if (processed) {
        node.visited = pass;
        visited.push(node);
        continue;
      }
      // In a DAG a node is expanded once; a second time means a cycle, where Django would loop forever.
      if (node.expanded === pass) {
        throw new MigrationGraphError(`Circular dependency through ${node.id}: no forwards plan exists`);
      }
      node.expanded = pass;
      stackNodes.push(node);
      stackProcessed.push(true);
      for (const parent of this.sortedParents(node)) {
        if (keep && !keep(parent)) continue;
        stackNodes.push(parent);
        stackProcessed.push(false);
      }
    }
    return visited;
  }

  // For every node, the apps among it and its ancestors, as one bit per app (in sortedAppLabels
  // order), filled parents first. Only asked for on an acyclic graph.
  private appsAboveIndex(): { reaches(appBit: number): (node: GraphNode) => boolean } {
    if (!this.appsAbove) {
      const nodes = this.allNodes();
      const words = Math.ceil(this.sortedAppLabels.length / 32);
      const bits = new Uint32Array(nodes.length * words);
      const appBits = new Map(this.sortedAppLabels.map((label, i) => [label, i]));
      nodes.forEach((node, i) => (node.slot = i));
      const waiting = nodes.map((node) => node.parents.length);
      const ready = nodes.filter((node) => node.parents.length === 0);
      while (ready.length > 0) {
        const node = ready.pop()!;
        const own = node.slot * words;
        const bit = appBits.get(node.key.app)!;
        bits[own + (bit >>> 5)]! |= 1 << (bit & 31);
        for (const child of node.children) {
          const theirs = child.slot * words;
          for (let w = 0; w < words; w++) bits[theirs + w]! |= bits[own + w]!;
          if (--waiting[child.slot]! === 0) ready.push(child);
        }
      }
      this.appsAbove = { bits, words };
    }
    const { bits, words } = this.appsAbove;
    return {
      reaches: (appBit) => {
        const word = appBit >>> 5;
        const mask = 1 << (appBit & 31);
        return (node) => (bits[node.slot * words + word]! & mask) !== 0;
      },
    };
  }

  // executor.migration_plan(graph.leaf_nodes()): forwards plans of the leaves, minus what is applied.
  private executorPlan(applied: Set<string>): MigrationKey[] {
    const plan: MigrationKey[] = [];
    const planned = ++this.traversal;
    for (const app of this.sortedAppLabels) {
      for (const leaf of this.leafNodes(app)) {
        // An applied leaf would be a backwards target; a leaf has no same-app children, so nothing to undo.
        if (applied.has(leaf.id)) continue;
        for (const node of this.iterativeDfs(leaf, planned)) {
          node.planned = planned;
          if (!applied.has(node.id)) {
            applied.add(node.id);
            plan.push(node.key);
          }
        }
      }
    }
    return plan;
  }
}

function newNode(key: MigrationKey, migration: ParsedMigration | null): GraphNode {
  return { key, id: migrationId(key), migration, parents: [], children: [], rank: -1, visited: 0, expanded: 0, planned: 0, peeledParents: 0, slot: -1 };
}

// Sorts one app's nodes Django's way; plain names (the usual case) compare directly.
function sortByName(nodes: GraphNode[]): GraphNode[] {
  const plain = nodes.every((node) => !MAY_DIFFER_FROM_CODE_POINT_ORDER.test(node.key.name));
  return nodes.sort(plain ? (a, b) => (a.key.name < b.key.name ? -1 : a.key.name > b.key.name ? 1 : 0) : byKey);
}

function hasSameAppNeighbour(node: GraphNode, neighbours: GraphNode[]): boolean {
  for (const neighbour of neighbours) if (neighbour.key.app === node.key.app) return true;
  return false;
}

function numberPrefix(name: string): string {
  let end = 0;
  while (end < name.length && name.charCodeAt(end) >= 48 && name.charCodeAt(end) <= 57) end++;
  return name.slice(0, end);
}

function keyOf(migration: MigrationKey): MigrationKey {
  return { app: migration.app, name: migration.name };
}
