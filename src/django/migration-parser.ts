// Reads a Django migration file's `class Migration` without Python: a small tokenizer for Python
// source (strings, brackets, comments, logical lines) and a reader for the literal values Django's
// makemigrations writes (lists, tuples, strings, True/False, calls).
import type { MigrationDependency, MigrationOperation, ParsedMigration } from './migration-types.js';

/** A migration file that cannot be read; `line` is 1-based. */
export class MigrationParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'MigrationParseError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/** Parses one migration module's source into its dependencies, replaces, run_before, initial and operations. */
export function parseMigrationSource(app: string, name: string, file: string, source: string): ParsedMigration {
  const tokens = tokenize(source, file);
  return new MigrationClassReader(app, name, file, source, tokens).read();
}

// ---------------------------------------------------------------------------------------------
// Tokenizer. Tokens live in parallel arrays (no object per token): files are read by the
// thousand, so this is the hot path.

const NAME = 0;
const NUMBER = 1;
const STRING = 2;
const OP = 3;
/** End of a logical line (never emitted inside brackets). */
const NEWLINE = 4;
const END = 5;

interface Tokens {
  kind: number[];
  start: number[];
  end: number[];
  line: number[];
  /** Indentation column of a token that starts a logical line, otherwise -1. */
  indent: number[];
  /** For a bracket token, the index of its partner; otherwise -1. */
  match: number[];
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_DQUOTE = 34;
const CH_HASH = 35;
const CH_SQUOTE = 39;
const CH_DOT = 46;
const CH_BACKSLASH = 92;

const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_LBRACE = 123;
const CH_RBRACE = 125;
const THREE_CHAR_OPS = new Set(['**=', '//=', '>>=', '<<=', '...']);
const TWO_CHAR_OPS = new Set([
  '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '->', '**', '//', '<<', '>>', ':=',
]);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// String prefixes Python accepts (any case): u, r, b, f, br/rb, fr/rf.
function isStringPrefix(word: string): boolean {
  if (word.length > 2) return false;
  const lower = word.toLowerCase();
  return ['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf'].includes(lower);
}

function tokenize(src: string, file: string): Tokens {
  const t: Tokens = { kind: [], start: [], end: [], line: [], indent: [], match: [] };
  const n = src.length;
  const openStack: number[] = [];
  let pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let atLineStart = true;
  let pendingIndent = -1;
  let logicalLineHasTokens = false;

  const push = (kind: number, start: number, end: number, tokenLine: number): number => {
    t.kind.push(kind);
    t.start.push(start);
    t.end.push(end);
    t.line.push(tokenLine);
    t.indent.push(pendingIndent);
    t.match.push(-1);
    pendingIndent = -1;
    logicalLineHasTokens = true;
    return t.kind.length - 1;
  };
  const fail = (atLine: number, reason: string): never => {
    throw new MigrationParseError(file, atLine, reason);
  };

  while (pos < n) {
    let c = src.charCodeAt(pos);

    if (atLineStart) {
      // Measure indentation as Python does (tabs to the next multiple of 8).
      let column = 0;
      while (pos < n) {
        c = src.charCodeAt(pos);
        if (c === CH_SPACE) column++;
        else if (c === CH_TAB) column = column - (column % 8) + 8;
        else if (c === CH_FF) column = 0;
        else break;
        pos++;
      }
      atLineStart = false;
      // Blank and comment-only lines do not start a logical line.
      if (pos < n && c !== CH_LF && c !== CH_CR && c !== CH_HASH) pendingIndent = column;
      continue;
    }

    if (c === CH_SPACE || c === CH_TAB || c === CH_FF) {
      pos++;
    } else if (c === CH_LF || c === CH_CR) {
      pos += c === CH_CR && src.charCodeAt(pos + 1) === CH_LF ? 2 : 1;
      if (openStack.length === 0) {
        if (logicalLineHasTokens) push(NEWLINE, pos, pos, line);
        logicalLineHasTokens = false;
        atLineStart = true;
      }
      line++;
    } else if (c === CH_HASH) {
      while (pos < n && src.charCodeAt(pos) !== CH_LF && src.charCodeAt(pos) !== CH_CR) pos++;
    } else if (c === CH_BACKSLASH) {
      const next = src.charCodeAt(pos + 1);
      if (next !== CH_LF && next !== CH_CR) fail(line, 'unexpected character after line continuation "\\"');
      pos += next === CH_CR && src.charCodeAt(pos + 2) === CH_LF ? 3 : 2;
      line++;
    } else if (c === CH_SQUOTE || c === CH_DQUOTE) {
      const startLine = line;
      const end = skipString(pos);
      push(STRING, pos, end, startLine);
      pos = end;
    } else if (isIdentStart(c)) {
      const start = pos;
      while (pos < n && isIdentChar(src.charCodeAt(pos))) pos++;
      const q = src.charCodeAt(pos);
      if ((q === CH_SQUOTE || q === CH_DQUOTE) && isStringPrefix(src.slice(start, pos))) {
        const startLine = line;
        const end = skipString(pos);
        push(STRING, start, end, startLine);
        pos = end;
      } else {
        push(NAME, start, pos, line);
      }
    } else if (isDigit(c) || (c === CH_DOT && isDigit(src.charCodeAt(pos + 1)))) {
      const start = pos;
      while (pos < n) {
        const d = src.charCodeAt(pos);
        const isExponentSign =
          (d === 43 || d === 45) && /[eE]/.test(src[pos - 1] ?? '') && !/^0[xX]/.test(src.slice(start, pos));
        if (isIdentChar(d) || d === CH_DOT || isExponentSign) pos++;
        else break;
      }
      push(NUMBER, start, pos, line);
    } else if (c === CH_LPAREN || c === CH_LBRACKET || c === CH_LBRACE) {
      openStack.push(push(OP, pos, pos + 1, line));
      pos++;
    } else if (c === CH_RPAREN || c === CH_RBRACKET || c === CH_RBRACE) {
      const opener = openStack.pop();
      const openerChar = opener === undefined ? -1 : src.charCodeAt(t.start[opener]!);
      const expectedOpener = c === CH_RPAREN ? CH_LPAREN : c === CH_RBRACKET ? CH_LBRACKET : CH_LBRACE;
      if (openerChar !== expectedOpener) fail(line, `unmatched "${src[pos]}"`);
      const index = push(OP, pos, pos + 1, line);
      t.match[index] = opener!;
      t.match[opener!] = index;
      pos++;
    } else {
      const three = src.slice(pos, pos + 3);
      const two = src.slice(pos, pos + 2);
      const length = THREE_CHAR_OPS.has(three) ? 3 : TWO_CHAR_OPS.has(two) ? 2 : 1;
      push(OP, pos, pos + length, line);
      pos += length;
    }
  }

  if (openStack.length > 0) {
    const opener = openStack[openStack.length - 1]!;
    fail(t.line[opener]!, `"${src[t.start[opener]!]}" is never closed`);
  }
  if (logicalLineHasTokens) push(NEWLINE, n, n, line);
  push(END, n, n, line);
  return t;

  // Returns the index just past the string literal whose opening quote is at `quotePos`.
  function skipString(quotePos: number): number {
    const startLine = line;
    const quote = src.charCodeAt(quotePos);
    const triple = src.charCodeAt(quotePos + 1) === quote && src.charCodeAt(quotePos + 2) === quote;
    let p = quotePos + (triple ? 3 : 1);
    while (p < n) {
      const c = src.charCodeAt(p);
      if (c === CH_BACKSLASH) {
        // A backslash always keeps the next character out of play, even in raw strings.
        const next = src.charCodeAt(p + 1);
        if (next === CH_LF || next === CH_CR) {
          line++;
          p += next === CH_CR && src.charCodeAt(p + 2) === CH_LF ? 3 : 2;
        } else {
          p += 2;
        }
      } else if (c === quote) {
        if (!triple) return p + 1;
        if (src.charCodeAt(p + 1) === quote && src.charCodeAt(p + 2) === quote) return p + 3;
        p++;
      } else if (c === CH_LF || c === CH_CR) {
        if (!triple) fail(startLine, 'unterminated string literal');
        if (c === CH_CR && src.charCodeAt(p + 1) === CH_LF) p++;
        line++;
        p++;
      } else {
        p++;
      }
    }
    return fail(startLine, triple ? 'unterminated triple-quoted string literal' : 'unterminated string literal');
  }
}

// ---------------------------------------------------------------------------------------------
// String literal values.

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

// Decodes a Python string literal (prefix, quotes and escapes); null for f-strings with fields.
function stringLiteralValue(literal: string): string | null {
  let prefixLength = 0;
  while (literal[prefixLength] !== "'" && literal[prefixLength] !== '"') prefixLength++;
  const prefix = literal.slice(0, prefixLength).toLowerCase();
  const quoteLength = literal.startsWith(literal[prefixLength]!.repeat(3), prefixLength) && literal.length - prefixLength >= 6 ? 3 : 1;
  const body = literal.slice(prefixLength + quoteLength, literal.length - quoteLength);
  if (prefix.includes('f') && body.includes('{')) return null;
  if (prefix.includes('r') || !body.includes('\\')) return body;
  return body.replace(
    /\\(\r\n|\n|\r|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs,
    (whole, escape: string) => {
      if (escape === '\n' || escape === '\r' || escape === '\r\n') return '';
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) return simple;
      if (/^[0-7]/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
      if (/^[xuU]./.test(escape)) return String.fromCodePoint(parseInt(escape.slice(1), 16));
      return whole; // Unknown escapes (and \N{...}) stay as written, as Python keeps unknown ones.
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Reader of the Migration class body.

const COMPOUND_KEYWORDS = new Set([
  'if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'def', 'class', 'async',
]);

// Positional parameters of Django's operations, to find the model/field when not given by keyword.
const FIELD_OPERATIONS = new Set(['AddField', 'AlterField', 'RemoveField', 'RenameField']);
const MODEL_NAME_FIRST = new Set(['AddIndex', 'RemoveIndex', 'AddConstraint', 'RemoveConstraint']);
const NAME_FIRST = new Set([
  'CreateModel', 'DeleteModel', 'AlterModelTable', 'AlterUniqueTogether', 'AlterIndexTogether',
  'AlterModelOptions', 'AlterModelManagers', 'AlterOrderWithRespectTo',
]);

interface CallArguments {
  positional: (string | null)[];
  keywords: Map<string, string | null>;
}

class MigrationClassReader {
  private readonly result: ParsedMigration;

  constructor(
    app: string,
    name: string,
    private readonly file: string,
    private readonly src: string,
    private readonly t: Tokens,
  ) {
    this.result = { app, name, file, dependencies: [], replaces: [], runBefore: [], initial: null, operations: [] };
  }

  read(): ParsedMigration {
    const classToken = this.findMigrationClass();
    if (classToken < 0) this.fail(0, 'no top-level `class Migration` found');
    let p = classToken + 2;
    if (this.isOp(p, '(')) p = this.t.match[p]! + 1;
    if (!this.isOp(p, ':')) this.fail(p, 'expected ":" after `class Migration(...)`');
    p++;
    if (this.t.kind[p] !== NEWLINE) {
      this.readStatements(p); // `class Migration(...): dependencies = [...]` on one line
      return this.result;
    }
    p++;
    const bodyIndent = this.t.indent[p]!;
    if (this.t.kind[p] === END || bodyIndent <= 0) this.fail(p, 'expected an indented body for `class Migration`');
    while (this.t.kind[p] !== END) {
      const indent = this.t.indent[p]!;
      if (indent === 0) break;
      if (indent < bodyIndent) this.fail(p, 'unindent does not match the class body');
      p = indent > bodyIndent ? this.nextLogicalLine(p) : this.readStatements(p);
    }
    return this.result;
  }

  // Python binds the last top-level `class Migration`, so the last one wins here too.
  private findMigrationClass(): number {
    const { kind, indent } = this.t;
    let found = -1;
    for (let i = 0; i < kind.length - 2; i++) {
      if (
        indent[i] === 0 &&
        this.isName(i, 'class') &&
        this.isName(i + 1, 'Migration') &&
        (this.isOp(i + 2, '(') || this.isOp(i + 2, ':'))
      ) {
        found = i;
      }
    }
    return found;
  }

  // Reads the `;`-separated simple statements of one logical line; returns the next line's start.
  private readStatements(p: number): number {
    // Nested blocks (`def`, `if`, decorators) are not class attributes Django reads.
    if ((this.t.kind[p] === NAME && COMPOUND_KEYWORDS.has(this.text(p))) || this.isOp(p, '@')) {
      return this.nextLogicalLine(p);
    }
    for (;;) {
      if (this.t.kind[p] === NAME && this.isOp(p + 1, '=')) {
        p = this.readAssignment(this.text(p), p + 2);
      } else {
        p = this.skipStatement(p);
      }
      if (this.isOp(p, ';')) p++;
      if (this.t.kind[p] === NEWLINE) return p + 1;
      if (this.t.kind[p] === END) return p;
    }
  }

  private readAssignment(attribute: string, valueStart: number): number {
    let end: number;
    switch (attribute) {
      case 'dependencies': {
        const [dependencies, after] = this.readSequence(valueStart, attribute, (p) => this.readDependency(p));
        this.result.dependencies = dependencies;
        end = after;
        break;
      }
      case 'replaces':
      case 'run_before': {
        const [keys, after] = this.readSequence(valueStart, attribute, (p) => {
          const [[app, name], next] = this.readStringPair(p);
          return [{ app, name }, next] as const;
        });
        if (attribute === 'replaces') this.result.replaces = keys;
        else this.result.runBefore = keys;
        end = after;
        break;
      }
      case 'initial': {
        const word = this.t.kind[valueStart] === NAME ? this.text(valueStart) : '';
        if (word === 'True') this.result.initial = true;
        else if (word === 'False') this.result.initial = false;
        else if (word === 'None') this.result.initial = null;
        else this.fail(valueStart, '`initial` must be True, False or None');
        end = valueStart + 1;
        break;
      }
      case 'operations': {
        const [operations, after] = this.readSequence(valueStart, attribute, (p) => this.readOperation(p));
        this.result.operations = operations;
        end = after;
        break;
      }
      default:
        return this.skipStatement(valueStart);
    }
    if (this.t.kind[end] !== NEWLINE && this.t.kind[end] !== END && !this.isOp(end, ';')) {
      this.fail(end, `\`${attribute}\` must be a plain literal; cannot read "${this.text(end)}" after it`);
    }
    return end;
  }

  // A list or tuple literal whose elements are read by `readElement`; returns [values, index after it].
  private readSequence<T>(p: number, attribute: string, readElement: (p: number) => readonly [T, number]): [T[], number] {
    if (!this.isOp(p, '[') && !this.isOp(p, '(')) {
      this.fail(p, `\`${attribute}\` must be a literal list or tuple`);
    }
    const close = this.t.match[p]!;
    const values: T[] = [];
    p++;
    while (p < close) {
      const [value, next] = readElement(p);
      values.push(value);
      p = next;
      if (this.isOp(p, ',')) p++;
      else if (p !== close) this.fail(p, `expected "," or "${this.text(close)}" in \`${attribute}\``);
    }
    return [values, close + 1];
  }

  // ('app', 'name') or ['app', 'name']; returns [[app, name], index after it].
  private readStringPair(p: number): [[string, string], number] {
    if (!this.isOp(p, '(') && !this.isOp(p, '[')) this.fail(p, 'expected a ("app_label", "migration_name") pair');
    const close = this.t.match[p]!;
    const [app, afterApp] = this.readString(p + 1);
    if (!this.isOp(afterApp, ',')) this.fail(afterApp, 'expected "," between app label and migration name');
    const [name, afterName] = this.readString(afterApp + 1);
    const end = this.isOp(afterName, ',') ? afterName + 1 : afterName;
    if (end !== close) this.fail(end, 'expected a ("app_label", "migration_name") pair of two strings');
    return [[app, name], close + 1];
  }

  // One string expression: adjacent literals concatenate as in Python.
  private readString(p: number): [string, number] {
    if (this.t.kind[p] !== STRING) this.fail(p, 'expected a string literal');
    let value = '';
    while (this.t.kind[p] === STRING) {
      const part = stringLiteralValue(this.text(p));
      if (part === null) this.fail(p, 'f-strings with fields cannot be read without Python');
      value += part;
      p++;
    }
    return [value, p];
  }

  private readDependency(p: number): readonly [MigrationDependency, number] {
    if (this.isOp(p, '(') || this.isOp(p, '[')) {
      const [[app, name], next] = this.readStringPair(p);
      if (name === '__first__') return [{ kind: 'first', app }, next];
      if (name === '__latest__') return [{ kind: 'latest', app }, next];
      return [{ kind: 'migration', app, name }, next];
    }
    const [callee, afterCallee] = this.readDottedName(p);
    if (callee.at(-1) === 'swappable_dependency' && this.isOp(afterCallee, '(')) {
      const close = this.t.match[afterCallee]!;
      const argument = afterCallee + 1;
      if (this.t.kind[argument] === STRING) {
        // swappable_dependency('auth.User') is a plain dependency on that app's first migration.
        const [value, afterValue] = this.readString(argument);
        if (afterValue === close) return [{ kind: 'first', app: value.split('.')[0]! }, close + 1];
      } else {
        const [setting, afterSetting] = this.readDottedName(argument);
        if (afterSetting === close && setting.length === 2 && setting[0] === 'settings') {
          return [{ kind: 'swappable', setting: setting[1]! }, close + 1];
        }
      }
      this.fail(argument, 'expected swappable_dependency(settings.NAME)');
    }
    return this.fail(p, 'expected a ("app_label", "migration_name") pair or migrations.swappable_dependency(...)');
  }

  private readOperation(p: number): readonly [MigrationOperation, number] {
    const start = p;
    const line = this.t.line[p]!;
    if (this.t.kind[p] === NAME) {
      const [callee, afterCallee] = this.readDottedName(p);
      if (this.isOp(afterCallee, '(')) {
        const close = this.t.match[afterCallee]!;
        const next = close + 1;
        if (this.isOp(next, ',') || this.isElementEnd(next)) {
          const type = callee.at(-1)!;
          return [{ type, line, source: this.sourceBetween(start, close), ...this.modelAndField(type, this.readCallArguments(afterCallee)) }, next];
        }
      }
    }
    // Not a plain call (e.g. `*shared_operations`): keep the text, the type is unknown.
    const end = this.skipExpression(p);
    if (end === start) this.fail(p, `unexpected "${this.text(p)}" in \`operations\``);
    return [{ type: 'Unknown', line, source: this.sourceBetween(start, end - 1) }, end];
  }

  private modelAndField(type: string, args: CallArguments): { model?: string; field?: string } {
    const keyword = (name: string) => args.keywords.get(name) ?? undefined;
    const positional = (index: number) => args.positional[index] ?? undefined;
    let model: string | undefined;
    let field: string | undefined;
    if (FIELD_OPERATIONS.has(type)) {
      model = keyword('model_name') ?? positional(0);
      field = type === 'RenameField' ? keyword('old_name') ?? positional(1) : keyword('name') ?? positional(1);
    } else if (MODEL_NAME_FIRST.has(type)) {
      model = keyword('model_name') ?? positional(0);
    } else if (NAME_FIRST.has(type)) {
      model = keyword('name') ?? positional(0);
    } else if (type === 'RenameModel') {
      model = keyword('old_name') ?? positional(0);
    } else {
      model = keyword('model_name') ?? keyword('name');
    }
    return {
      ...(model !== undefined ? { model: model.toLowerCase() } : {}),
      ...(field !== undefined ? { field } : {}),
    };
  }

  // String-valued arguments of a call (other values are recorded as null).
  private readCallArguments(open: number): CallArguments {
    const close = this.t.match[open]!;
    const args: CallArguments = { positional: [], keywords: new Map() };
    let p = open + 1;
    while (p < close) {
      let keyword: string | null = null;
      if (this.t.kind[p] === NAME && this.isOp(p + 1, '=')) {
        keyword = this.text(p);
        p += 2;
      }
      const isUnpacking = this.isOp(p, '*') || this.isOp(p, '**');
      const end = this.skipExpression(p);
      let value: string | null = null;
      if (this.t.kind[p] === STRING) {
        const [text, afterString] = this.readStringLenient(p);
        if (afterString === end) value = text;
      }
      if (keyword !== null) args.keywords.set(keyword, value);
      else if (!isUnpacking) args.positional.push(value);
      if (end === p) this.fail(p, `unexpected "${this.text(p)}" in call arguments`);
      p = this.isOp(end, ',') ? end + 1 : end;
    }
    return args;
  }

  private readStringLenient(p: number): [string | null, number] {
    let value: string | null = '';
    while (this.t.kind[p] === STRING) {
      const part = stringLiteralValue(this.text(p));
      value = part === null || value === null ? null : value + part;
      p++;
    }
    return [value, p];
  }

  // NAME(.NAME)*; returns [parts, index after it].
  private readDottedName(p: number): [string[], number] {
    if (this.t.kind[p] !== NAME) this.fail(p, `unexpected "${this.text(p)}"`);
    const parts = [this.text(p)];
    p++;
    while (this.isOp(p, '.') && this.t.kind[p + 1] === NAME) {
      parts.push(this.text(p + 1));
      p += 2;
    }
    return [parts, p];
  }

  // Index of the "," or closing bracket that ends the expression starting at p.
  private skipExpression(p: number): number {
    const { kind, match } = this.t;
    while (kind[p] !== END && kind[p] !== NEWLINE && !this.isOp(p, ',') && !this.isElementEnd(p)) {
      p = match[p]! > p ? match[p]! + 1 : p + 1;
    }
    return p;
  }

  private skipStatement(p: number): number {
    const { kind, match } = this.t;
    while (kind[p] !== NEWLINE && kind[p] !== END && !this.isOp(p, ';')) {
      p = match[p]! > p ? match[p]! + 1 : p + 1;
    }
    return p;
  }

  // Index of the first token of the logical line after the one holding p (END at the end).
  private nextLogicalLine(p: number): number {
    const { kind, match } = this.t;
    while (kind[p] !== NEWLINE && kind[p] !== END) p = match[p]! > p ? match[p]! + 1 : p + 1;
    return kind[p] === END ? p : p + 1;
  }

  private isElementEnd(p: number): boolean {
    return this.t.kind[p] === OP && this.t.match[p]! >= 0 && this.t.match[p]! < p;
  }

  private isOp(p: number, op: string): boolean {
    const { kind, start, end } = this.t;
    return kind[p] === OP && end[p]! - start[p]! === op.length && this.src.startsWith(op, start[p]);
  }

  private isName(p: number, word: string): boolean {
    const { kind, start, end } = this.t;
    return kind[p] === NAME && end[p]! - start[p]! === word.length && this.src.startsWith(word, start[p]);
  }

  private text(p: number): string {
    return this.t.kind[p] === NEWLINE ? 'end of line' : this.t.kind[p] === END ? 'end of file' : this.src.slice(this.t.start[p], this.t.end[p]);
  }

  // Raw source from token `first` through token `last`.
  private sourceBetween(first: number, last: number): string {
    return this.src.slice(this.t.start[first], this.t.end[last]);
  }

  private fail(p: number, reason: string): never {
    throw new MigrationParseError(this.file, this.t.line[p] ?? 1, reason);
  }
}
