// Checks that a backup file is whole: non-empty, a valid gzip stream to the end, and the dump's completion trailer.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const TRAILER = '-- Dump completed';
const TAIL_BYTES = 512;

export interface BackupCheck {
  ok: boolean;
  /** Why it is not usable (first problem found). */
  problem?: string;
  compressedBytes: number;
  sqlBytes: number;
}

/** Reads the whole file through gunzip (CRC and length are checked at the end) and looks for the trailer. */
export async function verifyBackupFile(file: string): Promise<BackupCheck> {
  let compressedBytes: number;
  try {
    compressedBytes = (await stat(file)).size;
  } catch (error) {
    return { ok: false, problem: `cannot read it: ${(error as Error).message}`, compressedBytes: 0, sqlBytes: 0 };
  }
  if (compressedBytes === 0) return { ok: false, problem: 'the file is empty', compressedBytes, sqlBytes: 0 };
  let sqlBytes = 0;
  let tail = Buffer.alloc(0);
  try {
    await pipeline(
      createReadStream(file),
      createGunzip(),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          sqlBytes += chunk.length;
          tail = Buffer.concat([tail, chunk]);
          if (tail.length > TAIL_BYTES * 2) tail = tail.subarray(tail.length - TAIL_BYTES);
          callback();
        },
      }),
    );
  } catch (error) {
    return { ok: false, problem: `gzip integrity check failed: ${(error as Error).message}`, compressedBytes, sqlBytes };
  }
  if (sqlBytes === 0) return { ok: false, problem: 'the dump inside is empty', compressedBytes, sqlBytes };
  if (!tail.toString('utf8').includes(TRAILER)) {
    return { ok: false, problem: `the dump has no "${TRAILER}" trailer: the dump program stopped before the end`, compressedBytes, sqlBytes };
  }
  return { ok: true, compressedBytes, sqlBytes };
}
