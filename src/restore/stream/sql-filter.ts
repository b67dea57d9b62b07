// Rewrites a mysqldump/mariadb-dump stream on its way into the staging database, line by line:
// - drops CREATE DATABASE and USE, so the dump lands wherever the client is connected;
// - drops the MariaDB sandbox-mode first line and MySQL's GTID/SQL_LOG_BIN lines (they need SUPER);
// - removes DEFINER= clauses (setting another definer needs SUPER), so objects belong to the loader;
// - strips the database name from ALTER DATABASE (mysqldump emits it around routines);
// - notes whether the `-- Dump completed` trailer arrived: without it the dump is truncated.
// Row data (INSERT statements, the bulk of a dump) is passed through as the same buffers, unread.
// Dropped lines become empty lines, so line numbers in the client's errors match the dump's.
import { Transform, type TransformCallback } from 'node:stream';
import { UserError } from '../../errors.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { RowStatementEnd } from './row-statement-end.js';

export interface SqlFilterStats {
  /** The `-- Dump completed` trailer was the last statement-level line. */
  trailerSeen: boolean;
  /** Database names from CREATE DATABASE/USE lines that were dropped. */
  databases: string[];
  definersRemoved: number;
  linesDropped: number;
  /** Bytes handed on to the loader. */
  bytesOut: number;
}

const NEWLINE = 0x0a;
const LETTER_I = 0x49;
const LETTER_R = 0x52;
// A line longer than this that is not one we rewrite is passed on as it streams.
const MAX_COLLECTED_LINE = 256 * 1024;
const EMPTY_LINE = Buffer.from('\n');

const DEFINER = /DEFINER\s*=\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[\w$.-]+)(?:\s*@\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[\w$.%:-]+))?\s*/gi;
const CREATE_DATABASE = /^CREATE\s+(?:DATABASE|SCHEMA)\s+(?:\/\*!\d+\s*IF NOT EXISTS\s*\*\/\s*|IF NOT EXISTS\s+)?(`(?:[^`]|``)*`|\w+)/i;
const USE = /^USE\s+(`(?:[^`]|``)*`|\w+)/i;
const SANDBOX = /^\/\*M?!999999\\-/;
const NEEDS_SUPER = /^SET\s+(?:@@GLOBAL\.GTID_PURGED|@@SESSION\.SQL_LOG_BIN|@MYSQLDUMP_TEMP_LOG_BIN)/i;
const ALTER_DATABASE_NAMED = /^((?:\/\*!\d+\s+)?ALTER\s+(?:DATABASE|SCHEMA))\s+(?:`(?:[^`]|``)*`|\w+)(?=\s+(?:DEFAULT\s+)?(?:CHARACTER|CHARSET|COLLATE))/i;
const DELIMITER = /^DELIMITER\s+(\S+)/i;
const TRAILER = '-- Dump completed';

/** The dump filter; read `stats` after the stream has finished. */
export class SqlDumpFilter extends Transform {
  readonly stats: SqlFilterStats = { trailerSeen: false, databases: [], definersRemoved: 0, linesDropped: 0, bytesOut: 0 };
  private mode: 'start' | 'rows' | 'pass-line' | 'collect' = 'start';
  // The end of the row statement being passed through.
  private rows: RowStatementEnd | null = null;
  private collected: Buffer[] = [];
  private collectedLength = 0;
  // Last bytes of the line being passed through, to see whether it ends its statement.
  private passTail = '';
  private delimiter = ';';
  private inStatement = false;
  private droppingStatement = false;

  constructor() {
    super({ readableHighWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const out: Buffer[] = [];
      let pos = 0;
      while (pos < chunk.length) {
        if (this.mode === 'start') {
          const first = chunk[pos];
          // Row data (INSERT/REPLACE statements, one line or one line per row) is never rewritten.
          if (!this.inStatement && !this.droppingStatement && this.delimiter === ';' && (first === LETTER_I || first === LETTER_R)) {
            this.rows = new RowStatementEnd();
            this.stats.trailerSeen = false;
            this.mode = 'rows';
          } else this.mode = 'collect';
          this.passTail = '';
        }
        if (this.mode === 'rows') {
          const end = this.rows!.find(chunk, pos);
          out.push(chunk.subarray(pos, end < 0 ? chunk.length : end));
          if (end < 0) break;
          this.rows = null;
          this.mode = 'start';
          pos = end;
          continue;
        }
        const newline = chunk.indexOf(NEWLINE, pos);
        const end = newline < 0 ? chunk.length : newline + 1;
        if (this.mode === 'pass-line') {
          const piece = chunk.subarray(pos, end);
          out.push(piece);
          this.passTail = (this.passTail + piece.subarray(Math.max(0, piece.length - 16)).toString('latin1')).slice(-16);
          if (newline >= 0) this.endLine(this.passTail);
        } else if (newline < 0) {
          this.collected.push(chunk.subarray(pos));
          this.collectedLength += chunk.length - pos;
          if (this.collectedLength > MAX_COLLECTED_LINE) this.passLongLine(out);
        } else {
          this.collected.push(chunk.subarray(pos, end));
          const line = this.collected.length === 1 ? this.collected[0]! : Buffer.concat(this.collected, this.collectedLength + end - pos);
          this.collected = [];
          this.collectedLength = 0;
          out.push(this.rewriteLine(line));
        }
        pos = end;
      }
      for (const piece of out) this.stats.bytesOut += piece.length;
      if (out.length === 1) this.push(out[0]);
      else if (out.length > 1) this.push(Buffer.concat(out));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.collectedLength > 0) {
        // A last line without a newline.
        const line = this.rewriteLine(Buffer.concat(this.collected));
        this.collected = [];
        this.collectedLength = 0;
        this.stats.bytesOut += line.length;
        this.push(line);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  // A collected line turned out too long to be one we rewrite: hand it on and stream the rest.
  private passLongLine(out: Buffer[]): void {
    const head = Buffer.concat(this.collected);
    const text = head.subarray(0, 4096).toString('latin1').trimStart();
    if (this.droppingStatement || /^(?:CREATE\s+(?:DATABASE|SCHEMA)|USE\s|SET\s+@@GLOBAL)/i.test(text)) return; // keep collecting
    this.collected = [];
    this.collectedLength = 0;
    out.push(head);
    this.passTail = head.subarray(head.length - 16).toString('latin1');
    this.mode = 'pass-line';
  }

  private rewriteLine(line: Buffer): Buffer {
    const raw = line.toString('latin1');
    const text = raw.replace(/[\r\n]+$/, '');
    const trimmed = text.trim();
    const atStatementStart = !this.inStatement;

    if (this.droppingStatement) {
      this.endLine(trimmed);
      if (!this.inStatement) this.droppingStatement = false;
      return this.dropLine();
    }
    if (atStatementStart && trimmed !== '') {
      if (trimmed.startsWith(TRAILER)) this.stats.trailerSeen = true;
      else if (!trimmed.startsWith('--')) this.stats.trailerSeen = false;
    }
    if (atStatementStart) {
      const delimiter = DELIMITER.exec(trimmed);
      if (delimiter) {
        this.delimiter = delimiter[1]!;
        this.endLine('');
        return line;
      }
      if (SANDBOX.test(trimmed)) {
        // A comment line of its own (no delimiter), not the start of a statement.
        this.mode = 'start';
        return this.dropLine();
      }
      if (this.delimiter === ';' && this.shouldDrop(trimmed)) {
        this.endLine(trimmed);
        if (this.inStatement) this.droppingStatement = true;
        return this.dropLine();
      }
    }
    let rewritten = text;
    if (atStatementStart) rewritten = rewritten.replace(ALTER_DATABASE_NAMED, '$1');
    if (/^(?:\/\*!|CREATE\b)/i.test(trimmed) && /DEFINER/i.test(trimmed)) {
      rewritten = rewritten.replace(DEFINER, () => {
        this.stats.definersRemoved++;
        return '';
      });
    }
    this.endLine(trimmed);
    if (rewritten === text) return line;
    return Buffer.from(rewritten + raw.slice(text.length), 'latin1');
  }

  private shouldDrop(trimmed: string): boolean {
    const create = CREATE_DATABASE.exec(trimmed);
    const use = create ? null : USE.exec(trimmed);
    const named = create ?? use;
    if (named) {
      const name = unquote(named[1]!);
      if (!this.stats.databases.includes(name)) this.stats.databases.push(name);
      if (this.stats.databases.length > 1) {
        throw new UserError(`The dump holds more than one database (${this.stats.databases.join(', ')}); restore-from-prod restores one.`, {
          fix: 'Dump the one database: mariadb-dump --single-transaction --routines --triggers <database> | gzip > dump.sql.gz',
          exitCode: ExitCode.cannotRun,
        });
      }
      return true;
    }
    return NEEDS_SUPER.test(trimmed);
  }

  private dropLine(): Buffer {
    this.stats.linesDropped++;
    return EMPTY_LINE;
  }

  // Tracks whether the next line starts a statement; `trimmedEnd` is the line's text without trailing space.
  private endLine(trimmedEnd: string): void {
    this.mode = 'start';
    const text = trimmedEnd.replace(/\s+$/, '');
    if (text === '') return;
    if (!this.inStatement && (text.startsWith('--') || text.startsWith('#'))) return;
    this.inStatement = !text.endsWith(this.delimiter);
  }
}

function unquote(identifier: string): string {
  return identifier.startsWith('`') ? identifier.slice(1, -1).replace(/``/g, '`') : identifier;
}
