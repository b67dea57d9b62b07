// MySQL/MariaDB-specific risks in new migrations: DDL is not transactional there (pure logic). What the
// operations are says whether a migration mixes DDL; what a column gets is read from the SQL Django emits.
import type { MigrationOperation, ParsedMigration } from '../django/migration-types.js';
import type { ClassifiedMigration } from './ddl-classification.js';
import type { Problem, Severity } from './problem.js';
import { migrationId } from '../django/migration-types.js';

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

/** Warnings for each new migration: several DDL statements, DDL mixed with data changes. */
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
        title: `${migrationId(migration)} mixes schema changes (${describe(schema)}) with ${describe(data)}`,
        files: [file],
        why: 'On MySQL each DDL statement commits on its own: if the data step fails, the schema changes stay, the migration is not recorded, and rerunning it fails.',
        fix: `move ${data.map((op) => op.type).join(' and ')} into its own migration (python manage.py makemigrations --empty ${migration.app})`,
      });
    } else if (schema.length > 1 && risky.length > 0) {
      problems.push({
        code: 'mysql-several-schema-operations',
        severity,
        title: `${migrationId(migration)} holds ${schema.length} schema operations (${describe(schema)})`,
        files: [file],
        why: 'On MySQL each DDL statement commits on its own: a failure halfway leaves the migration half-applied and unrecorded, and rerunning it fails on what was already done.',
        fix: 'split it into one migration per operation on existing tables (each a file of its own, chained by dependencies)',
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

/** Options for the warnings read from Django's SQL. */
export interface SqlWarningOptions {
  /** Repository-relative path of a migration ("app.name"). */
  pathOf: (migration: string) => string;
  block: boolean;
}

/**
 * From the SQL Django ran (the replay's statements, in order): an `ADD COLUMN … NOT NULL` without `DEFAULT`
 * on a table that existed before these migrations. Django writes a DEFAULT whenever the field has an effective
 * default (an explicit one, '' for blank text fields, auto_now), so only the SQL can say.
 */
export function notNullWithoutDefaultWarnings(migrations: readonly ClassifiedMigration[], options: SqlWarningOptions): Problem[] {
  const severity: Severity = options.block ? 'block' : 'warn';
  const created = new Set<string>();
  const problems: Problem[] = [];
  for (const migration of migrations) {
    const id = migrationId(migration);
    for (const statement of migration.statements) {
      if (statement.kind === 'create-table' && statement.table) created.add(statement.table);
      if (!statement.table || created.has(statement.table)) continue;
      for (const column of notNullColumnsWithoutDefault(statement.sql)) {
        problems.push({
          code: 'mysql-not-null-without-default',
          severity,
          title: `${id} adds the NOT NULL column \`${column}\` to \`${statement.table}\` without a DEFAULT`,
          files: [options.pathOf(id)],
          details: [`Django's SQL: ${statement.sql}`],
          why: "The server fills the existing rows with the type's implicit value (0, '', a zero date) that nobody chose; for a foreign key that value references nothing.",
          fix: 'add the column with null=True (or a default), backfill it, then make it NOT NULL in a later migration',
        });
      }
    }
  }
  return problems;
}

// Clauses of an ALTER TABLE that add a column: what is not a column after ADD.
const NOT_A_COLUMN = /^(?:INDEX|KEY|UNIQUE|PRIMARY|FOREIGN|CONSTRAINT|FULLTEXT|SPATIAL|CHECK|PARTITION|PERIOD|SYSTEM)\b/i;

// The columns an ALTER TABLE adds as NOT NULL with no DEFAULT (nor AUTO_INCREMENT or a generated value).
function notNullColumnsWithoutDefault(sql: string): string[] {
  const match = /^\s*ALTER\s+TABLE\s+(?:`(?:[^`]|``)+`|[\w.]+)\s+([\s\S]*)$/i.exec(sql);
  if (!match) return [];
  const columns: string[] = [];
  for (const clause of splitTopLevel(match[1]!)) {
    const add = /^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(`(?:[^`]|``)+`|\w+)\s+([\s\S]*)$/i.exec(clause.trim());
    if (!add || NOT_A_COLUMN.test(add[1]!)) continue;
    const definition = add[2]!.replace(/'(?:[^'\\]|\\.|'')*'/g, "''");
    if (!/\bNOT\s+NULL\b/i.test(definition) || /\b(?:DEFAULT|AUTO_INCREMENT|GENERATED|AS)\b/i.test(definition)) continue;
    columns.push(add[1]!.startsWith('`') ? add[1]!.slice(1, -1).replace(/``/g, '`') : add[1]!);
  }
  return columns;
}

// Splits a clause list at the commas outside parentheses, quotes and backticks.
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = null;
    } else if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
