// The backup directory must exist (or be creatable) and take a write: the journal and the lock live there too.
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync, accessSync, constants } from 'node:fs';
import path from 'node:path';
import { nearestExistingDir } from '../../backup/disk-space.js';
import type { PreflightCheck } from './preflight-check.js';

/** Creates `dir` if needed and writes a probe file into it. */
export function prepareBackupDir(dir: string): PreflightCheck {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, 'migration-guard write test\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(probe, { force: true });
    return { name: 'backup directory', ok: true, summary: `${dir} is writable` };
  } catch (error) {
    rmSync(probe, { force: true });
    return unwritable(dir, error as NodeJS.ErrnoException);
  }
}

/** Like prepareBackupDir, but changes nothing (for --plan): checks the directory or its nearest existing parent. */
export function inspectBackupDir(dir: string): PreflightCheck {
  const existing = nearestExistingDir(dir);
  try {
    accessSync(existing, constants.W_OK);
    return { name: 'backup directory', ok: true, summary: existing === dir ? `${dir} is writable` : `${dir} would be created (in ${existing}, which is writable)` };
  } catch (error) {
    return unwritable(existing === dir ? dir : existing, error as NodeJS.ErrnoException);
  }
}

function unwritable(dir: string, error: NodeJS.ErrnoException): PreflightCheck {
  const reason = error.code === 'EROFS' ? 'it is on a read-only file system' : error.code === 'EACCES' || error.code === 'EPERM' ? 'permission denied' : error.code === 'ENOSPC' ? 'no space left on device' : error.message;
  return {
    name: 'backup directory',
    ok: false,
    summary: `cannot write to ${dir}: ${reason}; no backup, no deploy`,
    fix: `Make ${dir} writable for this user (or free space there), or point "deploy.backupDir" / --backup-dir at a writable disk.`,
  };
}
