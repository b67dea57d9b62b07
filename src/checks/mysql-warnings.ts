// MySQL/MariaDB-specific risks in new migrations: DDL is not transactional there (pure logic).
import type { MigrationOperation, ParsedMigration } from '../django/migration-types.js';
import type { Problem, Severity } from './problem.js';

// Operations that issue DDL. State-only ones (AlterModelOptions, AlterModelManagers) and custom ones are left out.
const SCHEMA_OPERATIONS = new Set([
  'CreateModel', 'DeleteModel', 'RenameModel', 'AlterModelTable', 'AlterUniqueTogether', 'AlterIndexTogether',
  'AddField', 'RemoveField', 'AlterField', 'RenameField', 'AddIndex', 'RemoveIndex', 'RenameIndex',
  'AddConstraint', 'RemoveConstraint', 'AlterOrderWithRespectTo', 'SeparateDatabaseAndState',
]);
const DATA_OPERATIONS = new Set(['RunPython', 'RunSQL']);
// Operations on a table created earlier in the same migration cannot lose data if they fail halfway.
const NEW_TABLE_FOLLOW_UPS = new Set(['AddField', 'AddIndex', 'AddConstraint', 'AlterUniqueTogether', 'AlterIndexTogether', 'AlterOrderWithRespectTo']);

export interface MysqlWarningOptions {
  /** Repository-relative path of a migration. */
  pathOf: (migration: ParsedMigration) => string;
  /** Turn the warnings into blocking problems (config hooks.mysqlWarningsBlock). */
  block: boolean;
}

/** Warnings for each new migration: several DDL statements, DDL mixed with data changes, table rewrites. */
export function mysqlMigrationWarnings(migrations: readonly ParsedMigration[], options: MysqlWarningOptions): Problem[] {
  const severity: Severity = options.block ? 'block' : 'warn';
  const problems: Problem[] = [];
  for (const migration of migrations) {
    const file = options.pathOf(migration);
    const created = new Set(migration.operations.filter((op) => op.type === 'CreateModel' && op.model).map((op) => op.model!));
    const onNewTable = (op: MigrationOperation) => op.type === 'CreateModel' || (NEW_TABLE_FOLLOW_UPS.has(op.type) && op.model !== undefined && created.has(op.model));
    const schema = migration.operations.filter((op) => SCHEMA_OPERATIONS.has(op.type));
    const data = migration.operations.filter((op) => DATA_OPERATIONS.has(op.type));
    const risky = schema.filter((op) => !onNewTable(op));

    if (schema.length > 0 && data.length > 0) {
      problems.push({
        code: 'mysql-schema-and-data-operations',
        severity,
        title: `${migration.app}.${migration.name} mixes schema changes (${describe(schema)}) with ${describe(data)}`,
        files: [file],
        why: 'On MySQL each DDL statement commits on its own: if the data step fails, the schema changes stay, the migration is not recorded, and rerunning it fails.',
        fix: `move ${data.map((op) => op.type).join(' and ')} into its own migration (python manage.py makemigrations --empty ${migration.app})`,
      });
    } else if (schema.length > 1 && risky.length > 0) {
      problems.push({
        code: 'mysql-several-schema-operations',
        severity,
        title: `${migration.app}.${migration.name} holds ${schema.length} schema operations (${describe(schema)})`,
        files: [file],
        why: 'On MySQL each DDL statement commits on its own: a failure halfway leaves the migration half-applied and unrecorded, and rerunning it fails on what was already done.',
        fix: 'split it into one migration per operation on existing tables (each a file of its own, chained by dependencies)',
      });
    }
    for (const op of risky) {
      const rewrite = tableRewriteReason(op);
      if (!rewrite) continue;
      problems.push({
        code: 'mysql-table-rewrite',
        severity,
        title: `${migration.app}.${migration.name}: ${op.type} ${op.model ?? ''}${op.field ? `.${op.field}` : ''} (line ${op.line}) ${rewrite}`,
        files: [file],
        why: 'On a big table this locks writes (or copies the table) for as long as the rebuild takes.',
        fix: op.type === 'AddField'
          ? 'add the column as null=True (or with a default), backfill it, then make it non-null in a later migration'
          : 'run it in a maintenance window, or use an online schema change tool (pt-online-schema-change, gh-ost) for big tables',
      });
    }
  }
  return problems;
}

function describe(operations: MigrationOperation[]): string {
  const counts = new Map<string, number>();
  for (const op of operations) counts.set(op.type, (counts.get(op.type) ?? 0) + 1);
  return [...counts].map(([type, count]) => (count > 1 ? `${count}× ${type}` : type)).join(', ');
}

// Why an operation on an existing table may rewrite or lock it, or null.
function tableRewriteReason(op: MigrationOperation): string | null {
  if (op.type === 'AlterField') return 'may change the column type, which rebuilds the table on MySQL';
  if (op.type === 'AddField') {
    const source = op.source;
    if (/ManyToManyField\s*\(/.test(source)) return null; // a new join table
    const nullable = /\bnull\s*=\s*True\b/.test(source);
    if (!nullable && !sqlHasDefault(source)) return 'adds a NOT NULL column without a default to an existing table';
  }
  return null;
}

// Field classes whose empty_strings_allowed is False in Django: blank=True gives them no default.
const NO_EMPTY_STRING_FIELDS = new Set([
  'AutoField', 'BigAutoField', 'SmallAutoField', 'IntegerField', 'BigIntegerField', 'SmallIntegerField', 'PositiveIntegerField',
  'PositiveBigIntegerField', 'PositiveSmallIntegerField', 'FloatField', 'DecimalField', 'BooleanField', 'NullBooleanField',
  'DateField', 'DateTimeField', 'TimeField', 'DurationField', 'UUIDField', 'GenericIPAddressField', 'ForeignKey', 'OneToOneField', 'JSONField',
]);

// Whether the ADD COLUMN Django writes carries a DEFAULT: it does whenever the schema editor's
// effective_default() is not None (BaseDatabaseSchemaEditor._effective_default): an explicit default,
// blank=True on a field that allows empty strings ('' — CharField, TextField, SlugField, …), or
// auto_now/auto_now_add. (A TEXT column on servers without TEXT defaults gets none, which MySQL
// fills with '' for existing rows: harmless too.)
function sqlHasDefault(source: string): boolean {
  if (/\bdefault\s*=/.test(source)) return true;
  if (/\bauto_now(?:_add)?\s*=\s*True\b/.test(source)) return true;
  const fieldClass = /\bfield\s*=\s*(?:[\w.]+\.)?(\w+)\s*\(/.exec(source)?.[1];
  return /\bblank\s*=\s*True\b/.test(source) && fieldClass !== undefined && !NO_EMPTY_STRING_FIELDS.has(fieldClass);
}
