// What every source of bytes (a dump or a tarball) offers the restore: a size, a stream and a verdict.
import type { Readable } from 'node:stream';

/** Production's database as the target-is-production check sees it; unknown parts are undefined. */
export interface ProductionIdentity {
  host: string;
  port?: number;
  database?: string;
}

/** An opened source: read `stream` to the end, then await `finished` for the transport's verdict. */
export interface OpenedSource {
  stream: Readable;
  /** Resolves when the transport ended cleanly (ssh exit 0, HTTP body complete); rejects with a UserError otherwise. */
  finished: Promise<void>;
  /** Stops the transport (kills ssh, aborts the request). */
  cancel(): void;
}

/**
 * Stops a source after the pipeline failed, unless its stream had already ended: then the transport is
 * going away on its own, and its verdict (ssh's exit status after a dropped connection) is the real cause.
 */
export async function stopAfterFailure(opened: OpenedSource, streamEnded: boolean): Promise<void> {
  if (!streamEnded) return opened.cancel();
  const settled = await Promise.race([opened.finished.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000).unref())]);
  if (!settled) opened.cancel();
}

/** Remembers whether a source's stream reached its end. */
export function trackEnd(opened: OpenedSource): () => boolean {
  let ended = false;
  opened.stream.once('end', () => (ended = true));
  return () => ended;
}

export interface ByteSource {
  /** Safe to print: never includes a password or token. */
  readonly description: string;
  /** Who production is, when this source tells us (ssh-dump does). */
  readonly production?: ProductionIdentity;
  /** Checks the source is there and returns its size in bytes when known (a live dump has none). */
  probe(): Promise<{ size?: number }>;
  open(): Promise<OpenedSource>;
}
