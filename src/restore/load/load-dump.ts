// Streams a dump from its source into the staging database: fetch → count → decompress → filter → client.
// Nothing is written to disk on the way; memory stays at a few stream buffers whatever the dump's size.
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ExitCode } from '../../exit-codes.js';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { UserError } from '../../errors.js';
import { byteFaultPoint } from '../fault-points.js';
import { SourceStoppedError } from '../source/spawned-source.js';
import { stopAfterFailure, trackEnd, type ByteSource } from '../source/types.js';
import { watchForStall } from '../source/stall-watchdog.js';
import { ByteCounter } from '../stream/byte-counter.js';
import { decompressor, detectCompression, peek, type Compression } from '../stream/decompress.js';
import { DumpRefusedError, SqlDumpFilter, type SqlFilterStats } from '../stream/sql-filter.js';
import { parseClientError, startClient, type ClientOutcome } from '../../db/mariadb-client.js';
import { ParallelLoader } from './parallel-loader.js';
import { restoreInterrupted } from '../signals.js';

export interface DumpLoadResult {
  compression: Compression;
  /** Bytes read from the source (compressed). */
  sourceBytes: number;
  /** SQL bytes handed to the database. */
  sqlBytes: number;
  filter: SqlFilterStats;
}

export interface DumpLoadOptions {
  source: ByteSource;
  /** Connection to the staging database (`database` is the staging name). */
  staging: ConnectionSettings;
  /** Client connections loading at once (1 = a single client, as `mysql db < dump`). */
  parallel: number;
  signal: AbortSignal;
  /** Seconds without data from the source before the transfer is stopped as stalled. */
  stallTimeout: number;
  onProgress?: (sourceBytes: number) => void;
}

/** Loads the dump; resolves only when every byte arrived, the client succeeded and the dump's trailer was seen. */
export async function loadDump(options: DumpLoadOptions): Promise<DumpLoadResult> {
  const { source, signal } = options;
  if (signal.aborted) throw restoreInterrupted();
  const opened = await source.open();
  const sourceEnded = trackEnd(opened);
  const counter = new ByteCounter((bytes) => {
    watchdog.kick();
    options.onProgress?.(bytes);
  });
  const filter = new SqlDumpFilter({ staging: options.staging.database });
  const sink = options.parallel > 1 ? await ParallelLoader.start(options.staging, options.parallel) : await singleClientSink(options.staging);
  let compression: Compression = 'plain';
  let streamError: unknown;
  const onAbort = () => {
    opened.cancel();
    sink.kill();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const watchdog = watchForStall(opened, options.stallTimeout, source.description, onAbort);
  try {
    const head = await peek(opened.stream, 8);
    compression = detectCompression(head);
    const stages = [opened.stream, counter, decompressor(compression, `The dump from ${source.description}`), filter, byteFaultPoint('load'), sink.input].filter((stage) => stage !== null);
    await pipeline(stages as [NodeJS.ReadableStream, ...NodeJS.ReadWriteStream[], Writable]);
  } catch (error) {
    streamError = error;
  }
  // Whatever broke first, stop the rest before deciding what to report.
  if (streamError) {
    sink.kill();
    await stopAfterFailure(opened, sourceEnded());
  }
  const [clientOutcome, sourceOutcome] = await Promise.all([sink.finished, opened.finished.then(() => null, (error: unknown) => error)]);
  signal.removeEventListener('abort', onAbort);
  watchdog.dispose();
  if (signal.aborted) throw restoreInterrupted();
  if (watchdog.stalled) throw watchdog.stalled;

  const result: DumpLoadResult = { compression, sourceBytes: counter.bytes, sqlBytes: filter.stats.bytesOut, filter: filter.stats };
  const problem = explainLoadFailure({ source, streamError, sourceError: sourceOutcome, client: clientOutcome, filter: filter.stats, streamEnded: streamError === undefined });
  if (problem) throw problem;
  return result;
}

interface LoadSink {
  input: Writable;
  finished: Promise<ClientOutcome>;
  kill(): void;
}

async function singleClientSink(staging: ConnectionSettings): Promise<LoadSink> {
  const client = await startClient(staging);
  return { input: client.stdin, finished: client.exited, kill: () => client.kill() };
}

interface FailureFacts {
  source: ByteSource;
  streamError: unknown;
  sourceError: unknown;
  client: ClientOutcome;
  filter: SqlFilterStats;
  streamEnded: boolean;
}

// Picks the cause users can act on: a refused statement, the source's own failure, then a bad stream (truncated gzip, several
// databases), then the SQL error, then a missing trailer. A broken pipe is only ever a consequence.
function explainLoadFailure(facts: FailureFacts): UserError | null {
  const { source, client, filter } = facts;
  if (facts.streamError instanceof DumpRefusedError) return facts.streamError;
  if (facts.sourceError instanceof UserError && !(facts.sourceError instanceof SourceStoppedError)) return facts.sourceError;
  if (facts.streamError instanceof UserError) return facts.streamError;
  const clientFailed = client.code !== 0;
  if (clientFailed) {
    const parsed = parseClientError(client.stderr);
    // A dump that stops without its trailer ends mid-statement, which the client then reports as an error.
    if (parsed && !filter.trailerSeen && facts.streamEnded) {
      return truncatedDump(source, `it ends without the "-- Dump completed" line, and its last statement fails (${parsed.message})`);
    }
    if (parsed) {
      return new UserError(`The dump failed to load${parsed.line ? ` at line ${parsed.line}` : ''}: ${parsed.message}`, {
        fix: parsed.line ? `Look at that statement in the dump (e.g. zcat dump.sql.gz | sed -n '${parsed.line}p' | cut -c1-300); your database was not touched.` : 'Your database was not touched; fix the cause above and run the restore again.',
        exitCode: ExitCode.findings,
      });
    }
    const detail = client.stderr.trim().split('\n').pop() || (client.signal ? `killed by ${client.signal}` : `exit ${client.code}`);
    return new UserError(`Loading the dump failed: ${detail}`, { fix: 'Your database was not touched; fix the cause the client names above and run the restore again.', exitCode: ExitCode.findings });
  }
  if (facts.streamError) {
    const message = (facts.streamError as Error).message ?? String(facts.streamError);
    return new UserError(`Streaming the dump from ${source.description} failed: ${message}`, { fix: `Your database was not touched; check that ${source.description} can be read in full from here, then run the restore again.`, exitCode: ExitCode.findings, cause: facts.streamError });
  }
  if (facts.sourceError) return facts.sourceError as UserError;
  if (!filter.trailerSeen) return truncatedDump(source, filter.bytesOut === 0 ? 'it is empty' : 'it ends without the "-- Dump completed" line that mysqldump/mariadb-dump write last');
  return null;
}

function truncatedDump(source: ByteSource, why: string): UserError {
  return new UserError(`The dump from ${source.description} is truncated: ${why}. It was not swapped in; your database is unchanged.`, {
    fix: 'Fetch a complete dump (was it still being written, or the upload interrupted?) and run the restore again.',
    exitCode: ExitCode.findings,
  });
}
