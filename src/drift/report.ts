// Drift results for people (grouped by table, expected → actual, what to do next) and for machines (--json).
import type { Difference, TableDrift } from './compare.js';
import type { DriftResult } from './run-drift.js';
import { migrationId, type MigrationKey } from '../django/migration-types.js';

type Styles = { red(text: string): string; green(text: string): string; yellow(text: string): string; bold(text: string): string; dim(text: string): string };

const OBJECT_LABELS: Record<Difference['object'], string> = {
  database: 'database',
  table: 'table',
  view: 'view',
  column: 'column',
  index: 'index',
  foreignKey: 'foreign key',
  check: 'check',
  trigger: 'trigger',
};

/** The human report. */
export function formatDriftReport(result: DriftResult, style: Styles): string {
  const out: string[] = [];
  const expectedLabel = result.expected.kind === 'reference' ? 'what the migrations build' : `database "${result.expected.database}"`;
  out.push(`${style.bold('drift:')} database "${result.actual.database}" compared with ${expectedLabel}`);
  out.push(style.dim(`  expected: ${describeExpected(result)}`));
  if (result.ignoreNames) out.push(style.dim('  indexes and constraints matched by definition, not name (--ignore-names)'));
  out.push('');

  if (result.comparison.database.length) {
    out.push(style.bold('(database defaults)'));
    for (const difference of result.comparison.database) out.push(`  ${formatDifference(difference, style)}`);
  }
  const hintsByTable = new Map<string, DriftResult['hints']>();
  for (const hint of result.hints) hintsByTable.set(hint.table, [...(hintsByTable.get(hint.table) ?? []), hint]);
  for (const table of result.comparison.tables) {
    out.push(style.bold(tableHeading(table)));
    for (const difference of table.differences) {
      out.push(`  ${formatDifference(difference, style)}`);
      for (const hint of hintsByTable.get(table.table) ?? []) {
        if (hint.column === (difference.object === 'column' ? difference.name : null) && (difference.object === 'column' || difference.object === 'table')) {
          out.push(`      ${style.yellow('hint:')} ${hint.message}`);
        }
      }
    }
  }

  const records = result.records;
  if (records && (records.notApplied.length || records.appliedUnknown.length)) {
    out.push('');
    const against = result.expected.kind === 'database' ? result.expected.database : null;
    out.push(style.bold(against ? `Migration records (django_migrations here ↔ in "${against}")` : 'Migration records (django_migrations ↔ migration files)'));
    if (records.appliedUnknown.length) out.push(`  ${against ? `applied here, not in "${against}"` : 'applied but missing on disk'}: ${listKeys(records.appliedUnknown)}`);
    if (records.notApplied.length) out.push(`  ${against ? `applied in "${against}", not here` : 'on disk but not applied'}: ${listKeys(records.notApplied)}`);
  } else if (result.recordsProblem) {
    out.push('', style.yellow(`Migration records not compared: ${result.recordsProblem}`));
  }

  if (result.comparison.unexpected.length) {
    const counted = result.strict ? 'counted as drift (--strict)' : 'not counted as drift; --strict counts them';
    out.push('');
    const why = result.expected.kind === 'reference' ? 'no migration builds them' : `not in "${result.expected.database}"`;
    out.push(style.bold(`Not Django's (${why}; ${counted}):`));
    out.push(`  ${result.comparison.unexpected.map((item) => (item.kind === 'view' ? `${item.name} (view)` : item.name)).join(', ')}`);
  }

  if (out[out.length - 1] !== '') out.push('');
  out.push(summaryLine(result, style));
  const next = nextSteps(result);
  if (next.length) {
    out.push(style.bold('Next:'));
    for (const step of next) out.push(`  ${step}`);
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function describeExpected(result: DriftResult): string {
  const expected = result.expected;
  if (expected.kind === 'database') return `${expected.where}`;
  const when = expected.builtAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return expected.source === 'cache'
    ? `reference schema from cache (built ${when} with Django ${expected.djangoVersion}; --rebuild builds it again)`
    : `reference schema built now (manage.py migrate into a scratch database, Django ${expected.djangoVersion})${expected.cacheFile ? '; cached for the next run' : ''}`;
}

function tableHeading(table: TableDrift): string {
  const kind = table.kind === 'view' ? 'view ' : '';
  if (table.status === 'missing') return `${kind}${table.table} — missing`;
  return `${kind}${table.table}`;
}

/** One line: `- column weight: missing (int NOT NULL)` / `~ column sku: type varchar(32) → varchar(64)`. */
export function formatDifference(difference: Difference, style: Styles): string {
  const label = `${OBJECT_LABELS[difference.object]} ${difference.name}`;
  switch (difference.change) {
    case 'missing':
      return `${style.red('-')} ${label}: missing${difference.definition ? ` (expected ${difference.definition})` : ''}`;
    case 'extra':
      return `${style.green('+')} ${label}: not expected${difference.definition ? ` (${difference.definition})` : ''}`;
    case 'changed':
      return `${style.yellow('~')} ${label}: ${difference.attribute} ${difference.expected} → ${difference.actual}`;
  }
}

function summaryLine(result: DriftResult, style: Styles): string {
  if (result.driftCount === 0) {
    const extra = result.comparison.unexpected.length ? ` (${result.comparison.unexpected.length} table(s) that are not Django's listed above)` : '';
    const records = result.records ? (result.expected.kind === 'reference' ? '; migration records agree with the migration files' : '; migration records agree') : '';
    return `${style.green('No drift:')} ${result.tablesCompared} tables match${records}${extra}.`;
  }
  const schemaDifferences = result.comparison.database.length + result.comparison.tables.reduce((sum, table) => sum + table.differences.length, 0);
  const parts: string[] = [];
  if (schemaDifferences) parts.push(`${schemaDifferences} schema difference(s) in ${result.comparison.tables.length + (result.comparison.database.length ? 1 : 0)} table(s)`);
  const recordCount = result.records ? result.records.notApplied.length + result.records.appliedUnknown.length : 0;
  if (recordCount) parts.push(`${recordCount} migration record(s) that disagree`);
  if (result.strict && result.comparison.unexpected.length) parts.push(`${result.comparison.unexpected.length} table(s) that are not Django's (--strict)`);
  return `${style.red('Drift:')} ${parts.join(', ')}.`;
}

function nextSteps(result: DriftResult): string[] {
  if (result.driftCount === 0) return [];
  const steps: string[] = [];
  for (const hint of result.hints) {
    const [app, name] = hint.migration.split('.') as [string, string];
    steps.push(`Apply what ${hint.migration} should have done: python manage.py sqlmigrate ${app} ${name}   (review it, then run it in: python manage.py dbshell)`);
  }
  const schemaDrift = result.comparison.tables.length > 0 || result.comparison.database.length > 0;
  if (schemaDrift && result.expected.kind === 'reference') {
    steps.push('If the migrations are right: make the database match them (the SQL of a migration: python manage.py sqlmigrate <app> <migration>), or rebuild it from a good copy.');
    steps.push('If the database is right: change the models and write the migration: python manage.py makemigrations');
  }
  if (result.records?.notApplied.length) {
    steps.push(result.expected.kind === 'reference' ? 'Apply the pending migrations: python manage.py migrate' : `Migrations applied in "${(result.expected as { database: string }).database}" only: apply them here with python manage.py migrate (same code checked out).`);
  }
  if (result.records?.appliedUnknown.length && result.expected.kind === 'reference') {
    const first = result.records.appliedUnknown[0]!;
    steps.push(`Recorded but not on disk: check out the code that has them (the database is ahead of this checkout), or if they were deleted on purpose: DELETE FROM django_migrations WHERE app = '${first.app}' AND name = '${first.name}';`);
  }
  if (result.expected.kind === 'reference' && result.expected.source === 'cache') {
    steps.push('The reference came from the cache (keyed by the migration files, Django version and settings module): after upgrading other packages that ship migrations, rerun with --rebuild.');
  }
  return steps;
}

function listKeys(keys: MigrationKey[]): string {
  return keys.map(migrationId).join(', ');
}

/** The --json document (stable keys; documented in docs/drift.md). */
export function driftReportJson(result: DriftResult): Record<string, unknown> {
  return {
    drift: result.driftCount > 0,
    exitCode: result.exitCode,
    driftCount: result.driftCount,
    expected: result.expected,
    actual: result.actual,
    options: { strict: result.strict, ignoreNames: result.ignoreNames },
    tablesCompared: result.tablesCompared,
    database: result.comparison.database,
    tables: result.comparison.tables,
    notDjango: result.comparison.unexpected,
    migrations: result.records ? { source: result.records.source, notApplied: result.records.notApplied, appliedUnknown: result.records.appliedUnknown } : null,
    migrationsProblem: result.recordsProblem,
    hints: result.hints,
  };
}
