// `migration-guard deploy`: the production update procedure as one command that cannot skip a step.
// preflight → locks → (recover an interrupted deploy) → fetch → lock safety of the fetched code (the application
// still runs: a refusal stops here) → stop → fast-forward to the assessed commit → where migrations stand → backup →
// sqlmigrate record → migrate → verify → on failure: restore + move the checkout back → start, whatever happened.
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { ExitCode } from '../exit-codes.js';
import { withConnection } from '../db/connect.js';
import { describeConnection, type ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';
import { runManagePy } from '../django/manage-py.js';
import { takeBackup, type BackupInfo } from '../backup/take-backup.js';
import { formatBytes } from '../ui/format-bytes.js';
import { createStepRunner, type StepRunner } from './steps/step-runner.js';
import { createDeployOutput, type DeployOutput } from '../ui/deploy-output.js';
import { trapInterrupts, type InterruptTrap } from '../interrupts/interrupt-trap.js';
import { InterruptedError } from '../interrupts/interrupted-error.js';
import { restoreAsStep } from './steps/restore-step.js';
import { createJournal, journalPath, newJournalId, type JournalWriter } from './journal/journal-writer.js';
import { deployLockPath, type LocalLock } from '../locks/local-lock.js';
import { withLockPair } from '../locks/lock-pair.js';
import { currentProcessIdentity, identityOf } from '../locks/process-identity.js';
import { recoverInterruptedDeploy, type RecoveryOutcome } from './recovery/recover-interrupted.js';
import { downCommands, runServiceCommand, upCommands, type ServiceCommand } from './service/service-commands.js';
import { moveCheckoutBack, headCommit, resolvePullSource, type PullResult } from './git/pull.js';
import { fastForwardTo, fetchIncoming, type IncomingCode } from './git/fetch-incoming.js';
import { probeMigrations, ProbeError, type MigrationProbe } from '../django/migration-probe.js';
import { verifyDeployment } from './django/verify-migrations.js';
import { appliedMissingFromPlan } from '../checks/migration-status.js';
import { migrationId } from '../django/migration-types.js';
import { writePendingSql } from './django/pending-sql-record.js';
import { describeFailures, type PreflightCheck } from './preflight/preflight-check.js';
import { checkRole } from './preflight/role-check.js';
import { checkMigrateArgs } from './preflight/migrate-args-check.js';
import { prepareBackupDir } from './preflight/backup-dir-check.js';
import { runRemainingPreflight } from './preflight/run-preflight.js';
import { printDeployPlan } from './plan/print-plan.js';
import { checkLockSafety, summarizeLockSafety, type LockSafetyOutcome } from './lock-safety/lock-safety-step.js';
import { assessIncomingCode } from './lock-safety/assess-incoming.js';
import { describeWatchdogEvent, withLockWatchdog } from './lock-safety/migrate-watchdog.js';

export interface DeployOptions {
  /** Print what would happen and change nothing. */
  plan: boolean;
  /** false with --no-pull. */
  pull: boolean;
  /** Do not run serviceStart/maintenanceOff at the end. */
  leaveStopped: boolean;
  /** --backup-dir: overrides deploy.backupDir. */
  backupDir?: string;
  /** Arguments after `--`, added to deploy.migrateArgs. */
  migrateArgs: string[];
  /** --allow-blocking: deploy even when a migration would copy a table over "deploy.maxBlockingCopyRows". */
  allowBlocking?: boolean;
  /** --kill-blockers: the watchdog kills sessions keeping migrate waiting for a metadata lock, instead of stopping migrate. */
  killBlockers?: boolean;
}

export interface DeployInput {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  settings: ConnectionSettings;
  /** The DATABASES alias deployed (`--database`); migrate and the probe run on it. */
  alias: string;
  options: DeployOptions;
}

/** Where the run stands, for the failure path and the summary. */
interface RunState {
  wentDown: boolean;
  fetched: IncomingCode | null;
  /** The pending migrations ("app.name") whose lock safety was assessed before the service stop, on `fetched`. */
  assessedPending: string[] | null;
  pulled: PullResult | null;
  probe: MigrationProbe | null;
  backup: BackupInfo | null;
  migrateStarted: boolean;
  failedStep: string | null;
  failure: string | null;
  outcome: string;
  exitCode: number;
  notes: string[];
}

/** Runs the deploy (or, with `plan`, prints it); returns the exit code. Refusals before the journal exists throw UserError. */
export async function runDeploy(input: DeployInput): Promise<number> {
  const { config, settings, options } = input;
  const deploy = config.raw.deploy;
  const secrets = [settings.password];
  const output = createDeployOutput(secrets);
  const backupDir = path.resolve(config.repoRoot, options.backupDir ?? deploy.backupDir);
  const migrateArgs = [...deploy.migrateArgs, ...options.migrateArgs];
  const pull = options.pull && deploy.pull;

  if (options.plan) return printDeployPlan({ ...input, output, backupDir, migrateArgs, pull, secrets });

  output.line('info', `deploy: ${describeConnection(settings)}, checkout ${config.repoRoot}`);
  const pure = [checkRole(config), checkMigrateArgs(migrateArgs)];
  refuseOnFailures(pure);
  const early = [...pure, prepareBackupDir(backupDir)];
  refuseOnFailures(early);

  const journalId = newJournalId();
  const current: { journal: JournalWriter | null } = { journal: null };
  // From here on, Ctrl-C/SIGTERM are noted and acted on between steps; the current step finishes (migrate itself
  // gets the terminal's Ctrl-C), then the deploy restores and starts the service. A third signal forces an exit.
  const guard = trapInterrupts({
    onFirst: (signal) => {
      output.line('warn', `${signal} received: finishing safely (restoring if anything was migrated, starting the service). Send it twice more to force an exit.`);
      current.journal?.appendBestEffort({ event: 'signal', detail: { signal } });
    },
    forceExitAt: 3,
    onForced: () => current.journal?.appendBestEffort({ event: 'deploy-finished', detail: { outcome: 'forced-exit', exitCode: ExitCode.interrupted } }),
    interrupted: (signal) => new InterruptedError(`interrupted by ${signal}`, { signal }),
  });
  try {
    return await runWithLocks({ input, output, guard, backupDir, migrateArgs, pull, secrets, early, journalId, current });
  } finally {
    guard.dispose();
  }
}

interface Prepared {
  input: DeployInput;
  output: DeployOutput;
  guard: InterruptTrap;
  backupDir: string;
  migrateArgs: string[];
  pull: boolean;
  secrets: string[];
  early: PreflightCheck[];
  journalId: string;
  /** The journal, once created (the forced-exit handler writes to it). */
  current: { journal: JournalWriter | null };
}

// Locks (file, then GET_LOCK), recovery of an interrupted deploy, the journal; then the deploy itself.
async function runWithLocks(prepared: Prepared): Promise<number> {
  const { input, output, backupDir, secrets, journalId } = prepared;
  const { config, settings } = input;
  const lockRequest = {
    file: deployLockPath(backupDir),
    details: { command: 'migration-guard deploy', journal: journalPath(backupDir, journalId) },
    settings,
    waitSeconds: config.raw.deploy.lockTimeout,
    onLockFile: (local: LocalLock) => {
      if (local.stale) output.line('warn', `a stale lock was left by pid ${local.stale.pid} (${local.stale.command}, started ${local.stale.startedAt}), which no longer runs: taken over`);
    },
  };
  return withLockPair(lockRequest, async ({ local, database }) => {
    output.line('ok', `locks held: ${local.file} and GET_LOCK('${database.name}')`);
    let recovery: RecoveryOutcome;
    try {
      recovery = await recoverInterruptedDeploy({ config, settings, backupDir, env: input.env, output, secrets, newDeployId: journalId });
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`Could not finish off the interrupted deploy: ${(error as Error).message}`, { fix: `Inspect the newest journal in ${backupDir}, then rerun.`, cause: error });
    }
    let journal: JournalWriter;
    try {
      journal = await createJournal(backupDir, journalId, secrets, (message) => output.line('warn', message));
    } catch (error) {
      throw new UserError(`Cannot write the deploy journal in ${backupDir}: ${(error as Error).message}. Nothing was changed.`, { fix: `Free space in ${backupDir} or make it writable, then rerun.`, cause: error });
    }
    prepared.current.journal = journal;
    try {
      return await runLocked({ ...prepared, journal, recovery });
    } finally {
      journal.close();
    }
  });
}

/** Django's plan as migrate would refuse it (or unapply something): stops the deploy with the reason. */
function refuseUnmigratable(probe: MigrationProbe): void {
  const conflicts = Object.entries(probe.conflicts);
  if (conflicts.length) throw new Error(`conflicting migrations (more than one leaf) in ${conflicts.map(([app, names]) => `${app}: ${names.join(', ')}`).join('; ')}; merge them in development (makemigrations --merge) and deploy again`);
  if (probe.inconsistentHistory) throw new Error(`inconsistent migration history: ${probe.inconsistentHistory}`);
  const backwards = probe.pending.filter((item) => item.backwards);
  if (backwards.length) throw new Error(`migrate would unapply ${backwards.map(migrationId).join(', ')}`);
}

function refuseOnFailures(checks: PreflightCheck[]): void {
  if (checks.every((check) => check.ok)) return;
  throw new UserError(`deploy refused:\n${describeFailures(checks)}`, { exitCode: ExitCode.cannotRun });
}

interface LockedRun extends Prepared {
  journal: JournalWriter;
  recovery: RecoveryOutcome;
}

async function runLocked(run: LockedRun): Promise<number> {
  const { input, output, journal, backupDir, secrets } = run;
  const { config, settings, options, env } = input;
  const deploy = config.raw.deploy;
  const runner = createStepRunner(journal, output);
  const state: RunState = { wentDown: false, fetched: null, assessedPending: null, pulled: null, probe: null, backup: null, migrateStarted: false, failedStep: null, failure: null, outcome: 'deployed', exitCode: ExitCode.ok, notes: [] };
  const { guard } = run;
  const checkpoint = () => guard.check();
  const identity = currentProcessIdentity();
  journal.append({
    event: 'deploy-started',
    detail: {
      ...identity,
      database: describeConnection(settings),
      role: config.role,
      repoRoot: config.repoRoot,
      backupDir,
      pull: run.pull,
      leaveStopped: options.leaveStopped,
      migrateArgs: run.migrateArgs,
      recovered: run.recovery.journal ? { journal: run.recovery.journal, action: run.recovery.action } : null,
      serviceLeftStopped: run.recovery.serviceLeftStopped,
    },
  });

  try {
    await runner.run('preflight', 'preflight', async (step) => {
      const checks = [...run.early, ...(await runRemainingPreflight({ config, settings, backupDir, pull: run.pull, env, alias: input.alias }))];
      step.note({ checks: checks.map((check) => ({ name: check.name, ok: check.ok, summary: check.summary })) });
      for (const check of checks) output.detail(`${check.ok ? (check.warning ? '!' : '✔') : '✖'} ${check.name}: ${check.summary}${check.warning ? ` (${check.warning})` : ''}`);
      if (checks.some((check) => !check.ok)) throw new UserError(`deploy refused:\n${describeFailures(checks)}`);
      step.summary = 'all checks passed';
    });
    checkpoint();

    if (run.pull) {
      state.fetched = await runner.run('fetch', 'git fetch', async (step) => {
        const source = await resolvePullSource(config.repoRoot, { remote: deploy.remote, branch: deploy.branch });
        if (!source) throw new Error('HEAD is detached: there is no branch to pull');
        const fetched = await fetchIncoming(config.repoRoot, source);
        step.note({ remote: source.remote, branch: source.branch, ...fetched });
        if (!fetched.fastForward) throw new Error(`${source.remote}/${source.branch} (${fetched.incoming.slice(0, 12)}) is not ahead of HEAD (${fetched.before.slice(0, 12)}): the histories diverged, git pull --ff-only would refuse. Nothing was changed`);
        step.summary = fetched.commits ? `${source.remote}/${source.branch} is ${fetched.commits} commit${fetched.commits === 1 ? '' : 's'} ahead: ${fetched.incoming.slice(0, 12)}` : `already up to date at ${fetched.incoming.slice(0, 12)}`;
        return fetched;
      });
      checkpoint();
    }

    // Before anything goes down: a refusal here leaves the application running its code, the checkout untouched.
    const incoming = state.fetched && state.fetched.incoming !== state.fetched.before ? state.fetched.incoming : null;
    await runner.run('lock-safety', `lock safety of ${incoming ? `the fetched ${incoming.slice(0, 12)}` : 'the checkout'} (the application still runs)`, async (step) => {
      let assessment;
      try {
        assessment = await assessIncomingCode({ config, env, settings, alias: input.alias, secrets: run.secrets, allowBlocking: Boolean(options.allowBlocking), commit: incoming, onScratchNamed: (name) => step.note({ scratchDatabase: name }, true) });
      } catch (error) {
        // Django could not run on the fetched code apart from the checkout: assessed after the pull instead.
        // (On the checkout itself it would fail after the stop just the same: refused now.)
        if (!(error instanceof ProbeError) || !incoming) throw error;
        const why = `${error.message}${error.output ? `: ${error.output.split('\n').slice(-1)[0]}` : ''}`;
        step.note({ commit: incoming, deferred: why });
        output.line('warn', `could not assess the fetched code before stopping the application (${why}); its lock safety is checked after the pull`);
        step.summary = 'deferred until after the pull';
        return;
      }
      const { probe, lockSafety } = assessment;
      step.note({ commit: incoming ?? state.fetched?.before ?? null, pending: probe.pending.map(migrationId), ...(lockSafety?.journal ?? {}) });
      refuseUnmigratable(probe);
      if (!lockSafety) {
        state.assessedPending = [];
        step.summary = 'nothing pending';
        return;
      }
      for (const line of lockSafety.lines) output.detail(line);
      if (lockSafety.refusal) throw lockSafety.refusal;
      state.assessedPending = probe.pending.map(migrationId);
      step.summary = summarizeLockSafety(lockSafety);
    });
    checkpoint();

    const down = downCommands(deploy);
    if (down.length === 0) output.line('warn', 'no serviceStop/maintenanceOn configured: the application keeps running during the deploy, and writes made after the backup are lost if it has to be restored');
    for (const command of down) {
      state.wentDown = true;
      await runServiceStep(run, runner, command);
      checkpoint();
    }

    if (state.fetched) {
      const fetched = state.fetched;
      state.pulled = await runner.run('pull', `git merge --ff-only ${fetched.incoming.slice(0, 12)} (the commit fetched and assessed)`, async (step) => {
        step.note({ before: await headCommit(config.repoRoot), target: fetched.incoming }, true);
        const result = await fastForwardTo(config.repoRoot, fetched.incoming);
        step.note({ before: result.before, after: result.after, commits: result.commits });
        step.summary = result.commits ? `${result.before.slice(0, 12)} → ${result.after.slice(0, 12)} (${result.commits} commit${result.commits === 1 ? '' : 's'})` : `already up to date at ${result.after.slice(0, 12)}`;
        return result;
      });
    } else {
      runner.skip('pull', 'git pull', options.pull ? 'disabled by "deploy.pull": false' : '--no-pull');
    }
    checkpoint();

    const probe = await runner.run('migrations', 'where migrations stand', async (step) => {
      const result = await probeMigrations(config, { sql: true, env, secrets, alias: input.alias });
      const applied = result.plan.filter((node) => node.applied).length;
      const appliedMissingOnDisk = appliedMissingFromPlan(result.applied, result.plan);
      step.note({ applied, pending: result.pending.map(migrationId), unknownApplied: appliedMissingOnDisk });
      for (const item of result.pending) output.detail(`[ ] ${migrationId(item)}${item.operations.length ? `  (${item.operations.slice(0, 3).join('; ')}${item.operations.length > 3 ? '; …' : ''})` : ''}`);
      if (appliedMissingOnDisk.length) output.line('warn', `the database has migrations the code does not: ${appliedMissingOnDisk.join(', ')} (deployed from another branch?)`);
      refuseUnmigratable(result);
      step.summary = `${applied} applied, ${result.pending.length} pending`;
      return result;
    });
    state.probe = probe;
    checkpoint();

    const pendingNow = probe.pending.map(migrationId);
    if (probe.pending.length && JSON.stringify(pendingNow) !== JSON.stringify(state.assessedPending)) {
      // Assessed on other migrations, or not at all (Django could not run on the fetched code alone): check them now.
      if (state.assessedPending) output.line('warn', `the pending migrations differ from those assessed before the stop (${state.assessedPending.join(', ') || 'none'}): assessing them again`);
      await runner.run('lock-safety', 'lock safety (after the pull)', async (step) => {
        const outcome: LockSafetyOutcome = await checkLockSafety({ config, env, settings, alias: input.alias, probe, secrets: run.secrets, allowBlocking: Boolean(options.allowBlocking), onScratchNamed: (name) => step.note({ scratchDatabase: name }, true) });
        step.note(outcome.journal);
        for (const line of outcome.lines) output.detail(line);
        if (outcome.refusal) throw outcome.refusal;
        step.summary = summarizeLockSafety(outcome);
      });
      checkpoint();
    }

    if (probe.pending.length === 0) {
      runner.skip('backup', 'backup', 'nothing to migrate');
      runner.skip('migrate', 'migrate', 'nothing to migrate');
    } else {
      const revision = (state.pulled?.before ?? (await headCommit(config.repoRoot))).slice(0, 12);
      state.backup = await runner.run('backup', 'backup', async (step) => {
        const info = await takeBackup({
          settings,
          dir: backupDir,
          gitRevision: revision,
          keep: deploy.keep,
          env,
          onDumpSpawn: (pid, tempFile) => step.note({ tempFile, dumpPid: pid, dumpStartTicks: pid ? identityOf(pid).startTicks : null }, true),
        });
        step.note({ path: info.path, state: info.statePath, bytes: info.compressedBytes, sqlBytes: info.sqlBytes, exact: info.exact, removedByRetention: info.removedByRetention });
        if (!info.exact) output.line('warn', `the database changed while the dump ran (${info.changedDuringDump.slice(0, 3).join('; ')}): something is still writing; a restore can then be checked for schema, not data`);
        if (info.removedByRetention.length) output.detail(`retention (keep ${deploy.keep}): removed ${info.removedByRetention.map((file) => path.basename(file)).join(', ')}`);
        step.summary = `${info.path} (${formatBytes(info.compressedBytes)}, verified: gzip intact, dump complete, fsynced)`;
        return info;
      });
      await runner.run('sqlmigrate', 'sqlmigrate record', async (step) => {
        const file = await writePendingSql(state.backup!.path, probe, { revision: state.pulled?.after ?? (await headCommit(config.repoRoot)) });
        step.note({ file });
        step.summary = file;
      });
      checkpoint();

      state.migrateStarted = true;
      await runner.run('migrate', 'migrate', async (step) => {
        output.detail(`python manage.py migrate --noinput${run.migrateArgs.length ? ` ${run.migrateArgs.join(' ')}` : ''}`);
        const watched = { settings, lockWaitSeconds: deploy.lockWaitSeconds, killBlockers: Boolean(options.killBlockers), output, onWait: 'stop' as const, note: (detail: Record<string, unknown>) => step.note(detail, true) };
        const { value: result, stopped } = await withLockWatchdog(watched, () =>
          runManagePy(config, ['migrate', '--noinput', '--database', input.alias, ...run.migrateArgs], {
            live: true,
            env,
            onSpawn: (pid) => step.note({ pid, startTicks: identityOf(pid).startTicks }, true),
          }),
        );
        step.note({ exitCode: result.exitCode ?? null, signal: result.signal ?? null });
        if (result.exitCode !== 0 && stopped) throw new Error(`stopped by the lock watchdog: ${describeWatchdogEvent(stopped)}`);
        if (result.exitCode !== 0) throw new Error(`manage.py migrate failed (${result.exitCode === undefined ? `signal ${result.signal}` : `exit ${result.exitCode}`})`);
        step.summary = `${probe.pending.length} migration${probe.pending.length === 1 ? '' : 's'} applied`;
      });
      checkpoint();
    }

    await runner.run('verify', 'verify', async (step) => {
      const result = await withConnection(settings, (connection) => verifyDeployment(config, connection, probe.plan, { env, secrets }));
      step.note({ problems: result.problems, makemigrationsExit: result.modelCheck.exitCode, fileCheckUnavailable: result.fileCheckUnavailable });
      if (result.fileCheckUnavailable) output.line('warn', `could not cross-check against the migration files (${result.fileCheckUnavailable}); Django's own plan was checked`);
      if (result.problems.length) {
        if (result.modelCheck.status !== 'ok' && result.modelCheck.output) output.detail(result.modelCheck.output.split('\n').slice(-15).join('\n'));
        throw new Error(result.problems.join('; '));
      }
      step.summary = `all ${probe.plan.length} migrations applied (Django's plan and the migration files agree with django_migrations); makemigrations --check: no changes`;
    });
    state.outcome = probe.pending.length ? 'deployed' : 'nothing-to-migrate';
  } catch (error) {
    await handleFailure(error, { run, runner, state });
  } finally {
    await bringServiceUp({ run, runner, state });
    journal.appendBestEffort({ event: 'deploy-finished', detail: { outcome: state.outcome, exitCode: state.exitCode, failedStep: state.failedStep, failure: state.failure, backup: state.backup?.path ?? null } });
    printSummary(output, state, journal.file, config.repoRoot);
  }
  return state.exitCode;
}

async function handleFailure(error: unknown, context: { run: LockedRun; runner: StepRunner; state: RunState }): Promise<void> {
  const { run, runner, state } = context;
  const { config, settings, env } = run.input;
  // On a terminal, Ctrl-C reaches migrate too: it then fails on its own, but the deploy was still interrupted.
  const interrupted = error instanceof InterruptedError || run.guard.received !== null;
  state.failure = (error as Error).message ?? String(error);
  if (interrupted && !(error instanceof InterruptedError)) state.failure = `interrupted by ${run.guard.received}: ${state.failure}`;
  state.failedStep = runner.failedStep ?? runner.lastStep ?? 'deploy';

  if (state.migrateStarted && state.backup) {
    try {
      const backup = state.backup;
      const watched = { settings, lockWaitSeconds: config.raw.deploy.lockWaitSeconds, killBlockers: Boolean(run.input.options.killBlockers), output: run.output, onWait: 'report' as const, note: (detail: Record<string, unknown>) => runner.journal.appendBestEffort({ event: 'step', step: 'restore', status: 'started', detail }) };
      await withLockWatchdog(watched, () => restoreAsStep(runner, `restore ${path.basename(backup.path)}`, settings, backup.path, { env, stateBefore: backup.state, output: run.output }));
      state.outcome = interrupted ? 'interrupted-restored' : 'failed-restored';
      state.exitCode = interrupted ? ExitCode.interrupted : ExitCode.findings;
    } catch (restoreError) {
      state.outcome = 'restore-failed';
      state.exitCode = ExitCode.restoreFailed;
      state.notes.push(`RESTORE FAILED: ${(restoreError as Error).message}. The database is in an unknown state; the checkout was left at the new code. Restore by hand: migration-guard restore-backup ${state.backup.path}`);
      return;
    }
  } else if (state.failedStep === 'verify') {
    // Nothing was pending, so nothing was migrated: there is nothing to restore.
    state.outcome = 'verify-failed-nothing-migrated';
    state.exitCode = ExitCode.findings;
  } else {
    state.outcome = interrupted ? 'interrupted-before-migrate' : 'aborted-before-migrate';
    state.exitCode = interrupted ? ExitCode.interrupted : ExitCode.cannotRun;
  }

  if (state.pulled && state.pulled.before !== state.pulled.after) {
    const pulled = state.pulled;
    try {
      await runner.run('revert-code', `move the checkout back to ${pulled.before.slice(0, 12)}`, async (step) => {
        await moveCheckoutBack(config.repoRoot, pulled.before);
        step.note({ from: pulled.after, to: pulled.before });
        step.summary = `the code matches the database again (the pull had brought ${pulled.after.slice(0, 12)})`;
      }, { bestEffortJournal: true });
    } catch {
      state.notes.push(`The checkout could not be moved back to ${pulled.before}: run git -C ${config.repoRoot} reset --keep ${pulled.before}`);
    }
  }
}

async function bringServiceUp(context: { run: LockedRun; runner: StepRunner; state: RunState }): Promise<void> {
  const { run, runner, state } = context;
  const { config, options } = run.input;
  const deploy = config.raw.deploy;
  if (!state.wentDown && !run.recovery.serviceLeftStopped) return;
  const up = upCommands(deploy);
  if (options.leaveStopped) {
    for (const command of up) runner.skip(command.step, command.step, `--leave-stopped: run \`${command.command}\` when ready`);
    return;
  }
  for (const command of up) {
    try {
      await runServiceStep(run, runner, command, { bestEffortJournal: true });
    } catch {
      state.notes.push(`${command.step} failed: the application may be down. Run: ${command.command}`);
      if (state.exitCode === ExitCode.ok) {
        state.exitCode = ExitCode.findings;
        state.outcome = `${state.outcome}-but-${command.step}-failed`;
      }
    }
  }
}

/** One serviceStop/maintenanceOn/serviceStart/maintenanceOff command as a journalled step; throws when it fails. */
async function runServiceStep(run: LockedRun, runner: StepRunner, command: ServiceCommand, options: { bestEffortJournal?: boolean } = {}): Promise<void> {
  const { config } = run.input;
  await runner.run(command.step, `${command.step} (${command.command})`, async (step) => {
    const result = await runServiceCommand(command, { cwd: config.repoRoot, timeoutSeconds: config.raw.deploy.commandTimeout, secrets: run.secrets });
    if (result.output) run.output.detail(result.output);
    step.note({ exitCode: result.exitCode });
    if (!result.ok) throw new Error(`\`${command.command}\` failed: ${result.problem}`);
  }, options);
}

function printSummary(output: DeployOutput, state: RunState, journalFile: string, repoRoot: string): void {
  output.blank();
  if (state.failure?.includes('\n')) state.failure = `${state.failure.split('\n')[0]!.replace(/:$/, '')} (details above)`;
  const backup = state.backup ? `Backup: ${state.backup.path}` : 'No backup was needed (nothing to migrate).';
  switch (state.outcome) {
    case 'deployed':
      output.line('ok', `Deployed: ${state.probe?.pending.length ?? 0} migration(s) applied and verified. ${backup}`);
      break;
    case 'nothing-to-migrate':
      output.line('ok', 'Deployed: no migrations were pending; verify passed.');
      break;
    case 'interrupted-restored':
      output.line('failed', `Deploy INTERRUPTED (${state.failure}) after step "${state.failedStep}"`);
      output.detail(`The database was restored from ${state.backup!.path} and verified equal to its state before the deploy.`);
      break;
    case 'failed-restored':
      output.line('failed', `Deploy FAILED at ${state.failedStep}: ${state.failure}`);
      output.detail(`The database was restored from ${state.backup!.path} and verified equal to its state before the deploy.`);
      break;
    case 'restore-failed':
      output.line('failed', `Deploy FAILED at ${state.failedStep}: ${state.failure}`);
      break;
    case 'verify-failed-nothing-migrated':
      output.line('failed', `Deploy FAILED at verify: ${state.failure}`);
      output.detail('Nothing was migrated, so nothing was restored.');
      break;
    default:
      if (state.outcome.startsWith('interrupted') || state.outcome.startsWith('aborted')) {
        output.line('failed', state.outcome.startsWith('interrupted') ? `Deploy INTERRUPTED (${state.failure}) after step "${state.failedStep}"` : `Deploy stopped at ${state.failedStep}: ${state.failure}`);
        output.detail('Nothing was migrated; the database is unchanged.');
        if (!state.wentDown && !state.pulled) output.detail('The application was not stopped and the checkout did not move.');
      } else {
        output.line('warn', `Deploy finished with problems (${state.outcome}).`);
      }
  }
  if (state.pulled && state.exitCode !== ExitCode.ok && state.exitCode !== ExitCode.restoreFailed) output.detail(`Checkout: back at ${state.pulled.before.slice(0, 12)} (${repoRoot}).`);
  for (const note of state.notes) output.detail(note);
  output.detail(`Journal: ${journalFile}`);
}
