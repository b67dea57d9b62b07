// `deploy --plan`: every preflight check, the lock and recovery state, the pending migrations and the exact
// steps a deploy would run. Reads only: no lock, no journal, no fetch, no backup; the one thing written is the
// lock-safety schema cache (.migration-guard/cache/), which makes the next plan and the deploy faster.
import path from 'node:path';
import type { ResolvedConfig } from '../../config/load-config.js';
import { ExitCode } from '../../exit-codes.js';
import { withConnection } from '../../db/connect.js';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { describeConnection } from '../../db/connection-settings.js';
import type { DeployOutput } from '../../ui/deploy-output.js';
import type { PreflightCheck } from '../preflight/preflight-check.js';
import { checkRole } from '../preflight/role-check.js';
import { checkMigrateArgs } from '../preflight/migrate-args-check.js';
import { inspectBackupDir } from '../preflight/backup-dir-check.js';
import { runRemainingPreflight } from '../preflight/run-preflight.js';
import { deployLockPath, inspectLocalLock } from '../../locks/local-lock.js';
import { databaseLockHolder, databaseLockName } from '../../locks/database-lock.js';
import { findUnfinishedJournal } from '../journal/journal-reader.js';
import { describeRecovery, planRecovery } from '../recovery/plan-recovery.js';
import { probeMigrations, type MigrationProbe } from '../../django/migration-probe.js';
import { downCommands, upCommands } from '../service/service-commands.js';
import { checkLockSafety, summarizeLockSafety, type LockSafetyOutcome } from '../lock-safety/lock-safety-step.js';
import { migrationId } from '../../django/migration-types.js';

export interface PlanInput {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  settings: ConnectionSettings;
  alias: string;
  options: { leaveStopped: boolean; allowBlocking?: boolean; killBlockers?: boolean };
  output: DeployOutput;
  backupDir: string;
  migrateArgs: string[];
  pull: boolean;
  secrets: string[];
}

/** Prints the plan; exit 0 when a deploy would pass its preflight, 2 when it would refuse. */
export async function printDeployPlan(input: PlanInput): Promise<number> {
  const { config, settings, output, backupDir } = input;
  const deploy = config.raw.deploy;
  output.line('info', `deploy --plan: ${describeConnection(settings)}, checkout ${config.repoRoot}. Nothing is changed.`);

  // Django's plan and the scratch replay take seconds of their own: they run while the preflight checks do.
  const migrations = probeAndClassify(input);
  const checks: PreflightCheck[] = [checkRole(config), checkMigrateArgs(input.migrateArgs), inspectBackupDir(backupDir)];
  checks.push(...(await runRemainingPreflight({ config, settings, backupDir, pull: input.pull, env: input.env, alias: input.alias })));
  checks.push(await inspectLocks(settings, backupDir));
  output.line('info', 'Preflight:');
  for (const check of checks) output.detail(`${check.ok ? (check.warning ? '!' : '✔') : '✖'} ${check.name}: ${check.summary}${check.warning ? ` (${check.warning})` : ''}${!check.ok && check.fix ? `\n    fix: ${check.fix}` : ''}`);

  const unfinished = findUnfinishedJournal(backupDir);
  if (unfinished) output.line('warn', `${describeRecovery(planRecovery(unfinished))} A deploy would do this first (journal: ${unfinished.file}).`);

  let pendingCount: number | null = null;
  const { probe, lockSafety, error } = await migrations;
  if (probe) {
    pendingCount = probe.pending.length;
    output.line('info', `Migrations in the checkout as it is now${input.pull ? ' (the pull may bring more)' : ''}: ${probe.plan.filter((node) => node.applied).length} applied, ${probe.pending.length} pending`);
    for (const item of probe.pending) output.detail(`[ ] ${migrationId(item)}`);
    if (lockSafety) {
      output.line(lockSafety.refusal ? 'failed' : lockSafety.problem ? 'warn' : 'info', `Lock safety: ${summarizeLockSafety(lockSafety)}`);
      for (const line of lockSafety.lines) output.detail(line);
      if (lockSafety.refusal) {
        output.detail(`fix: ${lockSafety.refusal.fix}`);
        checks.push({ name: 'lock safety', ok: false, summary: lockSafety.refusal.message, fix: lockSafety.refusal.fix });
      }
    }
  }
  if (error) output.line('warn', `${probe ? 'could not check lock safety' : 'could not list the migrations'}: ${error.message}${(error as { output?: string }).output ? `\n${(error as { output?: string }).output}` : ''}`);

  const down = downCommands(deploy);
  const up = upCommands(deploy);
  const steps = [
    `take the locks: ${deployLockPath(backupDir)} and GET_LOCK('${databaseLockName(settings.database)}')`,
    input.pull ? `${checks.find((check) => check.name === 'pull')?.summary ?? 'git fetch'} (the checkout does not move yet)` : 'no fetch and no pull (--no-pull or "deploy.pull": false): the checkout is what is deployed',
    `lock safety, while the application still runs: list the pending migrations of ${input.pull ? 'the fetched commit (in a snapshot outside the checkout)' : 'the checkout'}, replay them on a scratch database and ask the server how each ALTER runs; refuse a table copy over ${deploy.maxBlockingCopyRows.toLocaleString('en-US')} rows${input.options.allowBlocking ? ' (accepted: --allow-blocking)' : ''}; list sessions that could block. A refusal ends the deploy here: nothing stopped, nothing moved`,
    ...down.map((command) => `${command.step}: ${command.command}`),
    ...(input.pull ? ['git merge --ff-only <the fetched commit>: exactly the code assessed'] : []),
    'list pending migrations (Django\'s migration plan) and collect their SQL (sqlmigrate); assess lock safety again only if they differ from those assessed',
    `if any are pending: back up to ${path.join(backupDir, `${settings.database}-<timestamp>-<gitrev>.sql.gz`)} (verified, fsynced; keep ${deploy.keep}) and save their SQL beside it (.pending.sql)`,
    `python manage.py migrate --noinput${input.migrateArgs.length ? ` ${input.migrateArgs.join(' ')}` : ''} (a watchdog stops it after ${deploy.lockWaitSeconds} s waiting for a metadata lock${input.options.killBlockers ? '; --kill-blockers: kills the blockers instead' : ''})`,
    'verify: every migration applied; makemigrations --check --dry-run --noinput finds nothing',
    'on failure: restore the backup, verify it against the state before the deploy, move the checkout back',
    ...(input.options.leaveStopped ? ['leave the application stopped (--leave-stopped)'] : up.map((command) => `${command.step}: ${command.command} (whatever happened)`)),
  ];
  output.line('info', `A deploy would${pendingCount === 0 && !input.pull ? ' (nothing pending: backup and migrate are skipped)' : ''}:`);
  steps.forEach((step, index) => output.detail(`${index + 1}. ${step}`));

  const failed = checks.filter((check) => !check.ok);
  if (failed.length) {
    output.line('failed', `A deploy would refuse now: ${failed.map((check) => check.name).join(', ')}.`);
    return ExitCode.cannotRun;
  }
  output.line('ok', 'A deploy would pass its preflight.');
  return ExitCode.ok;
}

/** Django's plan for the checkout as it is and, with migrations pending, their lock safety; failures returned, not thrown. */
async function probeAndClassify(input: PlanInput): Promise<{ probe: MigrationProbe | null; lockSafety: LockSafetyOutcome | null; error: Error | null }> {
  let probe: MigrationProbe | null = null;
  try {
    probe = await probeMigrations(input.config, { sql: false, env: input.env, secrets: input.secrets, alias: input.alias });
    if (!probe.pending.length) return { probe, lockSafety: null, error: null };
    const lockSafety = await checkLockSafety({ config: input.config, env: input.env, settings: input.settings, alias: input.alias, probe, secrets: input.secrets, allowBlocking: Boolean(input.options.allowBlocking) });
    return { probe, lockSafety, error: null };
  } catch (error) {
    return { probe, lockSafety: null, error: error as Error };
  }
}

async function inspectLocks(settings: ConnectionSettings, backupDir: string): Promise<PreflightCheck> {
  const file = deployLockPath(backupDir);
  const local = inspectLocalLock(file);
  if (local && local.state !== 'gone') {
    return { name: 'locks', ok: false, summary: `${file} is held by pid ${local.holder.pid} on ${local.holder.host} (${local.holder.command}, since ${local.holder.startedAt})`, fix: 'Wait for that deploy to finish.' };
  }
  let holder: string | null = null;
  try {
    holder = await withConnection(settings, (connection) => databaseLockHolder(connection, settings.database));
  } catch {
    // the database check already reports an unreachable database
  }
  if (holder) return { name: 'locks', ok: false, summary: `GET_LOCK('${databaseLockName(settings.database)}') is held: ${holder}`, fix: 'Another server is deploying against this database: wait for it.' };
  return { name: 'locks', ok: true, summary: local ? `free (${file} is stale: pid ${local.holder.pid} is gone; a deploy takes it over)` : 'free' };
}
