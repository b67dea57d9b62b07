// Shapes shared by the migration parser, the graph and everything that reports on migrations, and the one
// 'app.name' id of a migration.

/** A migration's identity, as Django keys it: (app_label, name). */
export interface MigrationKey {
  app: string;
  name: string;
}

/** The one 'app.name' spelling of a key: applied sets, lists in messages, JSON. */
export function migrationId(key: MigrationKey): string {
  return `${key.app}.${key.name}`;
}

/**
 * One entry of a migration's `dependencies` list.
 * - `migration`: ('app', '0001_initial')
 * - `first` / `latest`: ('app', '__first__') / ('app', '__latest__')
 * - `swappable`: migrations.swappable_dependency(settings.AUTH_USER_MODEL); `setting` is the
 *   settings name (e.g. AUTH_USER_MODEL); resolved through the project's settings values.
 */
export type MigrationDependency =
  | { kind: 'migration'; app: string; name: string }
  | { kind: 'first'; app: string }
  | { kind: 'latest'; app: string }
  | { kind: 'swappable'; setting: string };

/** An operation in a migration's `operations` list, as far as it can be read without Python. */
export interface MigrationOperation {
  /** e.g. 'AddField', 'RunPython', 'RunSQL', 'AlterField', 'CreateModel'. */
  type: string;
  /** model_name / name argument where present (lower-cased as Django does for model names). */
  model?: string;
  /** field name for field operations. */
  field?: string;
  /** 1-based line of the operation in the file. */
  line: number;
  /** Raw source text of the call, for messages and further inspection. */
  source: string;
}

/** Everything read from one migration file. */
export interface ParsedMigration extends MigrationKey {
  /** Absolute path of the file. */
  file: string;
  dependencies: MigrationDependency[];
  replaces: MigrationKey[];
  runBefore: MigrationKey[];
  /** `initial = True/False` when the class sets it, otherwise null. */
  initial: boolean | null;
  operations: MigrationOperation[];
}
