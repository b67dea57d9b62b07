// Writing files so they survive a crash or power loss: fsync the file, rename, fsync the directory.
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** fsyncs a file or a directory (open read-only, sync, close). */
async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a file's contents to disk. */
export const fsyncFile: (file: string) => Promise<void> = fsyncPath;

/** fsyncs a directory, so a file created or renamed in it is durable. */
export const fsyncDirectory: (dir: string) => Promise<void> = fsyncPath;

/**
 * fsyncs a directory, ignoring failure: some filesystems refuse fsync on directories, and the rename or
 * removal it follows has happened anyway. For state whose writer must not fail after the change is made.
 */
export async function fsyncDirectoryBestEffort(dir: string): Promise<void> {
  await fsyncPath(dir).catch(() => {});
}

/**
 * Writes `text` to `file` durably: temp file, fsync, rename over, fsync the directory (with `syncDirectory`,
 * `fsyncDirectory` unless told otherwise, e.g. `fsyncDirectoryBestEffort`).
 */
export async function writeFileDurably(file: string, text: string, mode = 0o600, syncDirectory: (dir: string) => Promise<void> = fsyncDirectory): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w', mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}
