// Extracts a media tarball into a fresh directory, refusing anything that could write outside it:
// absolute paths, `..` components, links that resolve outside (through the links created before them),
// paths through or onto links, device files; and sparse files, which would come out wrong.
// Modes (without setuid/setgid) and mtimes are kept, directories' included.
import { chmod, lutimes, mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UnpackSync, type ReadEntry, type Unpack } from 'tar';
import { ExitCode } from '../exit-codes.js';
import { UserError } from '../errors.js';
import { byteFaultPoint } from './fault-points.js';
import { restoreInterrupted } from './signals.js';
import { SourceStoppedError } from './source/spawned-source.js';
import { watchForStall } from './source/stall-watchdog.js';
import { stopAfterFailure, trackEnd, type ByteSource } from './source/types.js';
import { ByteCounter } from './stream/byte-counter.js';
import { decompressor, detectCompression, peek, type Compression } from './stream/decompress.js';

export interface ExtractResult {
  compression: Compression;
  sourceBytes: number;
  files: number;
  directories: number;
  links: number;
  /** Bytes of file content written. */
  bytes: number;
}

export interface ExtractOptions {
  source: ByteSource;
  /** A directory that does not exist yet; created here. */
  dir: string;
  stripComponents: number;
  signal: AbortSignal;
  /** Seconds without data from the source before the transfer is stopped as stalled. */
  stallTimeout: number;
  onProgress?: (sourceBytes: number) => void;
}

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'GNUDumpDir', 'SymbolicLink', 'Link']);
// GNU tar --sparse: type 'S' in the gnu format; in the pax formats a regular entry under GNUSparseFile.<n>/
// whose content is a sparse map followed by the data. node-tar extracts neither faithfully.
const PAX_SPARSE_COMPONENT = /^GNUSparseFile\.\d+$/;
// Links followed while resolving one path, at most (a loop of links is refused).
const MAX_LINK_HOPS = 40;

/** The symbolic links created so far in this extraction: path inside the tree → link target. */
export type ExtractedLinks = ReadonlyMap<string, string>;

/**
 * Resolves `parts` (relative to the extraction directory) the way the kernel will, following the links
 * created so far (the last component too when `followLast`); null when the path leaves the directory.
 */
export function resolveInside(parts: readonly string[], links: ExtractedLinks, followLast: boolean, hops = { count: 0 }): string[] | null {
  const resolved: string[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.length === 0) return null;
      resolved.pop();
      continue;
    }
    resolved.push(part);
    const target = links.get(resolved.join('/'));
    if (target === undefined || (index === parts.length - 1 && !followLast)) continue;
    if (target.startsWith('/') || ++hops.count > MAX_LINK_HOPS) return null;
    resolved.pop();
    const through = resolveInside([...resolved, ...target.split('/')], links, true, hops);
    if (through === null) return null;
    resolved.splice(0, resolved.length, ...through);
  }
  return resolved;
}

/** Why an entry may not be extracted, or null when it is safe. `links` holds the symbolic links created so far. */
export function unsafeEntryReason(entryPath: string, type: string, linkpath: string | undefined, strip: number, links: ExtractedLinks): string | null {
  if (entryPath.startsWith('/') || /^[A-Za-z]:/.test(entryPath) || entryPath.startsWith('\\')) return 'has an absolute path';
  const parts = entryPath.split('/');
  if (parts.includes('..')) return 'has a ".." component';
  if (type === 'SparseFile' || parts.some((part) => PAX_SPARSE_COMPONENT.test(part))) return 'is a sparse file (tar --sparse), which restore-from-prod cannot extract byte for byte';
  if (!ALLOWED_TYPES.has(type)) return type === 'CharacterDevice' || type === 'BlockDevice' ? 'is a device file' : `is a ${type} entry, which a media directory never needs`;
  const inside = parts.slice(strip).filter((part) => part !== '' && part !== '.');
  // Every entry lands exactly where its path says, never through (or onto) a link of this tarball: then
  // writes, chmod and utimes (which follow links) cannot reach outside.
  for (let i = 1; i <= inside.length; i++) {
    const prefix = inside.slice(0, i).join('/');
    if (!links.has(prefix)) continue;
    if (i < inside.length) return `would be written through the symbolic link "${prefix}"`;
    if (type !== 'SymbolicLink') return `would replace the symbolic link "${prefix}" created before it`;
  }
  if (type === 'SymbolicLink') {
    if (!linkpath) return 'is a symbolic link without a target';
    if (linkpath.startsWith('/') || /^[A-Za-z]:/.test(linkpath)) return `is a symbolic link to the absolute path "${linkpath}"`;
    // Resolved through the links created before it (`b -> .` then `up -> b/..` leaves the directory).
    if (resolveInside([...inside.slice(0, -1), ...linkpath.split('/')], links, true) === null) return `is a symbolic link pointing outside the media directory ("${linkpath}")`;
  }
  if (type === 'Link') {
    if (!linkpath) return 'is a hard link without a target';
    const target = linkpath.split('/');
    if (linkpath.startsWith('/') || target.includes('..')) return `is a hard link to "${linkpath}", outside the media directory`;
    const resolved = resolveInside(target.slice(strip), links, false);
    if (resolved === null || resolved.join('/') !== target.slice(strip).filter((part) => part !== '' && part !== '.').join('/')) return `is a hard link to "${linkpath}", through a symbolic link`;
  }
  return null;
}

/** Extracts the tarball; throws a UserError (and leaves the partial directory for the caller to remove) on any problem. */
export async function extractTarball(options: ExtractOptions): Promise<ExtractResult> {
  const { source, dir, signal } = options;
  if (signal.aborted) throw restoreInterrupted();
  await mkdir(dir, { mode: 0o700 });
  const opened = await source.open();
  const sourceEnded = trackEnd(opened);
  const counter = new ByteCounter((bytes) => {
    watchdog.kick();
    options.onProgress?.(bytes);
  });
  const result: ExtractResult = { compression: 'plain', sourceBytes: 0, files: 0, directories: 0, links: 0, bytes: 0 };
  const symlinks = new Map<string, string>();
  const directories: Array<{ path: string; mode: number; mtime?: Date }> = [];
  const linkTimes: Array<{ path: string; mtime: Date }> = [];
  let refused: UserError | null = null;

  // The synchronous unpacker writes each chunk as it arrives, without a thread-pool round trip per open,
  // write, utimes and close: twice as fast on thousands of files, while zlib inflates on its own thread.
  const unpack: Unpack = new UnpackSync({
    cwd: dir,
    strict: true,
    strip: options.stripComponents,
    preserveOwner: false,
    filter: (entryPath: string, entry: unknown) => {
      const read = entry as ReadEntry;
      const reason = unsafeEntryReason(entryPath, read.type, read.linkpath, options.stripComponents, symlinks);
      if (reason) {
        refused ??= unsafeTarball(source.description, entryPath, reason);
        queueMicrotask(() => unpack.abort(refused!));
        return false;
      }
      if (typeof read.mode === 'number') read.mode &= 0o1777; // no setuid/setgid from a tarball
      const inside = entryPath.split('/').slice(options.stripComponents).filter((part) => part !== '' && part !== '.').join('/');
      if (read.type === 'SymbolicLink') {
        symlinks.set(inside, read.linkpath!);
        if (read.mtime) linkTimes.push({ path: inside, mtime: read.mtime });
        result.links++;
      } else if (read.type === 'Directory' || read.type === 'GNUDumpDir') {
        directories.push({ path: inside, mode: read.mode ?? 0o755, mtime: read.mtime });
        result.directories++;
      } else if (read.type === 'Link') {
        result.links++;
      } else {
        result.files++;
        result.bytes += read.size ?? 0;
      }
      return true;
    },
  });

  // Entries tar itself skips (types it does not know, such as GNU sparse files) would go missing silently.
  unpack.on('ignoredEntry', (entry: ReadEntry) => {
    if (refused) return;
    const reason = unsafeEntryReason(entry.path, entry.type, entry.linkpath, options.stripComponents, symlinks) ?? `is a ${entry.type} entry, which tar does not extract`;
    refused = unsafeTarball(source.description, entry.path, reason);
    queueMicrotask(() => unpack.abort(refused!));
  });
  const onAbort = () => opened.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  const watchdog = watchForStall(opened, options.stallTimeout, source.description, onAbort);
  // Modes are applied exactly as archived: the umask is lifted while extracting (nothing else writes files now).
  const umask = process.umask(0);
  let streamError: unknown;
  try {
    const head = await peek(opened.stream, 8);
    result.compression = detectCompression(head);
    const stages = [opened.stream, counter, decompressor(result.compression, `The media tarball from ${source.description}`), byteFaultPoint('media'), unpackSink(unpack)].filter((stage) => stage !== null);
    await pipeline(stages as [NodeJS.ReadableStream, ...NodeJS.ReadWriteStream[], Writable]);
  } catch (error) {
    streamError = error;
    await stopAfterFailure(opened, sourceEnded());
  } finally {
    process.umask(umask);
    signal.removeEventListener('abort', onAbort);
    watchdog.dispose();
  }
  const sourceError = await opened.finished.then(() => null, (error: unknown) => error);
  result.sourceBytes = counter.bytes;
  if (signal.aborted) throw restoreInterrupted();
  if (watchdog.stalled) throw watchdog.stalled;
  if (refused) throw refused;
  if (sourceError instanceof UserError && !(sourceError instanceof SourceStoppedError)) throw sourceError;
  if (streamError) throw explainExtractError(streamError, source.description);
  if (sourceError) throw sourceError;

  // tar sets no times on symbolic links; lutimes changes the link itself, never what it points to.
  for (const link of linkTimes) await lutimes(path.join(dir, link.path), link.mtime, link.mtime).catch(() => {});
  // Creating entries inside a directory changes its mtime, and tar adds u+rwx while writing: set both last, deepest first.
  directories.sort((a, b) => b.path.split('/').length - a.path.split('/').length);
  for (const directory of directories) {
    const absolute = path.join(dir, directory.path);
    await chmod(absolute, directory.mode & 0o1777);
    if (directory.mtime) await utimes(absolute, directory.mtime, directory.mtime);
  }
  if (!directories.some((directory) => directory.path === '')) await chmod(dir, 0o755 & ~umask);
  return result;
}

function unsafeTarball(description: string, entryPath: string, reason: string): UserError {
  return new UserError(`The media tarball from ${description} is unsafe: the entry "${entryPath}" ${reason}. Nothing was extracted into your media directory.`, {
    fix: reason.startsWith('is a sparse file')
      ? 'Rebuild the tarball on the production host without --sparse (tar -czf media.tar.gz -C /path/to/media .).'
      : 'Rebuild the tarball on the production host with relative paths only and links that stay inside (tar -czf media.tar.gz -C /path/to/media .).',
    exitCode: ExitCode.findings,
  });
}

// Adapts tar's Unpack (an event emitter with write/end) to a Writable with backpressure.
function unpackSink(unpack: Unpack): Writable {
  let failure: Error | null = null;
  let finished = false;
  const waiting: Array<(error?: Error | null) => void> = [];
  const settle = () => {
    for (const callback of waiting.splice(0)) callback(failure);
  };
  unpack.on('error', (error: Error) => {
    failure ??= error;
    settle();
    sink.destroy(failure);
  });
  unpack.on('finish', () => {
    finished = true;
    settle();
  });
  const sink: Writable = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (failure) return callback(failure);
      if (unpack.write(chunk)) callback();
      else unpack.once('drain', () => callback(failure));
    },
    final(callback) {
      if (failure) return callback(failure);
      unpack.end();
      if (finished) callback();
      else waiting.push(callback);
    },
  });
  return sink;
}

function explainExtractError(error: unknown, description: string): UserError {
  if (error instanceof UserError) return error;
  const err = error as NodeJS.ErrnoException & { tarCode?: string };
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    return new UserError(`The disk is full: extracting the media tarball from ${description} failed (${err.message}). Your media directory is unchanged.`, {
      fix: 'Free some space on the media directory\'s disk (df -h), then run the restore again.',
      exitCode: ExitCode.findings,
    });
  }
  if (err.tarCode === 'TAR_BAD_ARCHIVE' || err.code === 'TAR_BAD_ARCHIVE') {
    return new UserError(`The media tarball from ${description} is truncated or not a tar archive (${err.message}). Your media directory is unchanged.`, {
      fix: 'Check the tarball where it is made (tar -tf FILE > /dev/null reads it to the end), replace it with a complete one, then run the restore again.',
      exitCode: ExitCode.findings,
    });
  }
  return new UserError(`Extracting the media tarball from ${description} failed: ${err.message}. Your media directory is unchanged.`, {
    fix: 'Fix the cause named above (often the permissions of the media directory\'s parent), then run the restore again.',
    exitCode: ExitCode.findings,
    cause: error,
  });
}
