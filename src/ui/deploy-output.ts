// How deploy, backup and restore-backup talk to the operator: one line per step, details indented below.
import { stylesFor } from './style.js';
import { redactSecrets } from './redact-secrets.js';

export type LineKind = 'ok' | 'failed' | 'skipped' | 'info' | 'warn' | 'start';

export interface DeployOutput {
  line(kind: LineKind, text: string): void;
  /** Indented lines under the last step (child output, lists). */
  detail(text: string): void;
  blank(): void;
  stream: NodeJS.WriteStream;
}

const SYMBOLS: Record<LineKind, string> = { ok: '✔', failed: '✖', skipped: '–', info: '•', warn: '!', start: '▶' };

/** Output on `stream` (stdout by default), with every secret masked. */
export function createDeployOutput(secrets: string[], stream: NodeJS.WriteStream = process.stdout): DeployOutput {
  const colors = stylesFor(stream);
  const paint: Record<LineKind, (text: string) => string> = {
    ok: colors.green,
    failed: colors.red,
    skipped: colors.dim,
    info: colors.cyan,
    warn: colors.yellow,
    start: colors.bold,
  };
  const write = (text: string) => stream.write(`${redactSecrets(text, secrets)}\n`);
  return {
    stream,
    line(kind, text) {
      write(`${paint[kind](SYMBOLS[kind])} ${text}`);
    },
    detail(text) {
      for (const item of text.split('\n')) write(`    ${item}`);
    },
    blank() {
      stream.write('\n');
    },
  };
}

/** 0.4 s, 12 s, 3 min 5 s. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
