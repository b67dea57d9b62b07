// Which migrations arrived, vanished or changed between two states of the code (pure logic).
import type { FileChange } from '../git/file-changes.js';
import { migrationOf, type MigrationPath, type ProjectPaths } from './project-paths.js';
import { migrationId } from '../django/migration-types.js';

export interface MigrationChanges {
  arrived: MigrationPath[];
  vanished: MigrationPath[];
  changed: MigrationPath[];
}

/** Sorts file changes into arrived / vanished / changed migrations of guarded apps. */
export function summarizeMigrationChanges(changes: readonly FileChange[], project: ProjectPaths): MigrationChanges {
  const result: MigrationChanges = { arrived: [], vanished: [], changed: [] };
  for (const change of changes) {
    const migration = migrationOf(change.path, project);
    if (!migration) continue;
    if (change.status === 'A') result.arrived.push(migration);
    else if (change.status === 'D') result.vanished.push(migration);
    else result.changed.push(migration);
  }
  return result;
}

/** Whether nothing about migrations changed. */
export function noMigrationChanges(changes: MigrationChanges): boolean {
  return changes.arrived.length + changes.vanished.length + changes.changed.length === 0;
}

/** "catalog.0005_x, orders.0003_y" */
export function formatMigrationList(migrations: readonly MigrationPath[]): string {
  return migrations.map(migrationId).join(', ');
}
