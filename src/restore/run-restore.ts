// The restore, step by step: refuse what is unsafe, lock, settle leftovers, confirm, load into a staging
// database and extract media beside the target (the developer's copies untouched so far), check and
// sanitize, then journal and swap both in. Any failure before the journal's commit puts everything back.
import { ExitCode } from '../exit-codes.js';
import { quoteIdentifier, type Connection } from '../db/connect.js';
import { describeConnection } from '../db/connection-settings.js';
import { UserError } from '../errors.js';
import { confirmByTypingName, requireConfirmationPossible } from './confirm.js';
import { listBaseTables } from './database-objects.js';
import { createDatabaseLike, finishSwap, prepareRestoreSwap } from './database-swap.js';
import { faultPoint } from './fault-points.js';
import { secondsSince } from './format.js';
import { formatBytes } from '../ui/format-bytes.js';
import { removeJournal, type DatabaseSwapRecord, type MediaSwapRecord } from './journal.js';
import { runJournaledSwap } from './journaled-swap.js';
import { recordLastRestore } from './last-restore.js';
import { loadDump, type DumpLoadResult } from './load/load-dump.js';
import { createStagingAccount, dropStagingAccount } from './load/staging-account.js';
import { extractTarball, type ExtractResult } from './media-extract.js';
import { checkMediaTarget, directoryIdentity, planRestoreSwap, removeTree } from './media-swap.js';
import { refuseDangerousMediaTarget } from './media-target.js';
import { mediaStagingDir, previousDatabaseName, previousMediaDir, stagingDatabaseName } from './names.js';
import { resolvePlan, type PlanRequest, type RestorePlan } from './plan.js';
import { checkRestoreAllowed } from './safety.js';
import { applySanitizeRules, type SanitizeOutcome } from './sanitize.js';
import type { InterruptTrap } from '../interrupts/interrupt-trap.js';
import { withRestoreSession, type RestoreIO } from './session.js';

export type { RestoreIO } from './session.js';
import { checkStaging, type StagingFacts } from './staging-checks.js';
import { InterruptedError } from '../interrupts/interrupted-error.js';

export interface RestoreOptions extends PlanRequest {
  yes: boolean;
  allowRemoteTarget: boolean;
}

export interface DatabaseSummary extends StagingFacts {
  source: string;
  target: string;
  kept: string;
  compression: string;
  sourceBytes: number;
  sqlBytes: number;
  definersRemoved: number;
  /** The account the dump was loaded through: a temporary one limited to the staging database, or yours. */
  loadedThrough: string;
  sanitized: SanitizeOutcome[];
  seconds: number;
}

export interface MediaSummary {
  source: string;
  target: string;
  kept: string | null;
  compression: string;
  sourceBytes: number;
  files: number;
  directories: number;
  links: number;
  bytes: number;
  seconds: number;
}

export interface RestoreSummary {
  operation: 'restore';
  notes: string[];
  database?: DatabaseSummary;
  media?: MediaSummary;
  seconds: number;
}

/** Runs a restore; returns what was restored or throws a UserError with everything as it was. */
export async function runRestore(io: RestoreIO, options: RestoreOptions): Promise<RestoreSummary> {
  const started = performance.now();
  const mediaDir = options.media ? await io.mediaDir() : null;
  const plan = resolvePlan(io.config, io.env, io.cwd, io.settings, { ...options, mediaDir });
  const target = plan.target;
  await checkRestoreAllowed({ config: io.config, target, production: plan.database?.production, allowRemoteTarget: options.allowRemoteTarget, action: 'restore into' });
  if (plan.mediaDir) {
    refuseDangerousMediaTarget(plan.mediaDir, io.config, io.env);
    checkMediaTarget(plan.mediaDir);
  }
  requireConfirmationPossible(options.yes, `replace ${describeConnection(target)}`);
  stagingDatabaseName(target.database); // a name too long fails now, not after the download

  return withRestoreSession(io, target, plan.mediaDir, 'restore-from-prod', plan.notes, async ({ connection, stateDir, trap, notes }) => {
    trap.check();
    await confirmPlan(plan, connection, options.yes);
    trap.check();
    const result = await restoreWithCleanup(io, plan, connection, stateDir, trap);
    return { operation: 'restore', notes, ...result, seconds: secondsSince(started) };
  });
}

async function confirmPlan(plan: RestorePlan, connection: Connection, yes: boolean): Promise<void> {
  const [dbProbe, mediaProbe] = await Promise.all([plan.database?.probe(), plan.media?.probe()]);
  if (yes) return;
  const tables = plan.database ? (await listBaseTables(connection, plan.target.database)).length : 0;
  const lines = ['restore-from-prod will replace'];
  if (plan.database) {
    lines.push(`  database  ${describeConnection(plan.target)} (${tables} tables now)`);
    lines.push(`      with  ${plan.database.description} (${formatBytes(dbProbe?.size)})`);
  }
  if (plan.media && plan.mediaDir) {
    lines.push(`  media     ${plan.mediaDir}${directoryIdentity(plan.mediaDir) ? '' : ' (does not exist yet)'}`);
    lines.push(`      with  ${plan.media.description} (${formatBytes(mediaProbe?.size)})`);
  }
  lines.push(`Your current copy is kept as ${[plan.database ? `database "${previousDatabaseName(plan.target.database)}"` : '', plan.mediaDir ? previousMediaDir(plan.mediaDir) : ''].filter(Boolean).join(' and ')} until the next restore (restore-from-prod --undo brings it back).`);
  await confirmByTypingName(lines, plan.target.database, false);
}

interface Staged {
  staging?: string;
  loadAccount?: string;
  mediaTemp?: string;
  load?: DumpLoadResult;
  facts?: StagingFacts;
  sanitized: SanitizeOutcome[];
  extract?: ExtractResult;
  databaseSeconds: number;
  mediaSeconds: number;
}

async function restoreWithCleanup(io: RestoreIO, plan: RestorePlan, connection: Connection, stateDir: string, trap: InterruptTrap): Promise<Pick<RestoreSummary, 'database' | 'media'>> {
  const staged: Staged = { sanitized: [], databaseSeconds: 0, mediaSeconds: 0 };
  try {
    await stageDatabase(io, plan, connection, stateDir, staged, trap);
    await stageMedia(io, plan, staged, trap);
    await swapIn(io, plan, connection, stateDir, staged, trap);
  } catch (error) {
    io.progress.abandon(error instanceof InterruptedError ? 'interrupted' : 'failed');
    if (error instanceof UserError && error.exitCode === ExitCode.restoreFailed) throw error;
    // Before the journal's commit the developer's copies were never touched, or have been put back:
    // only the staging copies remain, and they go now (the next run would remove them too).
    if (staged.staging) await connection.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(staged.staging)}`).catch(() => {});
    if (staged.mediaTemp) await removeTree(staged.mediaTemp).catch(() => {});
    throw error;
  }
  const database: DatabaseSummary | undefined =
    plan.database && staged.load && staged.facts
      ? {
          source: plan.database.description,
          target: plan.target.database,
          kept: previousDatabaseName(plan.target.database),
          compression: staged.load.compression,
          sourceBytes: staged.load.sourceBytes,
          sqlBytes: staged.load.sqlBytes,
          definersRemoved: staged.load.filter.definersRemoved,
          loadedThrough: staged.loadAccount ?? '',
          sanitized: staged.sanitized,
          seconds: staged.databaseSeconds,
          ...staged.facts,
        }
      : undefined;
  const media: MediaSummary | undefined =
    plan.media && plan.mediaDir && staged.extract
      ? {
          source: plan.media.description,
          target: plan.mediaDir,
          kept: directoryIdentity(previousMediaDir(plan.mediaDir)) ? previousMediaDir(plan.mediaDir) : null,
          compression: staged.extract.compression,
          sourceBytes: staged.extract.sourceBytes,
          files: staged.extract.files,
          directories: staged.extract.directories,
          links: staged.extract.links,
          bytes: staged.extract.bytes,
          seconds: staged.mediaSeconds,
        }
      : undefined;
  return { database, media };
}

async function stageDatabase(io: RestoreIO, plan: RestorePlan, connection: Connection, stateDir: string, staged: Staged, trap: InterruptTrap): Promise<void> {
  if (!plan.database) return;
  const started = performance.now();
  const staging = stagingDatabaseName(plan.target.database);
  await createDatabaseLike(connection, staging, plan.target.database);
  staged.staging = staging;
  // Containment: the dump is loaded through an account that can reach the staging database only, when
  // yours may create one; the statement check and --local-infile=0 hold either way.
  const outcome = await createStagingAccount(connection, stateDir, plan.target, staging);
  staged.loadAccount = outcome.account ? `a temporary account with privileges on "${staging}" only` : `your own account (${outcome.reason})`;
  if (!outcome.account) io.say(`Loading through your own account: ${outcome.reason}. The statement check keeps the dump to the staging database.`);
  const { size } = await plan.database.probe().catch(() => ({ size: undefined }));
  io.progress.start(`Loading the database from ${plan.database.description}`, size);
  try {
    staged.load = await loadDump({
      source: plan.database,
      staging: outcome.account?.settings ?? { ...plan.target, database: staging },
      parallel: plan.parallel,
      signal: trap.signal,
      stallTimeout: io.config.raw.restore.stallTimeout,
      onProgress: (bytes) => io.progress.update(bytes),
    });
  } finally {
    if (outcome.account) await dropStagingAccount(connection, stateDir, outcome.account);
  }
  io.progress.finish(`${formatBytes(staged.load.sourceBytes)} read, ${formatBytes(staged.load.sqlBytes)} of SQL loaded`);
  await faultPoint('loaded');
  trap.check();
  io.progress.start('Checking the restored copy', undefined, false);
  staged.facts = await checkStaging(connection, staging, io.config.raw.restore.database.expectedTables);
  io.progress.finish(`${staged.facts.tables} tables, about ${staged.facts.approximateRows} rows, ${staged.facts.appliedMigrations} applied migrations`);
  const rules = io.config.raw.restore.sanitize;
  if (rules.length > 0) {
    io.progress.start(`Sanitizing (${rules.length} rule${rules.length === 1 ? '' : 's'})`, undefined, false);
    staged.sanitized = await applySanitizeRules(connection, staging, rules);
    io.progress.finish(staged.sanitized.map((outcome) => `${outcome.rule}: ${outcome.rows} rows`).join(', '));
  }
  staged.databaseSeconds = secondsSince(started);
  trap.check();
}

async function stageMedia(io: RestoreIO, plan: RestorePlan, staged: Staged, trap: InterruptTrap): Promise<void> {
  if (!plan.media || !plan.mediaDir) return;
  const started = performance.now();
  const dir = mediaStagingDir(plan.mediaDir);
  staged.mediaTemp = dir;
  const { size } = await plan.media.probe().catch(() => ({ size: undefined }));
  io.progress.start(`Extracting media from ${plan.media.description}`, size);
  staged.extract = await extractTarball({
    source: plan.media,
    dir,
    stripComponents: io.config.raw.restore.media.stripComponents,
    signal: trap.signal,
    stallTimeout: io.config.raw.restore.stallTimeout,
    onProgress: (bytes) => io.progress.update(bytes),
  });
  io.progress.finish(`${staged.extract.files} files, ${formatBytes(staged.extract.bytes)}`);
  staged.mediaSeconds = secondsSince(started);
  await faultPoint('extracted');
  trap.check();
}

async function swapIn(io: RestoreIO, plan: RestorePlan, connection: Connection, stateDir: string, staged: Staged, trap: InterruptTrap): Promise<void> {
  io.progress.start('Swapping the restored copy in', undefined, false);
  let databaseRecord: DatabaseSwapRecord | undefined;
  let mediaRecord: MediaSwapRecord | undefined;
  if (staged.staging) databaseRecord = await prepareRestoreSwap(connection, plan.target, staged.staging);
  if (staged.mediaTemp && plan.mediaDir) {
    await removeTree(previousMediaDir(plan.mediaDir));
    mediaRecord = planRestoreSwap(plan.mediaDir, staged.mediaTemp);
  }
  trap.check();
  await runJournaledSwap(connection, stateDir, trap, { operation: 'restore', database: databaseRecord, media: mediaRecord });
  // Committed: what is left is cleanup, which the next run finishes if this one dies now.
  staged.staging = undefined;
  staged.mediaTemp = undefined;
  await recordLastRestore(stateDir, { database: databaseRecord !== undefined, media: mediaRecord !== undefined }, new Date().toISOString());
  if (databaseRecord) await finishSwap(connection, databaseRecord);
  await removeJournal(stateDir);
  io.progress.finish('done');
}
