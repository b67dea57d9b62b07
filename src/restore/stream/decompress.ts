// Recognizes compression from the first bytes (not the file name) and decompresses as a stream:
// gzip in-process (zlib), zstd/xz/bzip2 through their programs when installed, plain as it is.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { Duplex, PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';

export type Compression = 'gzip' | 'zstd' | 'xz' | 'bzip2' | 'zip' | 'plain';

const CHUNK = 256 * 1024;

/** The compression a stream starting with `head` uses. */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  return 'plain';
}

/** Reads up to `count` bytes from the start of `stream` and puts them back; fewer at the end of the stream. */
export async function peek(stream: Readable, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < count) {
    const chunk = stream.read() as Buffer | null;
    if (chunk) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const cleanup = () => {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        stream.off('error', onError);
      };
      const onReadable = () => (cleanup(), resolve(false));
      const onEnd = () => (cleanup(), resolve(true));
      const onError = (error: Error) => (cleanup(), reject(error));
      stream.on('readable', onReadable);
      stream.on('end', onEnd);
      stream.on('error', onError);
    });
    if (ended) break;
  }
  const head = Buffer.concat(chunks, length);
  if (head.length > 0) stream.unshift(head);
  return head;
}

/** A stream decompressing `compression` (a pass-through for plain). `what` names the data in messages. */
export function decompressor(compression: Compression, what: string): Duplex {
  switch (compression) {
    case 'plain':
      return new PassThrough({ highWaterMark: CHUNK });
    case 'gzip':
      return explainZlibErrors(zlib.createGunzip({ chunkSize: CHUNK }), what);
    case 'zstd':
      return programDecompressor('zstd', ['-dcq'], what);
    case 'xz':
      return programDecompressor('xz', ['-dcq'], what);
    case 'bzip2':
      return programDecompressor('bzip2', ['-dcq'], what);
    case 'zip':
      throw new UserError(`${what} is a zip archive; restore-from-prod reads plain, gzip or zstd files.`, { fix: 'Produce it as .sql.gz (or .tar.gz for media) on the production host.', exitCode: ExitCode.cannotRun });
  }
}

function explainZlibErrors(gunzip: zlib.Gunzip, what: string): Duplex {
  const original = gunzip.destroy.bind(gunzip);
  gunzip.destroy = (error?: Error) => {
    if (error && !(error instanceof UserError)) {
      const code = (error as NodeJS.ErrnoException).code;
      const truncated = code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message);
      error = new UserError(`${what} is ${truncated ? 'truncated' : 'corrupt'}: gzip says "${error.message}".`, {
        fix: truncated ? 'The file was cut short (an interrupted upload or a dump still being written?): fetch a complete one.' : 'Check the file on the production host: gzip -t <file>',
        exitCode: ExitCode.findings,
        cause: error,
      });
    }
    return original(error);
  };
  return gunzip;
}

/** Whether `name` is an executable on PATH. */
export function hasProgram(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// Pipes through a decompression program; its failure (exit code) becomes this stream's error.
function programDecompressor(program: string, args: string[], what: string): Duplex {
  if (!hasProgram(program)) {
    throw new UserError(`${what} is ${program}-compressed, but the ${program} program is not installed here.`, { fix: `sudo apt-get install -y ${program === 'bzip2' ? 'bzip2' : program === 'xz' ? 'xz-utils' : 'zstd'}`, exitCode: ExitCode.cannotRun });
  }
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let outputEnded = false;
  let exitCode: number | null | undefined;
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4096)));
  const duplex: Duplex = new Duplex({
    readableHighWaterMark: CHUNK,
    writableHighWaterMark: CHUNK,
    read() {
      child.stdout.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (child.stdin.write(chunk)) callback();
      else child.stdin.once('drain', () => callback());
    },
    final(callback) {
      child.stdin.end(callback);
    },
    destroy(error, callback) {
      if (exitCode === undefined) child.kill('SIGTERM');
      callback(error);
    },
  });
  const finish = () => {
    if (!outputEnded || exitCode === undefined) return;
    if (exitCode === 0) duplex.push(null);
    else {
      const message = stderr.trim().split('\n').pop() ?? `exit ${exitCode}`;
      const truncated = /truncat|unexpected end|premature/i.test(message);
      duplex.destroy(new UserError(`${what} is ${truncated ? 'truncated' : 'corrupt'}: ${program} says "${message}".`, { fix: `Check the file where it is made (${program} -t FILE), replace it with a complete one, then run the restore again.`, exitCode: ExitCode.findings }));
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) child.stdout.pause();
  });
  child.stdout.on('end', () => {
    outputEnded = true;
    finish();
  });
  child.stdin.on('error', () => {}); // EPIPE when the program quits early: its exit code tells why
  child.once('close', (code) => {
    exitCode = code;
    finish();
  });
  child.once('error', (error) => duplex.destroy(error));
  return duplex;
}
