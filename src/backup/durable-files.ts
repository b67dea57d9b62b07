// Writing files so they survive a crash or power loss: fsync the file, rename, fsync the directory.
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** fsyncs a file's contents to disk. */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory, so a file created or renamed in it is durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `text` to `file` durably: temp file, fsync, rename over, fsync the directory. */
export async function writeFileDurably(file: string, text: string, mode = 0o600): Promise<void> {
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
  await fsyncDirectory(path.dirname(file));
}
