// Turns an ssh exit into a message naming the host and the step that failed.
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import { lastLine, type SpawnedOutcome } from './spawned-source.js';
import { sshLabel, type SshTarget } from './source-spec.js';

/** The command a user can run to see whether ssh to the target works at all. */
export function sshCheckCommand(target: SshTarget): string {
  return ['ssh', ...(target.port ? ['-p', String(target.port)] : []), ...(target.identityFile ? ['-i', target.identityFile] : []), ...(target.user ? ['-l', target.user] : []), target.host, 'true'].join(' ');
}

/** A UserError for a failed ssh run, or null for exit 0. `what` names the remote step ("reading /x.sql.gz"). */
export function explainSshOutcome(target: SshTarget, what: string, outcome: SpawnedOutcome): UserError | null {
  if (outcome.code === 0) return null;
  const where = sshLabel(target);
  const detail = lastLine(outcome.stderr);
  if (outcome.signal) return new UserError(`ssh to ${where} was killed (${outcome.signal}) while ${what}.`, { fix: `Run the restore again; if it happens again, check the connection with: ${sshCheckCommand(target)}`, exitCode: ExitCode.findings });
  if (outcome.code === 255) {
    return new UserError(`ssh to ${where} failed while ${what}: ${detail || 'connection closed'}.`, {
      fix: `Check that this works without a password prompt: ${sshCheckCommand(target)}`,
      exitCode: ExitCode.findings,
    });
  }
  return new UserError(`${what} on ${where} failed (exit ${outcome.code}): ${detail || 'no message'}.`, { fix: `Fix the cause the remote message names on ${where} (a path, its permissions), then run the restore again.`, exitCode: ExitCode.findings });
}
