// Swaps an extracted media directory in by rename(2), keeping the old one as `<media>.previous`, and undoes it.
// Directories are tracked by identity (device + inode, which rename keeps), so an interrupted swap can be
// put back from whatever point it reached: each directory is moved to where the journal says it belongs.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { chmod, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';
import { faultPoint } from './fault-points.js';
import { fsyncDirectoryBestEffort } from '../fs/durable-files.js';
import type { DirectoryIdentity, MediaSwapRecord } from './journal.js';
import { isMediaStagingDir, parkingDir, previousMediaDir } from './names.js';

/** The identity of the directory at `dir`, or null when nothing is there. */
export function directoryIdentity(dir: string): DirectoryIdentity | null {
  try {
    const info = lstatSync(dir);
    return { dev: info.dev, ino: info.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function sameIdentity(a: DirectoryIdentity | null, b: DirectoryIdentity | null): boolean {
  return a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;
}

/** Refuses media directories a rename cannot replace: a symlink, a non-directory, a mount point. */
export function checkMediaTarget(mediaDir: string): void {
  let info;
  try {
    info = lstatSync(mediaDir);
  } catch {
    const parent = path.dirname(mediaDir);
    if (!existsSync(parent)) throw new UserError(`The media directory's parent ${parent} does not exist.`, { fix: `mkdir -p ${parent}`, exitCode: ExitCode.cannotRun });
    return; // not there yet: the restore creates it
  }
  if (info.isSymbolicLink()) throw new UserError(`The media directory ${mediaDir} is a symbolic link; restore-from-prod replaces directories by rename and will not replace a link.`, { fix: 'Point the media setting at the real directory.', exitCode: ExitCode.cannotRun });
  if (!info.isDirectory()) throw new UserError(`The media path ${mediaDir} is not a directory.`, { fix: `Move ${mediaDir} out of the way, or point the media setting at a directory.`, exitCode: ExitCode.cannotRun });
  if (lstatSync(path.dirname(mediaDir)).dev !== info.dev) {
    throw new UserError(`The media directory ${mediaDir} is a mount point, so it cannot be swapped by rename.`, { fix: 'Point the media setting at a directory inside the mounted volume.', exitCode: ExitCode.cannotRun });
  }
}

/** Plans swapping `extracted` in for `mediaDir`; the old `<media>.previous` must already be gone. */
export function planRestoreSwap(mediaDir: string, extracted: string): MediaSwapRecord {
  const keep = previousMediaDir(mediaDir);
  const current = directoryIdentity(mediaDir);
  const incoming = directoryIdentity(extracted);
  return {
    target: mediaDir,
    before: { [mediaDir]: current, [extracted]: incoming, [keep]: null },
    after: { [mediaDir]: incoming, [extracted]: null, [keep]: current },
    parking: parkingDir(mediaDir),
    discardOnRollback: extracted,
  };
}

/** Plans --undo: `<media>.previous` and the media directory trade places. */
export function planUndoSwap(mediaDir: string): MediaSwapRecord | null {
  const keep = previousMediaDir(mediaDir);
  const kept = directoryIdentity(keep);
  if (!kept) return null;
  const current = directoryIdentity(mediaDir);
  return { target: mediaDir, before: { [mediaDir]: current, [keep]: kept }, after: { [mediaDir]: kept, [keep]: current }, parking: parkingDir(mediaDir) };
}

/** Moves directories until each is where `layout` puts it; `parking` is a free path for breaking a cycle. */
export async function arrangeDirectories(layout: Record<string, DirectoryIdentity | null>, parking: string, onMoved?: (moves: number) => Promise<void>): Promise<void> {
  const wanted = Object.entries(layout).filter((entry): entry is [string, DirectoryIdentity] => entry[1] !== null);
  const places = [...Object.keys(layout), parking];
  const locate = (identity: DirectoryIdentity) => places.find((place) => sameIdentity(directoryIdentity(place), identity));
  let moves = 0;
  const move = async (from: string, to: string) => {
    await rename(from, to);
    await fsyncDirectoryBestEffort(path.dirname(to));
    await onMoved?.(++moves);
  };
  for (let round = 0; round <= wanted.length + 1; round++) {
    let moved = false;
    let pending = 0;
    for (const [slot, identity] of wanted) {
      if (sameIdentity(directoryIdentity(slot), identity)) continue;
      pending++;
      if (directoryIdentity(slot) !== null) continue; // occupied: wait until its occupant moves on
      const from = locate(identity);
      if (!from) throw new UserError(`A media directory the restore moved is missing (expected at ${slot}).`, { fix: `Something outside the restore moved or deleted it: put it back at ${slot} if you can, then run: restore-from-prod --cleanup`, exitCode: ExitCode.restoreFailed });
      await move(from, slot);
      moved = true;
    }
    if (pending === 0) return;
    if (!moved) {
      // A cycle (undo: A→B, B→A): park one occupant aside.
      const [slot] = wanted.find(([place, identity]) => !sameIdentity(directoryIdentity(place), identity))!;
      if (directoryIdentity(parking) !== null) throw new UserError(`Cannot swap media directories: ${parking} is in the way.`, { fix: `Move ${parking} away and run: restore-from-prod --cleanup`, exitCode: ExitCode.restoreFailed });
      await move(slot, parking);
    }
  }
  throw new UserError(`Could not put the media directories in place around ${Object.keys(layout)[0]}.`, { fix: `Check ${places.join(', ')} (something outside the restore is moving them), then run: restore-from-prod --cleanup`, exitCode: ExitCode.restoreFailed });
}

/** Performs the planned swap. */
export async function performMediaSwap(record: MediaSwapRecord): Promise<void> {
  await arrangeDirectories(record.after, record.parking, async (moves) => {
    if (moves === 1) await faultPoint('media-swapped-out');
  });
}

/** Puts every directory back where it was before the swap, then drops the extracted one. */
export async function rollbackMediaSwap(record: MediaSwapRecord): Promise<void> {
  await arrangeDirectories(record.before, record.parking);
  if (record.discardOnRollback) await removeTree(record.discardOnRollback);
}

/** Removes leftover extraction directories of interrupted runs; returns what was removed. */
export async function removeMediaLeftovers(mediaDir: string): Promise<string[]> {
  const parent = path.dirname(mediaDir);
  let siblings: string[];
  try {
    siblings = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const sibling of siblings) {
    if (!isMediaStagingDir(mediaDir, sibling)) continue;
    await removeTree(path.join(parent, sibling));
    removed.push(path.join(parent, sibling));
  }
  return removed;
}

/** rm -rf that also copes with read-only directories from a tarball. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EACCES' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    await makeWritable(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => {});
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) await makeWritable(path.join(dir, entry.name));
  }
}
