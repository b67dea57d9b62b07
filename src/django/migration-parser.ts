// Reads a Django migration file's `class Migration` without Python: a small pull tokenizer for
// Python source (strings, brackets, comments, logical lines, indentation) and a reader for the
// literal values Django's makemigrations writes (lists, tuples, strings, True/False, calls).
import type { MigrationDependency, MigrationOperation, ParsedMigration } from './migration-types.js';
import { UserError } from '../errors.js';

/**
 * A migration file that cannot be read; `line` is 1-based. A user error (the file, the line, what
 * to do), never an internal one: callers that can go on without the file (the hooks) catch it.
 */
export class MigrationParseError extends UserError {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  /** The file is valid Python whose value only Python can tell (e.g. `class Migration` chosen by an if/else). */
  readonly needsPython: boolean;

  constructor(file: string, line: number, reason: string, options: { needsPython?: boolean } = {}) {
    super(`Cannot read the migration ${file}, line ${line}: ${reason}.`, {
      fix: options.needsPython
        ? `python manage.py showmigrations   (Django reads it; migration-guard needs the file's dependencies as plain literals, or Django available to read it)`
        : `python -m py_compile ${file}   (shows a syntax error, if any); otherwise write dependencies, replaces and operations as plain lists, as makemigrations does`,
    });
    this.name = 'MigrationParseError';
    this.file = file;
    this.line = line;
    this.reason = reason;
    this.needsPython = options.needsPython ?? false;
  }
}

/** Parses one migration module's source into its dependencies, replaces, run_before, initial and operations. */
export function parseMigrationSource(app: string, name: string, file: string, source: string): ParsedMigration {
  return new MigrationModuleReader(app, name, new PythonScanner(source, file)).read();
}

// ---------------------------------------------------------------------------------------------
// Tokenizer. It hands out one token at a time and allocates nothing per token: thousands of files
// are read per run, and most of their text is skipped over.

// Typed `number`, not literals: TypeScript would otherwise keep `scanner.kind` narrowed across
// calls to `next()` that change it.
const NAME: number = 0;
const NUMBER: number = 1;
const STRING: number = 2;
const OP: number = 3;
/** End of a logical line (never produced inside brackets). */
const NEWLINE: number = 4;
const END: number = 5;

const CH_TAB = 9;
const CH_LF = 10;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_DQUOTE = 34;
const CH_HASH = 35;
const CH_SQUOTE = 39;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_COMMA = 44;
const CH_DOT = 46;
const CH_EQUALS = 61;
const CH_LBRACKET = 91;
const CH_BACKSLASH = 92;
const CH_RBRACKET = 93;
const CH_LBRACE = 123;
const CH_RBRACE = 125;

// Characters that form a two-character operator with a following "=" (==, !=, <=, +=, :=, ...).
const BEFORE_EQUALS = new Set([...'=!<>+-*/%&|^@:'].map((ch) => ch.charCodeAt(0)));
// Characters that double up (**, //, <<, >>), and may then take "=" too (**=, <<=, ...).
const DOUBLING = new Set([...'*/<>'].map((ch) => ch.charCodeAt(0)));

// Length of the operator at `pos` (first character `c`), read by character codes: no substrings.
function operatorLength(src: string, pos: number, c: number): number {
  const following = src.charCodeAt(pos + 1);
  if (c === CH_DOT) return following === CH_DOT && src.charCodeAt(pos + 2) === CH_DOT ? 3 : 1;
  if (DOUBLING.has(c) && following === c) return src.charCodeAt(pos + 2) === CH_EQUALS ? 3 : 2;
  if (following === CH_EQUALS && BEFORE_EQUALS.has(c)) return 2;
  if (c === 45 && following === 62) return 2; // ->
  return 1;
}

// String prefixes Python accepts, in any case.
const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf']);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

interface ScannerMark {
  kind: number;
  start: number;
  end: number;
  line: number;
  indent: number;
  depth: number;
  previousEnd: number;
  pos: number;
  physicalLine: number;
  atLineStart: boolean;
  pendingIndent: number;
  lineHasTokens: boolean;
  openers: number[];
  openerLines: number[];
}

class PythonScanner {
  /** The current token. */
  kind = END;
  start = 0;
  end = 0;
  line = 1;
  /** Indentation column when the token starts a logical line, otherwise -1. */
  indent = -1;
  /** Bracket nesting around the token; an opening or closing bracket counts as outside itself. */
  depth = 0;
  /** End offset of the token before the current one. */
  previousEnd = 0;

  private pos: number;
  private physicalLine = 1;
  private atLineStart = true;
  private pendingIndent = -1;
  private lineHasTokens = false;
  private readonly openers: number[] = [];
  private readonly openerLines: number[] = [];

  constructor(
    readonly src: string,
    readonly file: string,
  ) {
    this.pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** The scanner's whole state, to come back to (reading a name's earlier binding, trying a reading). */
  mark(): ScannerMark {
    return {
      kind: this.kind, start: this.start, end: this.end, line: this.line, indent: this.indent, depth: this.depth, previousEnd: this.previousEnd,
      pos: this.pos, physicalLine: this.physicalLine, atLineStart: this.atLineStart, pendingIndent: this.pendingIndent,
      lineHasTokens: this.lineHasTokens, openers: [...this.openers], openerLines: [...this.openerLines],
    };
  }

  /** Returns to a state taken by mark(). */
  reset(mark: ScannerMark): void {
    ({ kind: this.kind, start: this.start, end: this.end, line: this.line, indent: this.indent, depth: this.depth, previousEnd: this.previousEnd } = mark);
    ({ pos: this.pos, physicalLine: this.physicalLine, atLineStart: this.atLineStart, pendingIndent: this.pendingIndent, lineHasTokens: this.lineHasTokens } = mark);
    this.openers.splice(0, this.openers.length, ...mark.openers);
    this.openerLines.splice(0, this.openerLines.length, ...mark.openerLines);
  }

  /** Moves to the next token and returns its kind. */
  next(): number {
    const src = this.src;
    const n = src.length;
    this.previousEnd = this.end;
    let pos = this.pos;
    for (;;) {
      if (pos >= n) {
        this.pos = pos;
        if (this.openers.length > 0) {
          const opener = this.openers.length - 1;
          this.fail(`"${String.fromCharCode(this.openers[opener]!)}" is never closed`, this.openerLines[opener]);
        }
        if (this.lineHasTokens) {
          this.lineHasTokens = false;
          return this.emit(NEWLINE, n, n);
        }
        return this.emit(END, n, n);
      }
      let c = src.charCodeAt(pos);
      if (this.atLineStart) {
        // Indentation as Python measures it: tabs to the next multiple of 8.
        let column = 0;
        while (pos < n) {
          c = src.charCodeAt(pos);
          if (c === CH_SPACE) column++;
          else if (c === CH_TAB) column = column - (column % 8) + 8;
          else if (c === CH_FF) column = 0;
          else break;
          pos++;
        }
        this.atLineStart = false;
        // Blank and comment-only lines do not start a logical line.
        if (pos < n && c !== CH_LF && c !== CH_CR && c !== CH_HASH) this.pendingIndent = column;
        continue;
      }
      if (c === CH_SPACE || c === CH_TAB || c === CH_FF) {
        pos++;
      } else if (c === CH_LF || c === CH_CR) {
        pos += c === CH_CR && src.charCodeAt(pos + 1) === CH_LF ? 2 : 1;
        const newlineLine = this.physicalLine++;
        if (this.openers.length === 0) {
          this.atLineStart = true;
          if (this.lineHasTokens) {
            this.lineHasTokens = false;
            this.pos = pos;
            this.emit(NEWLINE, pos, pos);
            this.line = newlineLine;
            return NEWLINE;
          }
        }
      } else if (c === CH_HASH) {
        while (pos < n && (c = src.charCodeAt(pos)) !== CH_LF && c !== CH_CR) pos++;
      } else if (c === CH_BACKSLASH) {
        const following = src.charCodeAt(pos + 1);
        if (following !== CH_LF && following !== CH_CR) this.fail('unexpected character after line continuation "\\"', this.physicalLine);
        pos += following === CH_CR && src.charCodeAt(pos + 2) === CH_LF ? 3 : 2;
        this.physicalLine++;
      } else if (c === CH_SQUOTE || c === CH_DQUOTE) {
        return this.emitString(pos, pos);
      } else if (isIdentStart(c)) {
        const start = pos;
        while (pos < n && isIdentChar(src.charCodeAt(pos))) pos++;
        const q = src.charCodeAt(pos);
        if ((q === CH_SQUOTE || q === CH_DQUOTE) && pos - start <= 2 && STRING_PREFIXES.has(src.slice(start, pos).toLowerCase())) {
          return this.emitString(start, pos);
        }
        this.pos = pos;
        return this.emit(NAME, start, pos);
      } else if (isDigit(c) || (c === CH_DOT && isDigit(src.charCodeAt(pos + 1)))) {
        const start = pos;
        while (pos < n) {
          const d = src.charCodeAt(pos);
          const previous = src.charCodeAt(pos - 1);
          const isHex = src.charCodeAt(start) === 48 && (src.charCodeAt(start + 1) | 32) === 120;
          const isExponentSign = (d === 43 || d === 45) && (previous === 101 || previous === 69) && !isHex;
          if (isIdentChar(d) || d === CH_DOT || isExponentSign) pos++;
          else break;
        }
        this.pos = pos;
        return this.emit(NUMBER, start, pos);
      } else if (c === CH_LPAREN || c === CH_LBRACKET || c === CH_LBRACE) {
        this.pos = pos + 1;
        this.emit(OP, pos, pos + 1);
        this.openers.push(c);
        this.openerLines.push(this.physicalLine);
        return OP;
      } else if (c === CH_RPAREN || c === CH_RBRACKET || c === CH_RBRACE) {
        const expected = c === CH_RPAREN ? CH_LPAREN : c === CH_RBRACKET ? CH_LBRACKET : CH_LBRACE;
        if (this.openers.pop() !== expected) this.fail(`unmatched "${src[pos]}"`, this.physicalLine);
        this.openerLines.pop();
        this.pos = pos + 1;
        return this.emit(OP, pos, pos + 1);
      } else {
        const length = operatorLength(src, pos, c);
        this.pos = pos + length;
        return this.emit(OP, pos, pos + length);
      }
    }
  }

  /** Whether the current token is the operator or bracket `op`. */
  is(op: string): boolean {
    return this.kind === OP && this.end - this.start === op.length && this.src.startsWith(op, this.start);
  }

  /** Whether the current token is the name `word`. */
  isName(word: string): boolean {
    return this.kind === NAME && this.end - this.start === word.length && this.src.startsWith(word, this.start);
  }

  /** Whether the current token is a closing bracket. */
  isClosing(): boolean {
    if (this.kind !== OP || this.end - this.start !== 1) return false;
    const c = this.src.charCodeAt(this.start);
    return c === CH_RPAREN || c === CH_RBRACKET || c === CH_RBRACE;
  }

  /** The current token's text, for names and messages. */
  text(): string {
    if (this.kind === NEWLINE) return 'end of line';
    if (this.kind === END) return 'end of file';
    return this.src.slice(this.start, this.end);
  }

  fail(reason: string, line = this.line): never {
    throw new MigrationParseError(this.file, line, reason);
  }

  private emit(kind: number, start: number, end: number): number {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.line = this.physicalLine;
    this.indent = this.pendingIndent;
    this.pendingIndent = -1;
    this.depth = this.openers.length;
    if (kind !== NEWLINE && kind !== END) this.lineHasTokens = true;
    return kind;
  }

  // A string literal whose prefix starts at `start` and opening quote is at `quotePos`.
  private emitString(start: number, quotePos: number): number {
    const startLine = this.physicalLine;
    this.pos = this.skipString(quotePos);
    this.emit(STRING, start, this.pos);
    this.line = startLine;
    return STRING;
  }

  // Returns the offset just past the string literal opening at `quotePos`, counting its lines.
  private skipString(quotePos: number): number {
    const src = this.src;
    const n = src.length;
    const startLine = this.physicalLine;
    const quote = src.charCodeAt(quotePos);
    const triple = src.charCodeAt(quotePos + 1) === quote && src.charCodeAt(quotePos + 2) === quote;
    let p = quotePos + (triple ? 3 : 1);
    for (;;) {
      if (p >= n) this.fail(triple ? 'unterminated triple-quoted string literal' : 'unterminated string literal', startLine);
      const c = src.charCodeAt(p);
      if (c === CH_BACKSLASH) {
        // A backslash always keeps the next character out of play, even in raw strings.
        const following = src.charCodeAt(p + 1);
        if (following === CH_LF || following === CH_CR) {
          this.physicalLine++;
          p += following === CH_CR && src.charCodeAt(p + 2) === CH_LF ? 3 : 2;
        } else {
          p += 2;
        }
      } else if (c === quote) {
        if (!triple) return p + 1;
        if (src.charCodeAt(p + 1) === quote && src.charCodeAt(p + 2) === quote) return p + 3;
        p++;
      } else if (c === CH_LF || c === CH_CR) {
        if (!triple) this.fail('unterminated string literal', startLine);
        p += c === CH_CR && src.charCodeAt(p + 1) === CH_LF ? 2 : 1;
        this.physicalLine++;
      } else {
        p++;
      }
    }
  }

  // Skips characters from `pos` to the first one at bracket depth `stopDepth` that is a separator
  // ("," or closing bracket) or, with `atNewline`, a line break; strings, comments, brackets and line
  // numbers are kept right on the way. Returns where it stopped.
  private skipCharacters(pos: number, stopDepth: number, atNewline: boolean): number {
    const src = this.src;
    const n = src.length;
    const openers = this.openers;
    while (pos < n) {
      const c = src.charCodeAt(pos);
      if (openers.length === stopDepth) {
        const stop = atNewline
          ? c === CH_LF || c === CH_CR
          : c === CH_COMMA || c === CH_RPAREN || c === CH_RBRACKET || c === CH_RBRACE;
        if (stop) return pos;
      }
      if (c === CH_SQUOTE || c === CH_DQUOTE) {
        pos = this.skipString(pos);
      } else if (c === CH_HASH) {
        let d = c;
        while (pos < n && (d = src.charCodeAt(pos)) !== CH_LF && d !== CH_CR) pos++;
      } else if (c === CH_LF || c === CH_CR) {
        pos += c === CH_CR && src.charCodeAt(pos + 1) === CH_LF ? 2 : 1;
        this.physicalLine++;
      } else if (c === CH_BACKSLASH) {
        const following = src.charCodeAt(pos + 1);
        if (following !== CH_LF && following !== CH_CR) this.fail('unexpected character after line continuation "\\"', this.physicalLine);
        pos += following === CH_CR && src.charCodeAt(pos + 2) === CH_LF ? 3 : 2;
        this.physicalLine++;
      } else if (c === CH_LPAREN || c === CH_LBRACKET || c === CH_LBRACE) {
        openers.push(c);
        this.openerLines.push(this.physicalLine);
        pos++;
      } else if (c === CH_RPAREN || c === CH_RBRACKET || c === CH_RBRACE) {
        const expected = c === CH_RPAREN ? CH_LPAREN : c === CH_RBRACKET ? CH_LBRACKET : CH_LBRACE;
        if (openers.pop() !== expected) this.fail(`unmatched "${src[pos]}"`, this.physicalLine);
        this.openerLines.pop();
        pos++;
      } else {
        pos++;
      }
    }
    return pos;
  }

  /**
   * Inside brackets (`depth` >= 1): moves to the "," at `depth` or the bracket closing `depth` that
   * ends the current expression, without making tokens of what lies between.
   */
  skipWithin(depth: number): void {
    if (this.depth < depth || (this.depth === depth && this.is(','))) return;
    if (this.kind === NEWLINE || this.kind === END) return;
    this.pos = this.skipCharacters(this.pos, depth, false);
    this.next();
  }

  /** Moves to the first token of the next logical line, without making tokens of the rest of this one. */
  skipLogicalLine(): void {
    if (this.kind === END) return;
    if (this.kind !== NEWLINE) {
      this.pos = this.skipCharacters(this.pos, 0, true);
      if (this.pos < this.src.length) {
        this.pos += this.src.charCodeAt(this.pos) === CH_CR && this.src.charCodeAt(this.pos + 1) === CH_LF ? 2 : 1;
        this.physicalLine++;
        this.atLineStart = true;
      }
      this.lineHasTokens = false;
    }
    this.next();
  }
}

// ---------------------------------------------------------------------------------------------
// String literal values.

const ESCAPE = /\\(\r\n|\n|\r|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs;
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

// Decodes a Python string literal (prefix, quotes and escapes); null for f-strings with fields.
function stringLiteralValue(literal: string): string | null {
  let p = 0;
  let raw = false;
  let formatted = false;
  for (;;) {
    const c = literal.charCodeAt(p);
    if (c === CH_SQUOTE || c === CH_DQUOTE) break;
    const lower = c | 32;
    if (lower === 114) raw = true; // r
    else if (lower === 102) formatted = true; // f
    p++;
  }
  const quote = literal.charCodeAt(p);
  const quoteLength = literal.length - p >= 6 && literal.charCodeAt(p + 1) === quote && literal.charCodeAt(p + 2) === quote ? 3 : 1;
  const body = literal.slice(p + quoteLength, literal.length - quoteLength);
  if (formatted && body.includes('{')) return null;
  if (raw || !body.includes('\\')) return body;
  return body.replace(ESCAPE, (whole, escape: string) => {
    if (escape === '\n' || escape === '\r' || escape === '\r\n') return '';
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) return simple;
    const first = escape.charCodeAt(0);
    if (first >= 48 && first <= 55) return String.fromCodePoint(parseInt(escape, 8));
    if (escape.length > 1 && (escape[0] === 'x' || escape[0] === 'u' || escape[0] === 'U')) {
      return String.fromCodePoint(parseInt(escape.slice(1), 16));
    }
    return whole; // Unknown escapes (and \N{...}) stay as written, as Python keeps unknown ones.
  });
}

// ---------------------------------------------------------------------------------------------
// Reader of the module: finds the top-level `class Migration` and reads its attributes.

const COMPOUND_KEYWORDS = new Set([
  'if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'def', 'class', 'async',
]);

// Where Django's operations take the model/field positionally, when not given by keyword.
const FIELD_OPERATIONS = new Set(['AddField', 'AlterField', 'RemoveField', 'RenameField']);
const MODEL_NAME_FIRST = new Set(['AddIndex', 'RemoveIndex', 'AddConstraint', 'RemoveConstraint']);
const NAME_FIRST = new Set([
  'CreateModel', 'DeleteModel', 'AlterModelTable', 'AlterUniqueTogether', 'AlterIndexTogether',
  'AlterModelOptions', 'AlterModelManagers', 'AlterOrderWithRespectTo',
]);

/** The arguments of an operation call that can name its model or field (null: not a plain string). */
interface NamingArguments {
  modelName?: string | null;
  name?: string | null;
  oldName?: string | null;
  first?: string | null;
  second?: string | null;
}

// Module-level blocks whose body may define `class Migration` depending on a runtime condition.
const BLOCK_KEYWORDS = new Set(['if', 'elif', 'else', 'try', 'except', 'finally', 'with']);

// How many names a value may go through (`operations = ops`, `ops = base + extra`, …).
const MAX_NAME_HOPS = 20;

class MigrationModuleReader {
  private result: ParsedMigration | null = null;
  /** Where the value of each name bound so far (module level, then class body) starts. */
  private readonly bindings = new Map<string, ScannerMark>();
  /** Each `class Migration` Python may bind, in file order; `conditional` when inside an if/try block. */
  private variants: Array<{ migration: ParsedMigration; line: number; conditional: boolean }> = [];
  private nameHops = 0;

  constructor(
    private readonly app: string,
    private readonly name: string,
    private readonly s: PythonScanner,
  ) {}

  read(): ParsedMigration {
    const s = this.s;
    s.next();
    // Indentation of the body of the module-level block (if/else, try/except) being read, or -1.
    let blockIndent = -1;
    while (s.kind !== END) {
      if (s.indent === 0) {
        blockIndent = -1;
        if (s.kind === NAME && BLOCK_KEYWORDS.has(s.text())) {
          this.skipLogicalLine();
          if (s.indent > 0) blockIndent = s.indent;
          continue;
        }
      }
      const topLevel = s.indent === 0;
      if ((topLevel || (blockIndent > 0 && s.indent === blockIndent)) && s.isName('class')) {
        const line = s.line;
        const classIndent = s.indent;
        s.next();
        if (s.isName('Migration')) {
          s.next();
          if (s.is('(') || s.is(':')) {
            this.readClass(line, classIndent);
            // Python binds the last `class Migration` it runs: an unconditional one replaces every earlier one.
            const variant = { migration: this.result!, line, conditional: !topLevel };
            this.variants = topLevel ? [variant] : [...this.variants, variant];
            continue;
          }
        }
      } else if (topLevel && s.kind === NAME) {
        this.recordBinding();
        continue;
      }
      this.skipLogicalLine();
    }
    return this.chooseVariant();
  }

  // `name = value` at module level: remembers where the value starts; moves to the next line.
  private recordBinding(): void {
    const s = this.s;
    const name = s.text();
    s.next();
    if (s.is('=')) {
      s.next();
      this.bindings.set(name, s.mark());
    }
    this.skipLogicalLine();
  }

  // The one `class Migration` Django gets. Classes in if/else (or try/except) branches that read the
  // same are one; branches that differ can only be told apart by running the module.
  private chooseVariant(): ParsedMigration {
    const variants = this.variants;
    if (variants.length === 0) return this.fail('no top-level `class Migration` found', 1);
    const last = variants.at(-1)!;
    if (variants.length > 1 && variants.some((variant) => migrationText(variant.migration) !== migrationText(last.migration))) {
      const first = variants.find((variant) => variant.conditional) ?? variants[0]!;
      throw new MigrationParseError(this.s.file, first.line, '`class Migration` is defined differently in the branches of an if/else (or try/except): only Python can tell which one Django loads', { needsPython: true });
    }
    return last.migration;
  }

  // At the "(" or ":" after `class Migration` (at column `classIndent`); returns at the first token after the body.
  private readClass(line: number, classIndent: number): void {
    const s = this.s;
    this.result = {
      app: this.app, name: this.name, file: s.file, dependencies: [], replaces: [], runBefore: [], initial: null, operations: [],
    };
    if (s.is('(')) this.skipBracketed();
    if (!s.is(':')) this.fail('expected ":" after `class Migration(...)`', line);
    s.next();
    if (s.kind !== NEWLINE) {
      this.readStatements(); // `class Migration(...): dependencies = []` on one line
      return;
    }
    s.next();
    const bodyIndent = s.indent;
    if (s.kind === END || bodyIndent <= classIndent) this.fail('expected an indented body for `class Migration`');
    while (s.kind !== END && s.indent > classIndent) {
      if (s.indent < bodyIndent) this.fail('unindent does not match the class body');
      if (s.indent > bodyIndent) this.skipLogicalLine();
      else this.readStatements();
    }
  }

  // A value this reader cannot use. A syntax error further on (an unclosed bracket, say) is the
  // likelier cause and more useful to report, so the rest of the file is tokenized first.
  private fail(reason: string, line = this.s.line): never {
    const s = this.s;
    while (s.kind !== END) s.next();
    return s.fail(reason, line);
  }

  // Reads the `;`-separated simple statements of one logical line and moves past its end.
  private readStatements(): void {
    const s = this.s;
    // Nested blocks (`def`, `if`, decorators) hold nothing Django reads from the class.
    if ((s.kind === NAME && COMPOUND_KEYWORDS.has(s.text())) || s.is('@')) {
      this.skipLogicalLine();
      return;
    }
    for (;;) {
      if (s.kind === NAME) {
        const attribute = s.text();
        s.next();
        if (s.is('=')) {
          s.next();
          this.readAssignment(attribute);
        } else {
          this.skipStatement();
        }
      } else {
        this.skipStatement();
      }
      if (s.is(';')) s.next();
      if (s.kind === NEWLINE) {
        s.next();
        return;
      }
      if (s.kind === END) return;
    }
  }

  // At the value of `attribute = ...`; returns at the ";" / end of line after it.
  private readAssignment(attribute: string): void {
    const s = this.s;
    const result = this.result!;
    switch (attribute) {
      case 'dependencies':
        result.dependencies = this.readSequence(attribute, () => this.readDependency());
        break;
      case 'replaces':
        result.replaces = this.readSequence(attribute, () => this.readKey());
        break;
      case 'run_before':
        result.runBefore = this.readSequence(attribute, () => this.readKey());
        break;
      case 'operations':
        result.operations = this.readSequence(attribute, (depth) => this.readOperation(depth));
        break;
      case 'initial':
        if (s.isName('True')) result.initial = true;
        else if (s.isName('False')) result.initial = false;
        else if (s.isName('None')) result.initial = null;
        else this.fail('`initial` must be True, False or None');
        s.next();
        break;
      default:
        // A class attribute later ones may name (`ops = [...]` then `operations = ops`).
        this.bindings.set(attribute, s.mark());
        this.skipStatement();
        return;
    }
    if (s.kind !== NEWLINE && s.kind !== END && !s.is(';')) {
      this.fail(`\`${attribute}\` must be a plain literal; cannot read "${s.text()}" after it`);
    }
  }

  // A sequence expression: list or tuple literals, names bound to one earlier in the module or class,
  // joined by "+" and possibly parenthesised, as in `operations = (BASE + [migrations.AddField(...)])`.
  private readSequence<T>(attribute: string, readElement: (depth: number) => T): T[] {
    const s = this.s;
    const values = this.readSequenceTerm(attribute, readElement);
    while (s.is('+')) {
      s.next();
      values.push(...this.readSequenceTerm(attribute, readElement));
    }
    return values;
  }

  private readSequenceTerm<T>(attribute: string, readElement: (depth: number) => T): T[] {
    const s = this.s;
    if (s.kind === NAME) return this.readBoundSequence(attribute, readElement);
    if (s.is('(')) {
      const parenthesised = this.tryParenthesisedSequence(attribute, readElement);
      if (parenthesised) return parenthesised;
    }
    return this.readSequenceLiteral(attribute, readElement);
  }

  // A name: its value as bound earlier (read there), then on past the name.
  private readBoundSequence<T>(attribute: string, readElement: (depth: number) => T): T[] {
    const s = this.s;
    const name = s.text();
    const binding = this.bindings.get(name);
    if (!binding) return this.fail(`\`${attribute}\` must be a literal list or tuple (or a name bound to one earlier in the module); ${name} is not`);
    if (++this.nameHops > MAX_NAME_HOPS) return this.fail(`\`${attribute}\` goes through more than ${MAX_NAME_HOPS} names`);
    const here = s.mark();
    s.reset(binding);
    const values = this.readSequence(attribute, readElement);
    s.reset(here);
    s.next();
    return values;
  }

  // At "(": a parenthesised sequence expression `( [..] + NAME )` rather than a tuple literal, or null
  // (the scanner back at the "(").
  private tryParenthesisedSequence<T>(attribute: string, readElement: (depth: number) => T): T[] | null {
    const s = this.s;
    const start = s.mark();
    s.next();
    if (!(s.is('[') || s.is('(') || (s.kind === NAME && this.bindings.has(s.text())))) {
      s.reset(start);
      return null;
    }
    try {
      const values = this.readSequence(attribute, readElement);
      if (s.is(')') && s.depth === start.depth) {
        s.next();
        return values;
      }
    } catch (error) {
      if (!(error instanceof MigrationParseError)) throw error;
    }
    s.reset(start);
    return null;
  }

  // A list or tuple literal; `readElement` starts at an element and stops at the "," or bracket after it.
  private readSequenceLiteral<T>(attribute: string, readElement: (depth: number) => T): T[] {
    const s = this.s;
    if (!s.is('[') && !s.is('(')) this.fail(`\`${attribute}\` must be a literal list or tuple`);
    const outer = s.depth;
    const values: T[] = [];
    s.next();
    while (!(s.depth === outer && s.isClosing())) {
      values.push(readElement(outer + 1));
      if (s.is(',') && s.depth === outer + 1) s.next();
      else if (!(s.depth === outer && s.isClosing())) this.fail(`expected "," or the end of \`${attribute}\`, found "${s.text()}"`);
    }
    s.next();
    return values;
  }

  private readKey(): { app: string; name: string } {
    const [app, name] = this.readStringPair();
    return { app, name };
  }

  // ('app', 'name'); moves past it.
  private readStringPair(): [string, string] {
    const s = this.s;
    if (!s.is('(') && !s.is('[')) this.fail('expected an ("app_label", "migration_name") pair');
    const outer = s.depth;
    const pairError = 'expected an ("app_label", "migration_name") pair of two strings';
    s.next();
    if (s.kind !== STRING) this.fail(pairError);
    const app = this.readString();
    if (!s.is(',')) this.fail(pairError);
    s.next();
    if (s.kind !== STRING) this.fail(pairError);
    const name = this.readString();
    if (s.is(',') && s.depth === outer + 1) s.next();
    if (!(s.depth === outer && s.isClosing())) this.fail(pairError);
    s.next();
    return [app, name];
  }

  // One string expression: adjacent literals concatenate as in Python.
  private readString(): string {
    const s = this.s;
    if (s.kind !== STRING) this.fail(`expected a string literal, found "${s.text()}"`);
    let value = '';
    while (s.kind === STRING) {
      const part = stringLiteralValue(s.text());
      if (part === null) this.fail('f-strings with fields cannot be read without Python');
      value += part;
      s.next();
    }
    return value;
  }

  private readDependency(): MigrationDependency {
    const s = this.s;
    if (s.is('(') || s.is('[')) {
      const [app, name] = this.readStringPair();
      if (name === '__first__') return { kind: 'first', app };
      if (name === '__latest__') return { kind: 'latest', app };
      return { kind: 'migration', app, name };
    }
    const line = s.line;
    if (s.kind === NAME && this.readDottedName().at(-1) === 'swappable_dependency' && s.is('(')) {
      s.next();
      let dependency: MigrationDependency | null = null;
      if (s.kind === STRING) {
        // swappable_dependency('auth.User') is a dependency on that app's first migration.
        dependency = { kind: 'first', app: this.readString().split('.')[0]! };
      } else if (s.kind === NAME) {
        const setting = this.readDottedName();
        if (setting.length === 2 && setting[0] === 'settings') dependency = { kind: 'swappable', setting: setting[1]! };
      }
      if (!dependency || !s.is(')')) return this.fail('expected swappable_dependency(settings.NAME)', line);
      s.next();
      return dependency;
    }
    return this.fail('expected an ("app_label", "migration_name") pair or migrations.swappable_dependency(...)', line);
  }

  private readOperation(depth: number): MigrationOperation {
    const s = this.s;
    const start = s.start;
    const line = s.line;
    if (s.kind === NAME) {
      // Only the last part of `migrations.AddField` matters; no need to keep the others.
      let typeStart = s.start;
      let typeEnd = s.end;
      s.next();
      while (s.is('.')) {
        s.next();
        if (s.kind !== NAME) this.fail(`expected a name after ".", found "${s.text()}"`);
        typeStart = s.start;
        typeEnd = s.end;
        s.next();
      }
      if (s.is('(')) {
        const args = this.readNamingArguments();
        const end = s.end;
        s.next();
        if (s.depth < depth || (s.depth === depth && s.is(','))) {
          const type = s.src.slice(typeStart, typeEnd);
          const operation: MigrationOperation = { type, line, source: s.src.slice(start, end) };
          setModelAndField(operation, args);
          return operation;
        }
      }
    }
    // Not a plain call (e.g. `*shared_operations`): keep its text; its type is unknown.
    this.skipExpression(depth);
    if (s.previousEnd <= start) this.fail(`unexpected "${s.text()}" in \`operations\``);
    return { type: 'Unknown', line, source: s.src.slice(start, s.previousEnd) };
  }

  // At a call's "("; collects the arguments that can name a model or field and stops at its ")".
  private readNamingArguments(): NamingArguments {
    const s = this.s;
    const depth = s.depth + 1;
    const args: NamingArguments = {};
    s.next();
    let position = 0;
    while (s.depth >= depth) {
      let keyword: 'modelName' | 'name' | 'oldName' | 'other' | null = null;
      if (s.kind === NAME) {
        const isModelName = s.isName('model_name');
        const isName = !isModelName && s.isName('name');
        const isOldName = !isModelName && !isName && s.isName('old_name');
        s.next();
        if (s.is('=') && s.depth === depth) {
          keyword = isModelName ? 'modelName' : isName ? 'name' : isOldName ? 'oldName' : 'other';
          s.next();
        }
        // Otherwise a positional argument starting with a name: not a string, skipped below.
      }
      const wanted = keyword === null ? position < 2 : keyword !== 'other';
      let value: string | null = null;
      if (wanted && s.kind === STRING) {
        value = this.readStringLenient();
        if (!(s.depth < depth || (s.depth === depth && s.is(',')))) value = null;
      }
      s.skipWithin(depth);
      if (keyword === null) {
        if (position === 0) args.first = value;
        else if (position === 1) args.second = value;
        position++;
      } else if (keyword !== 'other') {
        args[keyword] = value;
      }
      if (s.depth === depth && s.is(',')) s.next();
    }
    return args;
  }

  private readStringLenient(): string | null {
    const s = this.s;
    let value: string | null = '';
    while (s.kind === STRING) {
      const part = stringLiteralValue(s.text());
      value = part === null || value === null ? null : value + part;
      s.next();
    }
    return value;
  }

  // NAME(.NAME)*, moving past it.
  private readDottedName(): string[] {
    const s = this.s;
    if (s.kind !== NAME) this.fail(`unexpected "${s.text()}"`);
    const parts = [s.text()];
    s.next();
    while (s.is('.')) {
      s.next();
      if (s.kind !== NAME) this.fail(`expected a name after ".", found "${s.text()}"`);
      parts.push(s.text());
      s.next();
    }
    return parts;
  }

  // Moves to the "," (at `depth`) or closing bracket that ends the expression.
  private skipExpression(depth: number): void {
    const s = this.s;
    while (!(s.depth < depth || (s.depth === depth && s.is(',')))) {
      if (s.kind === NEWLINE || s.kind === END) return;
      s.next();
    }
  }

  // At an opening bracket: moves past its partner.
  private skipBracketed(): void {
    const s = this.s;
    const outer = s.depth;
    s.next();
    while (!(s.depth === outer && s.isClosing())) s.next();
    s.next();
  }

  private skipStatement(): void {
    const s = this.s;
    while (s.kind !== NEWLINE && s.kind !== END && !s.is(';')) s.next();
  }

  private skipLogicalLine(): void {
    this.s.skipLogicalLine();
  }
}

// What two readings of `class Migration` are compared by (every attribute, operations by text).
function migrationText(migration: ParsedMigration): string {
  const operations = migration.operations.map((operation) => `${operation.type}:${operation.source.replace(/\s+/g, '')}`);
  return JSON.stringify([migration.dependencies, migration.replaces, migration.runBefore, migration.initial, operations]);
}

// Sets the model (lower-cased, as Django's model_name_lower) and field an operation works on.
function setModelAndField(operation: MigrationOperation, args: NamingArguments): void {
  const type = operation.type;
  let model: string | null | undefined;
  let field: string | null | undefined;
  if (FIELD_OPERATIONS.has(type)) {
    model = args.modelName ?? args.first;
    // RenameField(model_name, old_name, new_name): the field operated on is the old one.
    field = type === 'RenameField' ? (args.oldName ?? args.second) : (args.name ?? args.second);
  } else if (MODEL_NAME_FIRST.has(type)) {
    model = args.modelName ?? args.first;
  } else if (NAME_FIRST.has(type)) {
    model = args.name ?? args.first;
  } else if (type === 'RenameModel') {
    model = args.oldName ?? args.first;
  } else {
    model = args.modelName ?? args.name;
  }
  if (model != null) operation.model = model.toLowerCase();
  if (field != null) operation.field = field;
}
