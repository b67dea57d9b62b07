// The statement check a dump streams through on its way into the staging database. It splits the stream
// into statements exactly as the mariadb client does (quotes, backslash escapes, comments, `/*!…*/`,
// DELIMITER) and lets a statement through only once statement-rules.ts accepted it, rewritten (the source
// database mapped to staging, DEFINER clauses removed). Row statements (INSERT … VALUES, the bulk of a
// dump) are checked byte by byte as they stream: their head is judged, then only literal rows may follow —
// no function calls, subqueries, variables or a second statement. Nothing is buffered beyond one
// non-row statement. A refused statement stops the stream before any of it reaches the client.
// Between statements only newlines are passed on, so the client's line numbers stay the dump's.
import { Transform, type TransformCallback } from 'node:stream';
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import { judgeRowHead, judgeStatement, type StatementContext, type Verdict } from './statement-rules.js';

export interface SqlFilterStats {
  /** The `-- Dump completed` trailer came after the last statement. */
  trailerSeen: boolean;
  /** The dump's own database, when it named one. */
  databases: string[];
  definersRemoved: number;
  /** Statements dropped (CREATE DATABASE, USE, DROP DATABASE of the dump's database, SUPER-only SETs). */
  statementsDropped: number;
  statements: number;
  /** Bytes handed on to the loader. */
  bytesOut: number;
}

export interface SqlFilterOptions {
  /** The staging database: the dump's own database name is mapped to it. */
  staging: string;
}

const enum Lex {
  Code,
  Single,
  Double,
  Backtick,
  Block,
  Line,
}

const NEWLINE = 0x0a;
// Bytes kept back at a chunk's end so a delimiter, `/*M!` or the trailer comment is never seen in halves.
const LOOKAHEAD = 24;
const MAX_STATEMENT = 64 * 1024 * 1024;
const MAX_DIRECTIVE_LINE = 4096;
const TRAILER = Buffer.from('-- Dump completed');

// What may stand outside strings in the rows of an INSERT: at depth 1 (inside a row) literals and commas,
// at depth 0 (between rows) commas. 1 = allowed; 0 = refused; 2 = handled one by one.
const ROW_BYTES: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const char of '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.+-, \t\r\f\v') table[char.charCodeAt(0)] = 1;
  for (const char of '\'"`()\n;/#') table[char.charCodeAt(0)] = 2;
  return table;
})();

/** The dump filter; read `stats` after the stream has finished. */
export class SqlDumpFilter extends Transform {
  readonly stats: SqlFilterStats = { trailerSeen: false, databases: [], definersRemoved: 0, statementsDropped: 0, statements: 0, bytesOut: 0 };
  private readonly context: StatementContext;
  private mode: 'between' | 'statement' | 'rows' = 'between';
  private lex = Lex.Code;
  private conditional = false;
  private delimiter = Buffer.from(';');
  private line = 1;
  private statementLine = 1;
  private lineStart = true;
  private held: Buffer[] = [];
  private heldLength = 0;
  private rowCandidate = false;
  private depth = 0;
  private rowHead = '';
  private carry: Buffer | null = null;
  private out: Buffer[] = [];

  constructor(options: SqlFilterOptions) {
    super({ readableHighWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.context = { staging: options.staging, sourceDatabase: null, delimiter: ';', triggerTables: new Set(), definersRemoved: 0 };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.run(chunk, false, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.run(Buffer.alloc(0), true, (error) => {
      if (error) return callback(error);
      try {
        if (this.mode !== 'between' || this.lex === Lex.Block) {
          // The client runs a last statement without its delimiter at the end of input: judge it like any other.
          if (this.mode === 'statement' && this.lex === Lex.Code && !this.conditional) this.finishStatement(Buffer.alloc(0), 0, 0);
          else if (this.mode === 'rows' && this.lex === Lex.Code && this.depth === 0) this.mode = 'between';
          else this.stats.trailerSeen = false; // cut inside a string or comment: truncated
        }
        this.flushOut();
        callback();
      } catch (problem) {
        callback(problem as Error);
      }
    });
  }

  private run(chunk: Buffer, final: boolean, callback: TransformCallback): void {
    try {
      const buffer = this.carry ? (chunk.length ? Buffer.concat([this.carry, chunk]) : this.carry) : chunk;
      this.carry = null;
      const consumed = this.scan(buffer, final ? buffer.length : Math.max(0, buffer.length - LOOKAHEAD), final);
      if (consumed < buffer.length) this.carry = buffer.subarray(consumed);
      this.flushOut();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private flushOut(): void {
    if (this.out.length === 0) return;
    const data = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out);
    this.out = [];
    this.stats.bytesOut += data.length;
    this.push(data);
  }

  // Scans buffer[0..limit) (bytes up to the end may be looked at); returns how far it got.
  private scan(buffer: Buffer, limit: number, final: boolean): number {
    let pos = 0;
    let statementFrom = 0; // where the current statement's bytes in this buffer begin
    while (pos < limit) {
      if (this.mode === 'between') {
        const next = this.scanBetween(buffer, pos, limit, final);
        // -1: a directive line continues in the next chunk; no progress: a comment's end is in the next chunk.
        if (next < 0 || (next === pos && this.mode === 'between')) return pos;
        pos = next;
        statementFrom = pos;
        continue;
      }
      if (this.mode === 'rows') {
        const next = this.scanRows(buffer, pos, limit);
        if (next === pos && this.mode === 'rows') return pos;
        pos = next;
        statementFrom = pos;
        continue;
      }
      // A statement: collect it until its delimiter.
      const end = this.scanStatement(buffer, pos, limit);
      if (end.done) {
        const delimiter = this.delimiter;
        if (this.finishStatement(buffer, statementFrom, end.pos)) this.out.push(delimiter);
        pos = end.pos + delimiter.length;
        statementFrom = pos;
        continue;
      }
      if (end.rows) {
        // INSERT … VALUES: judge the head, pass it on rewritten, then stream the rows.
        const head = this.takeHeld(buffer, statementFrom, end.pos);
        this.rowHead = head.subarray(0, 120).toString('utf8');
        const verdict = judgeRowHead(head.toString('latin1'), this.context);
        if (verdict.action !== 'keep') throw this.refusal(verdict, head);
        this.stats.statements++;
        this.out.push(Buffer.from(verdict.text, 'latin1'));
        this.mode = 'rows';
        this.depth = 0;
        pos = end.pos;
        statementFrom = pos;
        continue;
      }
      pos = end.pos;
    }
    if (this.mode === 'statement' && statementFrom < pos) this.hold(buffer.subarray(statementFrom, pos));
    return pos;
  }

  // Between statements: whitespace, comments, DELIMITER lines, the sandbox line. Returns where a statement
  // starts (mode switched), `limit`, or -1 when a directive line must wait for more input.
  private scanBetween(buffer: Buffer, from: number, limit: number, final: boolean): number {
    let pos = from;
    while (pos < limit) {
      const byte = buffer[pos]!;
      if (this.lex === Lex.Line) {
        const newline = buffer.indexOf(NEWLINE, pos);
        if (newline < 0 || newline >= limit) return limit;
        this.lex = Lex.Code;
        pos = newline;
        continue;
      }
      if (this.lex === Lex.Block) {
        const close = buffer.indexOf('*/', pos, 'latin1');
        if (close >= 0 && close < limit) {
          this.countNewlines(buffer, pos, close, true);
          this.lex = Lex.Code;
          pos = close + 2;
          continue;
        }
        // Keep the last byte back: it may be the '*' of a '*/' split across chunks.
        const stop = Math.max(pos, limit - 1);
        this.countNewlines(buffer, pos, stop, true);
        return stop;
      }
      if (byte === NEWLINE) {
        this.line++;
        this.out.push(NEWLINE_BUFFER);
        this.lineStart = true;
        pos++;
        continue;
      }
      if (byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0b || byte === 0x0c) {
        pos++;
        continue;
      }
      if (this.lineStart && (byte === 0x64 || byte === 0x44 || byte === 0x2f)) {
        const directive = this.directiveLine(buffer, pos, final);
        if (directive === -1) return -1;
        if (directive !== null) {
          pos = directive;
          continue;
        }
      }
      this.lineStart = false;
      if (byte === 0x23 || (byte === 0x2d && buffer[pos + 1] === 0x2d)) {
        if (byte === 0x2d && buffer.subarray(pos, pos + TRAILER.length).equals(TRAILER)) this.stats.trailerSeen = true;
        this.lex = Lex.Line;
        continue;
      }
      if (byte === 0x2f && buffer[pos + 1] === 0x2a && !isConditionalOpen(buffer, pos)) {
        this.lex = Lex.Block;
        pos += 2;
        continue;
      }
      // A statement starts here.
      this.mode = 'statement';
      this.conditional = false;
      this.statementLine = this.line;
      this.stats.trailerSeen = false;
      this.rowCandidate = byte === 0x49 || byte === 0x69 || byte === 0x52 || byte === 0x72;
      this.held = [];
      this.heldLength = 0;
      return pos;
    }
    return pos;
  }

  // At a line's start between statements: `DELIMITER x` or MariaDB's sandbox line. Returns where the line
  // ends (handled), null (not a directive), or -1 (the line is not complete in this chunk).
  private directiveLine(buffer: Buffer, pos: number, final: boolean): number | null {
    const head = buffer.subarray(pos, pos + 12).toString('latin1');
    const isDelimiter = /^delimiter(?:[ \t]|$)/i.test(head);
    const isSandbox = /^\/\*M?!999999\\/.test(head);
    if (!isDelimiter && !isSandbox) return null;
    const newline = buffer.indexOf(NEWLINE, pos);
    if (newline < 0 && !final) {
      if (buffer.length - pos > MAX_DIRECTIVE_LINE) throw this.refusalAt(this.line, head, 'a DELIMITER line is too long');
      return -1;
    }
    const end = newline < 0 ? buffer.length : newline;
    const text = buffer.subarray(pos, end).toString('latin1').trim();
    if (isSandbox) {
      // `/*M!999999\- enable the sandbox mode */`: a client command MariaDB's newest clients know; dropped.
      if (!/^\/\*M?!999999\\- enable the sandbox mode \*\/$/.test(text)) throw this.refusalAt(this.line, text, 'it is not MariaDB\'s sandbox-mode line');
      this.stats.statementsDropped++;
      return end;
    }
    const match = /^delimiter[ \t]+(\S+)$/i.exec(text);
    if (!match || !/^[;$/|!%&*~#^+:@-]{1,15}$/.test(match[1]!)) throw this.refusalAt(this.line, text, 'a DELIMITER line must name one delimiter made of punctuation like ;; or $$');
    this.delimiter = Buffer.from(match[1]!, 'latin1');
    this.context.delimiter = match[1]!;
    this.out.push(Buffer.from(text, 'latin1'));
    return end;
  }

  // Inside a statement: returns where its delimiter starts (done), where its rows start, or how far it got.
  private scanStatement(buffer: Buffer, from: number, limit: number): { pos: number; done?: boolean; rows?: boolean } {
    const delimiter = this.delimiter;
    const first = delimiter[0]!;
    let pos = from;
    while (pos < limit) {
      const byte = buffer[pos]!;
      switch (this.lex) {
        case Lex.Single:
        case Lex.Double: {
          const quote = this.lex === Lex.Single ? 0x27 : 0x22;
          if (byte === 0x5c) pos++;
          else if (byte === quote) this.lex = Lex.Code;
          else if (byte === NEWLINE) this.line++;
          pos++;
          continue;
        }
        case Lex.Backtick:
          if (byte === 0x60) this.lex = Lex.Code;
          else if (byte === NEWLINE) this.line++;
          pos++;
          continue;
        case Lex.Block:
          if (byte === 0x2a && buffer[pos + 1] === 0x2f) {
            this.lex = Lex.Code;
            pos += 2;
            continue;
          }
          if (byte === NEWLINE) this.line++;
          pos++;
          continue;
        case Lex.Line:
          if (byte === NEWLINE) {
            this.lex = Lex.Code;
            this.line++;
          }
          pos++;
          continue;
        default:
          break;
      }
      if (byte === first && (delimiter.length === 1 || buffer.subarray(pos, pos + delimiter.length).equals(delimiter))) return { pos, done: true };
      if (byte === NEWLINE) this.line++;
      else if (byte === 0x27) this.lex = Lex.Single;
      else if (byte === 0x22) this.lex = Lex.Double;
      else if (byte === 0x60) this.lex = Lex.Backtick;
      else if (byte === 0x5c) throw this.refusalAt(this.statementLine, this.snippet(buffer, from, pos), 'a backslash outside a string (a client command)');
      else if (byte === 0x23 || (byte === 0x2d && buffer[pos + 1] === 0x2d && isSpaceOrEnd(buffer[pos + 2]))) this.lex = Lex.Line;
      else if (byte === 0x2f && buffer[pos + 1] === 0x2a) {
        if (this.conditional) throw this.refusalAt(this.statementLine, this.snippet(buffer, from, pos), 'a comment inside a /*! … */ comment');
        if (isConditionalOpen(buffer, pos)) this.conditional = true;
        else this.lex = Lex.Block;
        pos += 2;
        continue;
      } else if (byte === 0x2a && buffer[pos + 1] === 0x2f && this.conditional) {
        this.conditional = false;
        pos += 2;
        continue;
      } else if (byte === 0x28 && this.rowCandidate && !this.conditional && this.delimiter.length === 1 && this.looksLikeRowHead(buffer, from, pos)) {
        return { pos, rows: true };
      }
      pos++;
    }
    if (this.heldLength + (pos - from) > MAX_STATEMENT) throw this.refusalAt(this.statementLine, this.snippet(buffer, from, pos), `a statement longer than ${MAX_STATEMENT / 1024 / 1024} MB that is not a row statement`);
    return { pos };
  }

  // Whether the statement so far is `INSERT|REPLACE … VALUES` (the `(` at `pos` opens the first row).
  private looksLikeRowHead(buffer: Buffer, from: number, pos: number): boolean {
    const tail = buffer.subarray(Math.max(from, pos - 16), pos).toString('latin1');
    const recent = this.heldLength > 0 && pos - from < 16 ? Buffer.concat([...this.held, buffer.subarray(from, pos)]).subarray(-16).toString('latin1') : tail;
    return /(?:^|[\s`)/])VALUES?\s*$/i.test(recent);
  }

  // Rows of an INSERT: literals only, checked byte by byte, passed on as they arrive.
  private scanRows(buffer: Buffer, from: number, limit: number): number {
    let pos = from;
    let lex = this.lex;
    let depth = this.depth;
    const delimiter = this.delimiter[0]!;
    let backslash = -1;
    try {
      while (pos < limit) {
        const byte = buffer[pos]!;
        if (lex === Lex.Single || lex === Lex.Double) {
          // Strings are most of a dump's bytes. Without a backslash before the closing quote, jump to it
          // (memchr); otherwise walk the bytes (escaped JSON and text have a backslash every few bytes).
          const quote = lex === Lex.Single ? 0x27 : 0x22;
          if (backslash < pos) backslash = buffer.indexOf(0x5c, pos) >>> 0; // -1 becomes "none" (2^32 - 1)
          const close = buffer.indexOf(quote, pos);
          if (close >= 0 && close < limit && backslash > close) {
            lex = Lex.Code;
            pos = close + 1;
            continue;
          }
          while (pos < limit) {
            const char = buffer[pos]!;
            if (char === quote) {
              lex = Lex.Code;
              pos++;
              break;
            }
            pos += char === 0x5c ? 2 : 1;
          }
          if (lex !== Lex.Code) break;
          continue;
        }
        if (lex === Lex.Block) {
          const close = buffer.indexOf('*/', pos, 'latin1');
          pos = close >= 0 && close < limit ? close + 2 : Math.max(pos, limit - 1);
          if (close >= 0 && close < limit) {
            lex = Lex.Code;
            continue;
          }
          break;
        }
        if (lex === Lex.Line) {
          const newline = buffer.indexOf(NEWLINE, pos);
          if (newline < 0 || newline >= limit) {
            pos = limit;
            break;
          }
          lex = Lex.Code;
          pos = newline + 1;
          continue;
        }
        const kind = ROW_BYTES[byte]!;
        if (byte === delimiter && kind !== 1) {
          if (depth !== 0) throw new RowProblem('the statement ends inside a row');
          this.lex = Lex.Code;
          this.depth = 0;
          this.countNewlines(buffer, from, pos, false);
          this.out.push(buffer.subarray(from, pos + 1));
          this.mode = 'between';
          this.lineStart = false;
          return pos + 1;
        }
        if (kind === 1) {
          if (depth === 0 && byte !== 0x2c && byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) throw new RowProblem(`"${String.fromCharCode(byte)}" between rows`);
          pos++;
          continue;
        }
        if (kind === 0) throw new RowProblem(byte >= 0x80 ? 'a non-ASCII byte outside a string' : `"${String.fromCharCode(byte)}" outside a string`);
        if (byte === 0x27 || byte === 0x22) {
          if (depth !== 1) throw new RowProblem('a string between rows');
          lex = byte === 0x27 ? Lex.Single : Lex.Double;
        } else if (byte === 0x28) {
          if (++depth > 1) throw new RowProblem('a function call or subquery in a row (rows of a dump hold literal values only)');
        } else if (byte === 0x29) {
          if (--depth < 0) throw new RowProblem('a ")" without its "("');
        } else if (byte === NEWLINE) {
          // counted when the piece is passed on
        } else if (byte === 0x23 || (byte === 0x2d && buffer[pos + 1] === 0x2d && isSpaceOrEnd(buffer[pos + 2]))) {
          lex = Lex.Line;
        } else if (byte === 0x2f && buffer[pos + 1] === 0x2a && !isConditionalOpen(buffer, pos)) {
          lex = Lex.Block;
          pos++;
        } else {
          throw new RowProblem(byte === 0x60 ? 'a `quoted name` in the rows' : `"${String.fromCharCode(byte)}" outside a string`);
        }
        pos++;
      }
    } catch (error) {
      if (error instanceof RowProblem) {
        this.countNewlines(buffer, from, Math.min(pos, buffer.length), false);
        throw this.refusalAt(this.statementLine, this.rowHead, `${error.message}, at line ${this.line}`);
      }
      throw error;
    }
    this.lex = lex;
    this.depth = depth;
    this.countNewlines(buffer, from, pos, false);
    if (pos > from) this.out.push(buffer.subarray(from, pos));
    return pos;
  }

  private hold(piece: Buffer): void {
    this.held.push(piece);
    this.heldLength += piece.length;
  }

  private takeHeld(buffer: Buffer, from: number, to: number): Buffer {
    if (to > from) this.hold(buffer.subarray(from, to));
    const whole = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldLength);
    this.held = [];
    this.heldLength = 0;
    return whole;
  }

  // A complete statement (without its delimiter): judged, then passed on, dropped or refused.
  private finishStatement(buffer: Buffer, from: number, to: number): boolean {
    const raw = this.takeHeld(buffer, from, to);
    const text = raw.toString('latin1');
    const verdict = judgeStatement(text, this.context);
    this.mode = 'between';
    this.lineStart = false;
    this.stats.definersRemoved = this.context.definersRemoved;
    this.stats.databases = this.context.sourceDatabase ? [this.context.sourceDatabase] : [];
    if (verdict.action === 'refuse') throw this.refusal(verdict, raw);
    const newlines = countNewlines(text);
    if (verdict.action === 'drop') {
      this.stats.statementsDropped++;
      if (newlines > 0) this.out.push(Buffer.from('\n'.repeat(newlines)));
      return false;
    }
    this.stats.statements++;
    const missing = newlines - countNewlines(verdict.text);
    this.out.push(Buffer.from(missing > 0 ? verdict.text + '\n'.repeat(missing) : verdict.text, 'latin1'));
    return true;
  }

  private countNewlines(buffer: Buffer, from: number, to: number, emit: boolean): void {
    for (let index = buffer.indexOf(NEWLINE, from); index >= 0 && index < to; index = buffer.indexOf(NEWLINE, index + 1)) {
      this.line++;
      if (emit) this.out.push(NEWLINE_BUFFER);
    }
  }

  private snippet(buffer: Buffer, from: number, to: number): string {
    const start = this.held.length > 0 ? Buffer.concat([...this.held, buffer.subarray(from, to)]) : buffer.subarray(from, Math.max(to, from + 120));
    return start.subarray(0, 120).toString('utf8');
  }

  private refusal(verdict: Verdict, statement: Buffer): UserError {
    if (verdict.action !== 'refuse') throw new Error('not a refusal');
    return this.refusalAt(this.statementLine, statement.subarray(0, 120).toString('utf8'), verdict.reason, verdict.fix);
  }

  private refusalAt(line: number, statement: string, reason: string, fix?: string): UserError {
    const shown = statement.replace(/\s+/g, ' ').trim();
    return new DumpRefusedError(
      `The dump was refused at line ${line} (${shown.length > 100 ? `${shown.slice(0, 100)}…` : shown}): ${reason}. Nothing was swapped in; your database is unchanged.`,
      fix ?? `restore-from-prod loads what mysqldump, mariadb-dump or mydumper write for one database. Look at the statement: zcat dump.sql.gz | sed -n '${line}p' | cut -c1-300`,
    );
  }
}

class RowProblem extends Error {}

/** The dump holds a statement restore-from-prod does not load: the cause to report, whatever else broke after it. */
export class DumpRefusedError extends UserError {
  constructor(message: string, fix: string) {
    super(message, { fix, exitCode: ExitCode.findings });
    this.name = 'DumpRefusedError';
  }
}

const NEWLINE_BUFFER = Buffer.from('\n');

function isSpaceOrEnd(byte: number | undefined): boolean {
  return byte === undefined || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}

function isConditionalOpen(buffer: Buffer, pos: number): boolean {
  const third = buffer[pos + 2];
  return third === 0x21 || third === 0x2b || (third === 0x4d && buffer[pos + 3] === 0x21);
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count++;
  return count;
}
