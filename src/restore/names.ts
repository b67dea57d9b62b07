// Names of the databases and directories a restore creates next to the developer's own.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';

const MAX_DATABASE_NAME = 64;
export const STAGING_INFIX = '__restore_';
export const PREVIOUS_SUFFIX = '__previous';

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `<target>__restore_<UTC timestamp>`: where the dump is loaded before it replaces the target. */
export function stagingDatabaseName(target: string, now = new Date()): string {
  const name = `${target}${STAGING_INFIX}${timestamp(now)}`;
  if (name.length > MAX_DATABASE_NAME) {
    throw new UserError(`The database name "${target}" is too long to restore into: its staging copy "${name}" would pass MySQL's ${MAX_DATABASE_NAME}-character limit.`, {
      fix: `Use a database name of at most ${MAX_DATABASE_NAME - name.length + target.length} characters.`,
      exitCode: ExitCode.cannotRun,
    });
  }
  return name;
}

/** `<target>__previous`: the developer's copy kept by the last restore, for --undo. */
export function previousDatabaseName(target: string): string {
  return `${target}${PREVIOUS_SUFFIX}`;
}

/** The LIKE pattern matching every staging database of `target`. */
export function stagingDatabasePattern(target: string): string {
  return `${escapeLike(target)}${escapeLike(STAGING_INFIX)}%`;
}

/** A table name that cannot collide with a real one. */
export function swapMarkerName(): string {
  return `mg_swap_marker_${randomBytes(6).toString('hex')}`;
}

/** `<media>.restore-<timestamp>`: where the tarball is extracted, beside the target so rename(2) works. */
export function mediaStagingDir(mediaDir: string, now = new Date()): string {
  return `${mediaDir}.restore-${timestamp(now)}-${randomBytes(3).toString('hex')}`;
}

/** `<media>.previous`: the media kept by the last restore. */
export function previousMediaDir(mediaDir: string): string {
  return `${mediaDir}.previous`;
}

/** `<media>.restore-parking`: where --undo parks one directory while two trade places. */
export function parkingDir(mediaDir: string): string {
  return `${mediaDir}.restore-parking`;
}

/** Whether a sibling directory name is a leftover staging directory of `mediaDir`. */
export function isMediaStagingDir(mediaDir: string, sibling: string): boolean {
  return sibling.startsWith(`${path.basename(mediaDir)}.restore-`) && sibling !== path.basename(parkingDir(mediaDir));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
