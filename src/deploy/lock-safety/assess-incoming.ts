// Lock safety of the code a deploy is about to bring, assessed while the application still runs: the fetched
// commit is written into a snapshot directory outside the working tree (the checkout and the running code stay
// as they are), Django's plan is asked there -- pinned to the deployed database, since that copy's settings may
// lack files the checkout has (an untracked .env) -- and its pending migrations are classified on a scratch
// database. Without a fetched commit (--no-pull) the checkout itself is the code deployed.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../../config/load-config.js';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { probeMigrations, type MigrationProbe } from '../../django/migration-probe.js';
import { openRepository } from '../../git/repository.js';
import { checkoutTreeSnapshot } from '../../git/tree-snapshot.js';
import { git } from '../../git/run-git.js';
import { checkLockSafety, type LockSafetyOutcome } from './lock-safety-step.js';

export interface IncomingAssessment {
  probe: MigrationProbe;
  /** null when nothing is pending. */
  lockSafety: LockSafetyOutcome | null;
}

export interface AssessIncomingInput {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  settings: ConnectionSettings;
  alias: string;
  secrets: string[];
  allowBlocking: boolean;
  /** The fetched commit to assess; null: the checkout as it is. */
  commit: string | null;
  onScratchNamed?: (name: string) => void;
}

/** Django's plan for the incoming code and its lock safety; Django failing to run there throws (ProbeError). */
export async function assessIncomingCode(input: AssessIncomingInput): Promise<IncomingAssessment> {
  if (!input.commit) return assessIn(input.config, input, false);
  const repository = await openRepository(input.config.repoRoot);
  // The snapshot directory is the hooks' too, and remembers a tree id: given one, a hook staging the same tree reuses it.
  const tree = (await git(repository.root, ['rev-parse', '--verify', `${input.commit}^{tree}`])).trim();
  const snapshot = await checkoutTreeSnapshot(repository, tree);
  try {
    return await assessIn(configInSnapshot(input.config, repository.root, snapshot.dir), input, true);
  } finally {
    await snapshot.release();
  }
}

async function assessIn(config: ResolvedConfig, input: AssessIncomingInput, pinned: boolean): Promise<IncomingAssessment> {
  const probe = await probeMigrations(config, { sql: false, env: input.env, secrets: input.secrets, alias: input.alias, pinned: pinned ? { alias: input.alias, database: input.settings } : undefined });
  if (!probe.pending.length || Object.keys(probe.conflicts).length || probe.inconsistentHistory) return { probe, lockSafety: null };
  const lockSafety = await checkLockSafety({ config, env: input.env, settings: input.settings, alias: input.alias, probe, secrets: input.secrets, allowBlocking: input.allowBlocking, onScratchNamed: input.onScratchNamed });
  return { probe, lockSafety };
}

/**
 * The config with the Django project and its apps moved into the snapshot (same relative places); the checkout's
 * own root stays, so caches are kept where a later run in the checkout finds them.
 */
export function configInSnapshot(config: ResolvedConfig, topLevel: string, snapshotDir: string): ResolvedConfig {
  const root = realpathSync(topLevel);
  const moved = (file: string) => {
    const relative = path.relative(root, realpathSync(file));
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`${file} is outside the git checkout ${topLevel}: it cannot be taken from the fetched commit`);
    return path.join(snapshotDir, relative);
  };
  return {
    ...config,
    projectRoot: moved(config.projectRoot),
    managePy: moved(config.managePy),
    apps: config.apps.map((app) => ({ ...app, dir: moved(app.dir), migrationsDir: moved(app.migrationsDir) })),
  };
}
