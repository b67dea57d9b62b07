// Streams `mariadb-dump`/`mysqldump` through gzip into a file; credentials travel in a 0600 options file.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { findClientProgram } from '../db/client-programs.js';
import { writeClientOptionsFile } from '../db/client-options-file.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { redactSecrets } from '../ui/redact-secrets.js';

/** The dump's options: a consistent snapshot without locking (InnoDB), stored code, binary-safe. */
export const DUMP_FLAGS = ['--single-transaction', '--routines', '--triggers', '--hex-blob', '--no-tablespaces', '--comments', '--dump-date', '--default-character-set=utf8mb4'];

export interface DumpResult {
  /** Bytes of SQL the dump program wrote (before gzip). */
  sqlBytes: number;
  /** The program that ran, for messages (never its arguments: they name the options file). */
  program: string;
  /** pid of the dump program, for the journal. */
  pid: number | undefined;
}

/** A dump that did not complete: the dump program failed, or the file could not be written (e.g. disk full). */
export class DumpError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DumpError';
  }
}

/** Dumps `settings.database` into `file` (created, must not exist) as gzip. */
export async function dumpDatabaseToFile(settings: ConnectionSettings, file: string, options: { env?: NodeJS.ProcessEnv; onSpawn?: (pid: number | undefined) => void; onProgress?: (sqlBytes: number) => void } = {}): Promise<DumpResult> {
  const program = findClientProgram('dump', options.env);
  const optionsFile = await writeClientOptionsFile(settings);
  try {
    const child = spawn(program, [optionsFile.arg, ...DUMP_FLAGS, settings.database], { stdio: ['ignore', 'pipe', 'pipe'], env: optionsFile.env() });
    options.onSpawn?.(child.pid);
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });

    let sqlBytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sqlBytes += chunk.length;
        options.onProgress?.(sqlBytes);
        callback(null, chunk);
      },
    });
    let writeError: Error | undefined;
    try {
      await pipeline(child.stdout, counter, createGzip(), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      writeError = error as Error;
      child.kill('SIGTERM');
    }
    const exit = await exited;
    const name = program.split('/').pop()!;
    if (writeError) {
      const code = (writeError as NodeJS.ErrnoException).code;
      const reason = code === 'ENOSPC' ? 'no space left on device' : code === 'EROFS' ? 'read-only file system' : code === 'EACCES' ? 'permission denied' : writeError.message;
      throw new DumpError(`could not write ${file}: ${reason}`, { cause: writeError });
    }
    if (exit.error) throw new DumpError(`could not start ${program}: ${exit.error.message}`, { cause: exit.error });
    if (exit.code !== 0) {
      const message = redactSecrets(Buffer.concat(stderr).toString('utf8').trim(), [settings.password]);
      throw new DumpError(`${name} failed (${exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`}): ${message || '(no message)'}`);
    }
    return { sqlBytes, program: name, pid: child.pid };
  } finally {
    await optionsFile.remove();
  }
}
