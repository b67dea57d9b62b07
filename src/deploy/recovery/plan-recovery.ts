// What a rerun must do about a deploy that never finished (kill -9, power loss), read from its journal.
import { journalProcess, stepDetail, stepStatus, type JournalSummary } from '../journal/journal-reader.js';
import type { ProcessIdentity } from '../../locks/process-identity.js';

export type RecoveryAction =
  /** Nothing was migrated: remove leftovers, move the checkout back if it was pulled. */
  | 'nothing-to-undo'
  /** migrate (or a restore) started and did not finish cleanly: restore the deploy's backup. */
  | 'restore'
  /** migrate finished, verify never ran to the end: run verify now; restore if it fails. */
  | 'verify'
  /** migrate and verify finished: only the end (service start) is missing. */
  | 'completed'
  /** The failure path had already restored the backup: only the clean-up is missing. */
  | 'already-restored';

export interface RecoveryPlan {
  journal: string;
  deployId: string;
  /** The step that started and never ended (null when it died between steps). */
  interruptedStep: string | null;
  lastStep: string | null;
  process: ProcessIdentity | null;
  action: RecoveryAction;
  /** The backup taken by the interrupted deploy, if it got that far. */
  backup: string | null;
  /** The unfinished backup file to remove. */
  tempFile: string | null;
  /** The pull it did: the checkout moves back to `before` when the database ends up as it was. */
  pulled: { before: string; after: string } | null;
  /** It stopped the service (or switched maintenance on) and never brought it back. */
  serviceLeftStopped: boolean;
  /** The lock-safety step's scratch database, when it died before dropping it. */
  scratchDatabase: string | null;
  /** Child processes it started; if any still runs, recovery must wait. */
  children: Array<{ step: string; what: string; identity: ProcessIdentity }>;
}

/** Decides the recovery from the interrupted deploy's journal. */
export function planRecovery(summary: JournalSummary): RecoveryPlan {
  const migrate = stepStatus(summary, 'migrate');
  const verify = stepStatus(summary, 'verify');
  const restore = stepStatus(summary, 'restore');
  const backupDetail = stepDetail(summary, 'backup');
  const pullDetail = stepDetail(summary, 'pull');
  const process = journalProcess(summary);

  let action: RecoveryAction;
  if (restore === 'ok') action = 'already-restored';
  else if (restore !== null) action = 'restore';
  else if (migrate === null) action = 'nothing-to-undo';
  else if (migrate === 'ok' && verify === 'ok') action = 'completed';
  else if (migrate === 'ok' && verify !== 'failed') action = 'verify';
  else action = 'restore';

  const children: RecoveryPlan['children'] = [];
  const host = process?.host ?? '';
  const migrateDetail = stepDetail(summary, 'migrate');
  if (typeof migrateDetail.pid === 'number' && migrate !== 'ok' && migrate !== 'failed') {
    children.push({ step: 'migrate', what: 'manage.py migrate', identity: { pid: migrateDetail.pid, host, startTicks: (migrateDetail.startTicks as string | null) ?? null } });
  }
  const restoreDetail = stepDetail(summary, 'restore');
  if (typeof restoreDetail.clientPid === 'number' && restore === 'started') {
    children.push({ step: 'restore', what: 'the restore (mariadb client loading the backup)', identity: { pid: restoreDetail.clientPid, host, startTicks: (restoreDetail.clientStartTicks as string | null) ?? null } });
  }
  if (typeof backupDetail.dumpPid === 'number' && stepStatus(summary, 'backup') === 'started') {
    children.push({ step: 'backup', what: 'the database dump', identity: { pid: backupDetail.dumpPid, host, startTicks: (backupDetail.dumpStartTicks as string | null) ?? null } });
  }

  const left = (down: string, up: string) => stepStatus(summary, down) !== null && stepStatus(summary, up) !== 'ok';
  const serviceLeftStopped = left('service-stop', 'service-start') || left('maintenance-on', 'maintenance-off');
  const pulled = stepStatus(summary, 'pull') === 'ok' && typeof pullDetail.before === 'string' && typeof pullDetail.after === 'string' && pullDetail.before !== pullDetail.after && stepStatus(summary, 'revert-code') !== 'ok'
    ? { before: pullDetail.before, after: pullDetail.after }
    : null;

  return {
    journal: summary.file,
    deployId: summary.id,
    interruptedStep: summary.interruptedStep,
    lastStep: summary.steps.at(-1)?.step ?? null,
    process,
    action,
    backup: typeof backupDetail.path === 'string' && stepStatus(summary, 'backup') === 'ok' ? backupDetail.path : null,
    tempFile: typeof backupDetail.tempFile === 'string' && stepStatus(summary, 'backup') !== 'ok' ? backupDetail.tempFile : null,
    pulled,
    serviceLeftStopped,
    scratchDatabase: stepStatus(summary, 'lock-safety') === 'started' && typeof stepDetail(summary, 'lock-safety').scratchDatabase === 'string' ? (stepDetail(summary, 'lock-safety').scratchDatabase as string) : null,
    children,
  };
}

/** One sentence for the operator: what the interrupted deploy was doing and what the rerun does about it. */
export function describeRecovery(plan: RecoveryPlan): string {
  const where = plan.interruptedStep ? `during "${plan.interruptedStep}"` : plan.lastStep ? `after "${plan.lastStep}"` : 'before its first step';
  const who = plan.process ? `pid ${plan.process.pid}${plan.process.host ? ` on ${plan.process.host}` : ''}` : 'unknown process';
  const what: Record<RecoveryAction, string> = {
    'nothing-to-undo': 'Nothing had been migrated, so nothing needs restoring',
    restore: `The database may be half-migrated: restoring its backup ${plan.backup ?? '(none recorded!)'}`,
    verify: 'migrate had finished: verifying it now (restoring the backup if that fails)',
    completed: 'migrate and verify had finished: only starting the service was left',
    'already-restored': 'Its backup had already been restored',
  };
  return `The previous deploy ${plan.deployId} (${who}) did not finish: it stopped ${where}. ${what[plan.action]}.`;
}
