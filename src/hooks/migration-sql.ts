// The migrations being committed (staged, or new in a range), run on a scratch database of the developer's own
// server through the same snapshot Django's verdict used: lock-safety and NOT NULL warnings from Django's SQL.
// Loaded only when migrations are staged: it brings mysql2 and execa, which the hooks otherwise skip.
import path from 'node:path';
import type { ParsedMigration } from '../django/migration-types.js';
import { relativePath } from '../fs/relative-path.js';
import { checkMigrationSql, type MigrationSqlOutcome } from '../ddl-safety/lock-safety-warnings.js';
import { stateDir } from '../git/tree-snapshot.js';
import { extraFileDigests, treeIdOf, withTreeSnapshot, type TreeSource, type VerdictResult } from './django-verdict.js';
import type { HookContext } from './hook-context.js';

export type { MigrationSqlOutcome } from '../ddl-safety/lock-safety-warnings.js';

// Bump when what is checked changes, so that outcomes remembered by an older version are not reused.
const REMEMBER_VERSION = 1;

export interface MigrationSqlRequest {
  source: TreeSource;
  /** Django's verdict on the same tree: its interpreter is used, and nothing runs when Django could not. */
  verdict: VerdictResult;
  migrations: readonly ParsedMigration[];
  /** The DATABASES alias whose server is asked. */
  alias: string;
}

/** The warnings from the migrations' SQL, or why they were not checked. */
export async function migrationSqlFor(context: HookContext, request: MigrationSqlRequest): Promise<MigrationSqlOutcome> {
  const { config, repository } = context;
  if (!config.raw.hooks.lockSafetyWarnings) return { checked: false, reason: 'turned off ("hooks": { "lockSafetyWarnings": false })' };
  const verdict = request.verdict.verdict;
  if (verdict.kind === 'no-settings') return { checked: false, reason: 'not a Django project yet' };
  if (verdict.kind === 'could-not-run') return { checked: false, reason: `Django could not run (${verdict.reason})` };
  const python = { ...config.python, path: request.verdict.python.path };
  // The same files (tree and untracked ones the settings read) with the same interpreter: answered from before.
  const tree = await treeIdOf(context, request.source);
  const extraFiles = await extraFileDigests(context);
  const key = JSON.stringify([REMEMBER_VERSION, tree, python.path, extraFiles]);
  return withTreeSnapshot(context, tree, extraFiles, (snapshotDir) => {
    const managePy = path.join(snapshotDir, relativePath(repository.root, config.managePy));
    return checkMigrationSql({
      config: { ...config, python },
      env: process.env,
      alias: request.alias,
      tree: { projectRoot: path.dirname(managePy), managePy },
      migrations: request.migrations.map((migration) => ({ app: migration.app, name: migration.name, file: migration.file })),
      notNull: { enabled: config.raw.hooks.mysqlWarnings, block: config.raw.hooks.mysqlWarningsBlock },
      remember: { file: path.join(stateDir(repository), 'lock-safety.json'), key },
      timeoutMs: config.raw.hooks.lockSafetyTimeoutSeconds * 1000,
    });
  });
}
