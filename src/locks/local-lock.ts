// The lock file beside the backups: one deploy (or restore) at a time on this machine, with the holder's pid.
import { openSync, readFileSync, statSync, unlinkSync, writeSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { currentProcessIdentity, processState, type ProcessIdentity } from './process-identity.js';

export interface LockHolder extends ProcessIdentity {
  command: string;
  startedAt: string;
  /** The journal of the deploy holding the lock, when it is a deploy. */
  journal?: string;
}

export interface LocalLock {
  file: string;
  /** A lock left behind by a process that is gone (kill -9, power loss): taken over, reported here. */
  stale: LockHolder | null;
  release(): void;
}

const UNREADABLE_GRACE_MS = 5_000;

/** The lock file's name in the backup directory, shared by deploy and restore-backup. */
export const LOCK_FILE_NAME = 'deploy.lock';

/** The lock file of the backup directory `backupDir`. */
export function deployLockPath(backupDir: string): string {
  return path.join(backupDir, LOCK_FILE_NAME);
}

export interface LocalLockDetails {
  /** Recorded in the lock file, and named to whoever finds it held. */
  command: string;
  journal?: string;
  /** How a refusal starts; by default "Another deploy or restore holds the lock <file>". */
  refusal?: string;
}

/** Takes the lock file, or throws a UserError naming the live holder. A dead holder's lock is taken over. */
export function acquireLocalLock(file: string, details: LocalLockDetails): LocalLock {
  const lockedError = (why: string) => refusedError(file, why, details.refusal);
  const mine: LockHolder = { ...currentProcessIdentity(), command: details.command, startedAt: new Date().toISOString(), journal: details.journal };
  let stale: LockHolder | null = null;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(file, mine)) return { file, stale, release: () => releaseIfMine(file, mine) };
    const holder = readHolder(file);
    if (holder === 'missing') continue;
    if (holder === 'unreadable') {
      if (Date.now() - mtimeMs(file) < UNREADABLE_GRACE_MS) throw lockedError('another process is creating it right now');
      unlinkSync(file);
      continue;
    }
    const state = processState(holder);
    if (state === 'running') throw lockedError(`${holder.command} is running as pid ${holder.pid} since ${holder.startedAt}${holder.journal ? ` (journal: ${holder.journal})` : ''}`);
    if (state === 'other-host') throw lockedError(`it was taken on host ${holder.host} by pid ${holder.pid} at ${holder.startedAt}, which cannot be checked from here`);
    stale = holder;
    unlinkSync(file);
  }
  throw lockedError('it keeps being taken by another process');
}

/** The current holder of the lock file, without taking it (for `deploy --plan`). */
export function inspectLocalLock(file: string): { holder: LockHolder; state: ReturnType<typeof processState> } | null {
  const holder = readHolder(file);
  if (holder === 'missing' || holder === 'unreadable') return null;
  return { holder, state: processState(holder) };
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(`Cannot create the lock file ${file}: ${(error as Error).message}.`, { fix: `Make ${file.replace(/\/[^/]*$/, '')} writable for this user.` });
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(file: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return typeof parsed.pid === 'number' ? parsed : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function releaseIfMine(file: string, mine: LockHolder): void {
  const holder = readHolder(file);
  if (typeof holder === 'object' && holder.pid === mine.pid && holder.startedAt === mine.startedAt) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function refusedError(file: string, why: string, refusal = `Another deploy or restore holds the lock ${file}`): UserError {
  return new UserError(`${refusal}: ${why}.`, {
    fix: `Wait for it to finish. If no such process exists any more, remove ${file} and rerun.`,
  });
}
