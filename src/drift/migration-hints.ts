// Points a missing table or column at the migration that creates it when that migration is recorded as applied:
// the classic trace of `migrate --fake`, or of a column dropped by hand.
import { migrationId, type MigrationKey, type ParsedMigration } from '../django/migration-types.js';
import type { SchemaComparison } from './compare.js';

export interface DriftHint {
  table: string;
  /** The missing column, or null for a missing table. */
  column: string | null;
  migration: string;
  message: string;
}

/** Hints for missing tables/columns whose creating migration is recorded as applied. */
export function fakedMigrationHints(comparison: SchemaComparison, migrations: readonly ParsedMigration[], applied: readonly MigrationKey[]): DriftHint[] {
  const appliedIds = new Set(applied.map(migrationId));
  const hints: DriftHint[] = [];
  for (const table of comparison.tables) {
    for (const difference of table.differences) {
      if (difference.change !== 'missing' || (difference.object !== 'column' && difference.object !== 'table')) continue;
      const column = difference.object === 'column' ? difference.name : null;
      const creator = findCreatingMigration(migrations, table.table, column);
      if (!creator || !appliedIds.has(migrationId(creator))) continue;
      const what = column ? `column ${column}` : `table ${table.table}`;
      hints.push({
        table: table.table,
        column,
        migration: migrationId(creator),
        message: `${migrationId(creator)} creates ${what} and is recorded as applied: it was probably faked (migrate --fake) or the ${column ? 'column' : 'table'} was dropped by hand.`,
      });
    }
  }
  return hints;
}

// Django's default table name is <app_label>_<model name lower-cased>; custom db_table names are not known here.
function findCreatingMigration(migrations: readonly ParsedMigration[], table: string, column: string | null): ParsedMigration | null {
  let found: ParsedMigration | null = null;
  for (const migration of migrations) {
    for (const operation of migration.operations) {
      const model = operation.model?.toLowerCase();
      if (!model || `${migration.app}_${model}` !== table) continue;
      const matches = column === null
        ? operation.type === 'CreateModel'
        : (operation.type === 'AddField' && (operation.field === column || `${operation.field}_id` === column)) ||
          (operation.type === 'CreateModel' && new RegExp(`\\(\\s*['"]${escapeRegex(column.replace(/_id$/, ''))}(_id)?['"]\\s*,`).test(operation.source));
      if (matches) found = migration; // the last one wins: files are read in name order
    }
  }
  return found;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
