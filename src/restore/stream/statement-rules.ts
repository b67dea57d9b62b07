// Which statements of a dump may reach the staging database, and how they are rewritten. Accepted is what
// mysqldump, mariadb-dump and mydumper write for one database: session SETs, DROP/CREATE TABLE|VIEW|
// TRIGGER|PROCEDURE|FUNCTION|SEQUENCE, LOCK/UNLOCK TABLES, INSERT/REPLACE … VALUES, ALTER TABLE … KEYS,
// transactions. The source database's name is mapped to the staging copy wherever it qualifies a name;
// CREATE/DROP DATABASE and USE of it are dropped. Everything else is refused with a reason.
// Pure: no I/O; sql-filter.ts feeds it one statement at a time.
import { tokenize, type Token } from './sql-tokens.js';

export interface StatementContext {
  /** The staging database the dump is loaded into (what the client is connected to). */
  staging: string;
  /** The dump's own database, once a statement named it (CREATE DATABASE, USE, DROP DATABASE or a qualified name). */
  sourceDatabase: string | null;
  /** A table statement has passed: from here on, a database the dump switches to is not its own. */
  tablesStarted?: boolean;
  /** A DROP DATABASE (of a dump made with --add-drop-database) waits for the CREATE DATABASE of the same name. */
  pendingDrop?: string;
  /** The client's current delimiter (`;`, or `;;` in routine and trigger blocks). */
  delimiter: string;
  /** Tables a trigger was created on: rows into them would run the trigger during the load. */
  triggerTables: Set<string>;
  definersRemoved: number;
}

export type Verdict =
  | { action: 'keep'; text: string }
  | { action: 'drop' }
  | { action: 'refuse'; reason: string; fix?: string };

/** Raised (and caught in judge*) when a statement is refused. */
class Refusal extends Error {
  constructor(readonly reason: string, readonly fix?: string) {
    super(reason);
  }
}

const SYSTEM_DATABASES = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
// Character sets in which no multi-byte character holds a quote or backslash byte: the client, this check
// and the server then agree on where every string ends.
const SAFE_CHARSETS = new Set(['utf8', 'utf8mb3', 'utf8mb4', 'latin1', 'binary', 'ascii', 'default']);
// SQL modes that change how the server reads quotes and backslashes, so it would read strings differently.
const UNSAFE_SQL_MODE = /\b(?:ANSI_QUOTES|ANSI|NO_BACKSLASH_ESCAPES|ORACLE|MSSQL|DB2|POSTGRESQL|MAXDB)\b/i;
// Session variables dumps set (mysqldump, mariadb-dump, mydumper); none reaches beyond the session.
const SESSION_VARIABLES = new Set([
  'SQL_MODE', 'CHARACTER_SET_CLIENT', 'CHARACTER_SET_RESULTS', 'CHARACTER_SET_CONNECTION', 'COLLATION_CONNECTION', 'TIME_ZONE',
  'UNIQUE_CHECKS', 'FOREIGN_KEY_CHECKS', 'SQL_NOTES', 'SQL_QUOTE_SHOW_CREATE', 'AUTOCOMMIT', 'CHECK_CONSTRAINT_CHECKS',
  'SQL_WARNINGS', 'SQL_SAFE_UPDATES', 'SQL_AUTO_IS_NULL', 'INNODB_STRICT_MODE', 'SYSTEM_VERSIONING_INSERT_HISTORY',
  'TRANSACTION_ISOLATION', 'TX_ISOLATION', 'NOTE_VERBOSITY', 'SQL_REQUIRE_PRIMARY_KEY', 'DEFAULT_TABLE_ENCRYPTION', 'MAX_STATEMENT_TIME',
]);
// Set by MySQL's mysqldump; they need SUPER and do nothing for a copy, so they are dropped.
const DROPPED_VARIABLES = new Set(['SQL_LOG_BIN', 'GTID_PURGED']);
const ENGINES = new Set(['INNODB', 'MYISAM', 'ARIA', 'MEMORY', 'HEAP', 'ARCHIVE', 'CSV', 'BLACKHOLE', 'ROCKSDB', 'TOKUDB', 'SEQUENCE']);

// Reasons for statements a dump of one database never holds, by their first word(s).
const KNOWN_REFUSALS: Array<[RegExp, string]> = [
  [/^LOAD (?:DATA|XML)\b/, 'LOAD DATA reads files (on the server, or on this machine with LOCAL)'],
  [/^SELECT\b.*\bINTO\s+(?:OUT|DUMP)FILE\b/, 'SELECT … INTO OUTFILE writes files on the server'],
  [/^(?:GRANT|REVOKE)\b/, 'it changes privileges'],
  [/^(?:CREATE|DROP|ALTER|RENAME) (?:USER|ROLE)\b/, 'it changes database accounts'],
  [/^SET (?:PASSWORD|ROLE|DEFAULT ROLE)\b/, 'it changes database accounts'],
  [/^(?:UPDATE|DELETE)\b/, 'a dump only inserts rows; this changes existing ones'],
  [/^(?:CALL|EXECUTE|PREPARE|DEALLOCATE)\b/, 'it runs code a dump does not need to run'],
  [/^(?:INSTALL|UNINSTALL) (?:PLUGIN|SONAME)\b/, 'it changes the server\'s plugins'],
  [/^(?:CHANGE MASTER|START SLAVE|STOP SLAVE|RESET|PURGE|FLUSH|KILL|SHUTDOWN)\b/, 'it acts on the whole server'],
  [/^HANDLER\b/, 'it reads tables a dump does not need to read'],
  [/^RENAME TABLE\b/, 'it moves tables, possibly out of the staging database'],
];

/** The verdict on a complete statement (`text` without its delimiter). */
export function judgeStatement(text: string, context: StatementContext): Verdict {
  try {
    const verdict = judge(text, context);
    if (verdict.action === 'keep' && !/^\s*(?:\/\*M?!\d*\s*)?SET\b/i.test(text)) context.tablesStarted = true;
    return verdict;
  } catch (error) {
    if (error instanceof Refusal) return { action: 'refuse', reason: error.reason, fix: error.fix };
    return { action: 'refuse', reason: `it cannot be read (${(error as Error).message})` };
  }
}

/** The verdict on the head of a row statement, `INSERT … INTO t (cols) VALUES`, before its rows stream by. */
export function judgeRowHead(text: string, context: StatementContext): Verdict {
  try {
    const tokens = tokenize(text);
    const edits = new Edits();
    const words = new Cursor(tokens);
    words.expectWord('INSERT', 'REPLACE');
    while (words.isWord('LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE')) words.next();
    if (words.isWord('INTO')) words.next();
    const table = objectName(words, context, edits);
    if (context.triggerTables.has(table)) {
      throw new Refusal(`rows for table \`${table}\` come after a trigger on it was created, so the trigger would run during the load (dumps create triggers after their table's rows)`);
    }
    if (words.isPunct('(')) {
      words.next();
      while (!words.isPunct(')')) {
        const column = words.next();
        if (!column || (column.type !== 'quoted' && column.type !== 'word')) throw new Refusal('its column list holds more than column names');
        if (words.isPunct(',')) words.next();
      }
      words.next();
    }
    words.expectWord('VALUES', 'VALUE');
    if (!words.done()) throw new Refusal('it is not a plain INSERT … VALUES');
    context.tablesStarted = true;
    return { action: 'keep', text: edits.apply(text) };
  } catch (error) {
    if (error instanceof Refusal) return { action: 'refuse', reason: error.reason, fix: error.fix };
    return { action: 'refuse', reason: `it cannot be read (${(error as Error).message})` };
  }
}

function judge(text: string, context: StatementContext): Verdict {
  const tokens = tokenize(text);
  const words = new Cursor(tokens);
  if (words.done()) return { action: 'drop' };
  const edits = new Edits();
  const head = words.list.slice(0, 4).map((token) => token.value).join(' ');
  const first = words.peek()!.value;
  if (context.pendingDrop !== undefined) {
    const dropped = context.pendingDrop;
    context.pendingDrop = undefined;
    const creates = /^CREATE (?:DATABASE|SCHEMA)\b/.test(head) && words.list.some((token) => identifierValue(token) === dropped);
    if (!creates) throw new Refusal(`the dump dropped database "${dropped}" without creating it next (as --add-drop-database does), so it is not the dump's own`);
  }

  if (first === 'SET' && !/^SET (?:PASSWORD|ROLE|DEFAULT ROLE)\b/.test(head)) {
    refuseSeveralStatements(words);
    return judgeSet(words, text, context);
  }
  if (first === 'USE') {
    words.next();
    adoptDatabase(identifierValue(words.next()), context, 'USE');
    refuseSeveralStatements(words);
    return { action: 'drop' };
  }
  if (first === 'CREATE' || first === 'DROP' || first === 'ALTER') {
    const kind = creationKind(words);
    if (kind === 'DATABASE') return databaseStatement(first, words, context, edits, text);
    if (kind === 'TRIGGER' || kind === 'PROCEDURE' || kind === 'FUNCTION') {
      if (first === 'CREATE') return createRoutine(kind, words, tokens, text, context, edits);
    }
    refuseSeveralStatements(words);
    if (first === 'DROP' && ['TABLE', 'VIEW', 'TRIGGER', 'PROCEDURE', 'FUNCTION', 'SEQUENCE'].includes(kind)) {
      if (words.isWord('IF')) {
        words.next();
        words.expectWord('EXISTS');
      }
      do objectName(words, context, edits);
      while (words.isPunct(',') && words.next());
      if (words.isWord('RESTRICT', 'CASCADE')) words.next();
      expectEnd(words);
      return { action: 'keep', text: edits.apply(text) };
    }
    if (first === 'CREATE' && kind === 'TABLE') return createTable(words, text, context, edits);
    if (first === 'CREATE' && kind === 'VIEW') return createView(words, tokens, text, context, edits);
    if (first === 'CREATE' && kind === 'SEQUENCE') {
      objectName(words, context, edits);
      return { action: 'keep', text: edits.apply(text) };
    }
    if (first === 'ALTER' && kind === 'TABLE') {
      objectName(words, context, edits);
      words.expectWord('DISABLE', 'ENABLE');
      words.expectWord('KEYS');
      expectEnd(words);
      return { action: 'keep', text: edits.apply(text) };
    }
    if (kind === 'EVENT') throw new Refusal('events are not carried over by restore-from-prod (and would run on their own schedule)', 'Dump without --events.');
    throw new Refusal(`${first} ${kind} is not part of a dump of one database`);
  }
  refuseSeveralStatements(words);
  if (first === 'LOCK') {
    words.next();
    words.expectWord('TABLES', 'TABLE');
    do {
      objectName(words, context, edits);
      if (words.isWord('AS')) words.next();
      if (words.peek()?.type === 'quoted' || (words.peek()?.type === 'word' && !words.isWord('READ', 'WRITE', 'LOW_PRIORITY'))) words.next();
      while (words.isWord('READ', 'WRITE', 'LOCAL', 'LOW_PRIORITY', 'CONCURRENT')) words.next();
    } while (words.isPunct(',') && words.next());
    expectEnd(words);
    return { action: 'keep', text: edits.apply(text) };
  }
  if (/^UNLOCK TABLES?$/.test(head) || /^(?:START TRANSACTION|BEGIN|BEGIN WORK|COMMIT|COMMIT WORK|ROLLBACK)$/.test(head)) return { action: 'keep', text };
  if (first === 'TRUNCATE') {
    words.next();
    if (words.isWord('TABLE')) words.next();
    objectName(words, context, edits);
    expectEnd(words);
    return { action: 'keep', text: edits.apply(text) };
  }
  if ((first === 'SELECT' || first === 'DO') && words.peek(1)?.value === 'SETVAL') {
    // mariadb-dump restores a sequence's position with SELECT SETVAL(`seq`, n, 0, 1).
    words.next();
    words.next();
    words.expectPunct('(');
    objectName(words, context, edits);
    while (words.isPunct(',')) {
      words.next();
      if (words.next()?.type !== 'number') throw new Refusal('SETVAL takes numbers here');
    }
    words.expectPunct(')');
    expectEnd(words);
    return { action: 'keep', text: edits.apply(text) };
  }
  if (first === 'INSERT' || first === 'REPLACE') throw new Refusal(`${first} without VALUES (… SELECT or … SET) is not how a dump writes rows`);
  for (const [pattern, reason] of KNOWN_REFUSALS) {
    const match = pattern.exec(words.list.map((token) => token.value).join(' '));
    if (match) throw new Refusal(reason);
  }
  throw new Refusal(`${head.split(' ').slice(0, 2).join(' ')} is not a statement mysqldump, mariadb-dump or mydumper write`);
}

// CREATE [OR REPLACE] [ALGORITHM=…] [DEFINER=…] [SQL SECURITY …] [AGGREGATE] [TEMPORARY] <kind>: returns the kind, the cursor after it.
function creationKind(words: Cursor): string {
  words.next();
  if (words.isWord('OR')) {
    words.next();
    words.expectWord('REPLACE');
  }
  for (;;) {
    if (words.isWord('ALGORITHM')) {
      words.next();
      words.expectPunct('=');
      words.next();
    } else if (words.isWord('DEFINER')) {
      words.skipDefiner();
    } else if (words.isWord('SQL') && words.peek(1)?.value === 'SECURITY') {
      words.next();
      words.next();
      words.next();
    } else if (words.isWord('AGGREGATE')) {
      words.next();
    } else break;
  }
  if (words.isWord('TEMPORARY')) throw new Refusal('temporary tables are not part of a dump');
  const kind = words.next();
  if (!kind || kind.type !== 'word') throw new Refusal('it is incomplete');
  return kind.value === 'SCHEMA' ? 'DATABASE' : kind.value;
}

function databaseStatement(verb: string, words: Cursor, context: StatementContext, edits: Edits, text: string): Verdict {
  refuseSeveralStatements(words);
  if (words.isWord('IF')) {
    words.next();
    if (words.isWord('NOT')) words.next();
    words.expectWord('EXISTS');
  }
  if (verb === 'ALTER') {
    // ALTER DATABASE [name] CHARACTER SET … applies to the staging copy: the name (the dump's own) is removed.
    const next = words.peek();
    if (next && (next.type === 'quoted' || (next.type === 'word' && !['DEFAULT', 'CHARACTER', 'CHARSET', 'COLLATE', 'COMMENT'].includes(next.value)))) {
      adoptDatabase(identifierValue(next), context, 'ALTER DATABASE');
      edits.replace(next, '');
      words.next();
    }
    const options = words.list.slice(words.index).map((token) => token.value).join(' ');
    if (!/^(?:(?:DEFAULT )?(?:CHARACTER SET|CHARSET|COLLATE) =? ?\S+ ?)+$/.test(options)) throw new Refusal(`ALTER DATABASE may only change the character set here, not "${options}"`);
    return { action: 'keep', text: edits.apply(text) };
  }
  const name = identifierValue(words.next());
  if (verb === 'DROP' && context.sourceDatabase === null && name !== context.staging && !context.tablesStarted) {
    // --add-drop-database: DROP DATABASE x, then CREATE DATABASE x. Dropped either way; the next statement decides.
    if (SYSTEM_DATABASES.has(name.toLowerCase())) throw new Refusal(`DROP DATABASE names the server's own database "${name}"`);
    context.pendingDrop = name;
    return { action: 'drop' };
  }
  adoptDatabase(name, context, `${verb} DATABASE`);
  return { action: 'drop' };
}

function createTable(words: Cursor, text: string, context: StatementContext, edits: Edits): Verdict {
  if (words.isWord('IF')) {
    words.next();
    words.expectWord('NOT');
    words.expectWord('EXISTS');
  }
  objectName(words, context, edits);
  let depth = 0;
  for (let token = words.next(); token; token = words.next()) {
    if (token.type === 'punct' && token.value === '(') depth++;
    else if (token.type === 'punct' && token.value === ')') depth--;
    else if (token.type === 'word' && depth === 0) {
      if (token.value === 'SELECT' || token.value === 'AS' || token.value === 'LIKE') throw new Refusal(`CREATE TABLE … ${token.value} copies from another table or query; a dump defines tables column by column`);
      if ((token.value === 'DIRECTORY' && words.previousWasWord('DATA', 'INDEX')) || token.value === 'CONNECTION' || token.value === 'UNION') {
        throw new Refusal(`the table option ${token.value === 'DIRECTORY' ? 'DATA/INDEX DIRECTORY writes files outside the data directory' : `${token.value} reaches outside the staging database`}`);
      }
      if (token.value === 'ENGINE' || token.value === 'TYPE') {
        if (words.isPunct('=')) words.next();
        const engine = words.next();
        if (!engine || !ENGINES.has(identifierValue(engine).toUpperCase())) {
          throw new Refusal(`the storage engine ${engine ? identifierValue(engine) : '(none)'} can read or write outside the database (allowed: ${[...ENGINES].join(', ')})`);
        }
      }
    } else if (token.type === 'punct' && token.value === ';') {
      throw new Refusal('it holds more than one statement');
    }
  }
  return { action: 'keep', text: edits.apply(text) };
}

function createView(words: Cursor, tokens: Token[], text: string, context: StatementContext, edits: Edits): Verdict {
  if (words.isWord('IF')) {
    words.next();
    words.expectWord('NOT');
    words.expectWord('EXISTS');
  }
  objectName(words, context, edits);
  removeDefiners(tokens, edits, context);
  mapQualifiedNames(tokens, context, edits);
  return { action: 'keep', text: edits.apply(text) };
}

// CREATE TRIGGER/PROCEDURE/FUNCTION: the body may hold `;` (BEGIN … END), but nothing may follow its end.
function createRoutine(kind: string, words: Cursor, tokens: Token[], text: string, context: StatementContext, edits: Edits): Verdict {
  if (words.isWord('IF')) {
    words.next();
    words.expectWord('NOT');
    words.expectWord('EXISTS');
  }
  objectName(words, context, edits);
  if (kind === 'TRIGGER') {
    words.expectWord('BEFORE', 'AFTER');
    words.expectWord('INSERT', 'UPDATE', 'DELETE');
    words.expectWord('ON');
    context.triggerTables.add(objectName(words, context, edits));
  } else if (kind === 'FUNCTION' && words.list.some((token) => token.value === 'SONAME')) {
    throw new Refusal('CREATE FUNCTION … SONAME loads a shared library into the server');
  }
  refuseStatementAfterBody(words);
  removeDefiners(tokens, edits, context);
  mapQualifiedNames(tokens, context, edits);
  return { action: 'keep', text: edits.apply(text) };
}

// With multi-statements on, the server runs whatever follows a `;` after a complete routine as a statement of
// its own. Blocks are counted (BEGIN/CASE/IF/LOOP/WHILE/REPEAT … END): a `;` outside every block may only end the text.
function refuseStatementAfterBody(words: Cursor): void {
  let depth = 0;
  const list = words.list;
  for (let index = words.index; index < list.length; index++) {
    const token = list[index]!;
    const next = list[index + 1];
    if (token.type === 'word') {
      if (token.value === 'BEGIN' || token.value === 'CASE') depth++;
      else if (['IF', 'REPEAT', 'WHILE', 'LOOP'].includes(token.value) && !(next?.type === 'punct' && next.value === '(') && !(token.value === 'IF' && (next?.value === 'EXISTS' || next?.value === 'NOT'))) depth++;
      else if (token.value === 'END') {
        depth--;
        if (next?.type === 'word' && ['IF', 'LOOP', 'WHILE', 'REPEAT', 'CASE'].includes(next.value)) index++;
      }
      if (depth < 0) throw new Refusal('its body has an END without a matching BEGIN');
    } else if (token.type === 'punct' && token.value === ';' && depth === 0 && list.slice(index + 1).some((rest) => !(rest.type === 'punct' && rest.value === ';'))) {
      throw new Refusal('a statement follows the routine\'s body before the delimiter, and would run on its own');
    }
  }
  if (depth !== 0) throw new Refusal('its body\'s BEGIN … END blocks do not balance');
}

function judgeSet(words: Cursor, text: string, context: StatementContext): Verdict {
  words.next();
  let drop = false;
  do {
    const target = words.next();
    if (!target) throw new Refusal('SET without a variable');
    if (target.type === 'word' && (target.value === 'NAMES' || target.value === 'CHARSET' || (target.value === 'CHARACTER' && words.isWord('SET')))) {
      if (target.value === 'CHARACTER') words.next();
      requireSafeCharset(words.next(), 'SET NAMES');
      if (words.isWord('COLLATE')) {
        words.next();
        words.next();
      }
      continue;
    }
    if (target.type === 'word' && target.value === 'TRANSACTION') {
      while (!words.done() && !words.isPunct(',')) words.next();
      continue;
    }
    let scope = 'SESSION';
    let name: string;
    if (target.type === 'variable' && !target.value.startsWith('@@')) {
      // A user variable: dumps only save a system variable's value in one, to put it back later.
      words.expectPunct('=', ':=');
      const value = words.next();
      if (target.value === '@MYSQLDUMP_TEMP_LOG_BIN') drop = true;
      else if (!value || value.type !== 'variable' || !value.value.startsWith('@@')) throw new Refusal(`${target.text} may only be set to a system variable's value here (a dump saves settings in user variables)`);
      continue;
    }
    if (target.type === 'variable') {
      const parts = target.value.slice(2).split('.');
      if (parts.length === 2) {
        scope = parts[0]!;
        name = parts[1]!;
      } else name = parts[0]!;
    } else if (target.type === 'word' && ['GLOBAL', 'SESSION', 'LOCAL'].includes(target.value)) {
      scope = target.value;
      const variable = words.next();
      if (!variable || variable.type !== 'word') throw new Refusal('SET without a variable name');
      name = variable.value;
    } else if (target.type === 'word') {
      name = target.value;
    } else throw new Refusal(`SET of ${target.text} is not a variable assignment`);
    words.expectPunct('=', ':=');
    if (DROPPED_VARIABLES.has(name)) {
      drop = true;
      while (!words.done() && !words.isPunct(',')) words.next();
      continue;
    }
    if (scope === 'GLOBAL' || scope === 'PERSIST' || scope === 'PERSIST_ONLY') throw new Refusal(`SET GLOBAL ${name.toLowerCase()} changes the whole server, not the staging database`);
    if (!SESSION_VARIABLES.has(name)) throw new Refusal(`it sets ${name.toLowerCase()}, which a dump does not need`);
    const value = words.next();
    if (!value || !['string', 'number', 'word', 'variable'].includes(value.type) || (value.type === 'variable' && !value.value.startsWith('@'))) throw new Refusal(`${name.toLowerCase()} may only be set to a plain value here`);
    if (name === 'SQL_MODE' && (value.type === 'string' || value.type === 'word') && UNSAFE_SQL_MODE.test(value.value)) {
      throw new Refusal(`the sql_mode "${value.value}" changes how quotes and backslashes are read, so the statement check could not follow the server`, 'Dump without --compatible=ansi (and without NO_BACKSLASH_ESCAPES in the dump session\'s sql_mode).');
    }
    if (name === 'CHARACTER_SET_CLIENT' && value.type !== 'variable') requireSafeCharset(value, 'character_set_client');
  } while (words.isPunct(',') && words.next());
  expectEnd(words);
  return drop ? { action: 'drop' } : { action: 'keep', text };
}

function requireSafeCharset(token: Token | undefined, what: string): void {
  const name = token ? identifierValue(token).toLowerCase() : '';
  if (!SAFE_CHARSETS.has(name)) {
    throw new Refusal(`${what} ${name || '(none)'}: in that character set a multi-byte character can hide a quote or backslash, so the statement check could not follow the server (allowed: utf8mb4, utf8, latin1, binary, ascii)`, 'Dump with --default-character-set=utf8mb4.');
  }
}

function refuseSeveralStatements(words: Cursor): void {
  const index = words.list.findIndex((token) => token.type === 'punct' && token.value === ';');
  if (index >= 0 && index < words.list.length - 1) throw new Refusal('it holds more than one statement before the delimiter; the server would run each of them');
}

function expectEnd(words: Cursor): void {
  while (words.isPunct(';')) words.next();
  if (!words.done()) throw new Refusal(`unexpected "${words.peek()!.text}" after the statement`);
}

/** Parses `[db.]name`; the database must be the dump's own (mapped to staging) or absent. Returns the name. */
function objectName(words: Cursor, context: StatementContext, edits: Edits): string {
  const first = words.next();
  if (!first || (first.type !== 'quoted' && first.type !== 'word')) throw new Refusal('a name is missing');
  if (words.isPunct('.')) {
    words.next();
    const name = words.next();
    if (!name || (name.type !== 'quoted' && name.type !== 'word')) throw new Refusal('a qualified name is incomplete');
    adoptDatabase(identifierValue(first), context, 'a qualified name', false);
    edits.replace(first, quoteName(context.staging));
    return identifierValue(name);
  }
  return identifierValue(first);
}

/** The first database a dump creates, uses or alters is its own; any other is refused. */
function adoptDatabase(name: string, context: StatementContext, where: string, mayEstablish = true): void {
  if (!name) throw new Refusal(`${where} without a database name`);
  if (SYSTEM_DATABASES.has(name.toLowerCase())) throw new Refusal(`${where} names the server's own database "${name}"`);
  if (name === context.staging) return;
  if (context.sourceDatabase === null && !mayEstablish) {
    throw new Refusal(`${where} names database "${name}", but the dump never said it is its own (with CREATE DATABASE or USE)`, 'Dump the one database: mariadb-dump --single-transaction --routines --triggers <database> | gzip > dump.sql.gz');
  }
  if (context.sourceDatabase === null && context.tablesStarted) {
    throw new Refusal(`${where} switches to database "${name}" after the dump's tables began; a dump names its database before them`);
  }
  if (context.sourceDatabase === null) context.sourceDatabase = name;
  else if (context.sourceDatabase !== name) {
    throw new Refusal(`${where} names database "${name}", but this dump's database is "${context.sourceDatabase}"; restore-from-prod restores one database into its staging copy`, 'Dump the one database: mariadb-dump --single-transaction --routines --triggers <database> | gzip > dump.sql.gz');
  }
}

// Qualified names in view and routine bodies: the dump's own database becomes the staging copy.
function mapQualifiedNames(tokens: Token[], context: StatementContext, edits: Edits): void {
  if (context.sourceDatabase === null) return;
  for (let index = 0; index + 2 < tokens.length; index++) {
    const token = tokens[index]!;
    if ((token.type !== 'quoted' && token.type !== 'word') || identifierValue(token) !== context.sourceDatabase) continue;
    if (tokens[index + 1]!.text !== '.' || (index > 0 && tokens[index - 1]!.text === '.')) continue;
    edits.replace(token, quoteName(context.staging));
  }
}

// DEFINER=… needs SUPER to set to another account; without it the loading account becomes the definer.
// Only the clause before the object's kind (VIEW, TRIGGER, …) counts: a body may say `definer = …` too.
function removeDefiners(tokens: Token[], edits: Edits, context: StatementContext): void {
  const kind = tokens.findIndex((token) => token.type === 'word' && ['VIEW', 'TRIGGER', 'PROCEDURE', 'FUNCTION'].includes(token.value));
  for (let index = 0; index < (kind < 0 ? tokens.length : kind); index++) {
    if (tokens[index]!.type !== 'word' || tokens[index]!.value !== 'DEFINER' || tokens[index + 1]?.text !== '=') continue;
    let end = index + 2;
    const user = tokens[end];
    if (!user) continue;
    if (user.value === 'CURRENT_USER') {
      if (tokens[end + 1]?.text === '(' && tokens[end + 2]?.text === ')') end += 2;
    } else if (tokens[end + 1]?.type === 'variable' && tokens[end + 1]!.text === '@' && tokens[end + 2]) end += 2;
    else if (tokens[end + 1]?.type === 'variable' && tokens[end + 1]!.text.startsWith('@')) end += 1;
    edits.remove(tokens[index]!.start, tokens[end]!.end);
    context.definersRemoved++;
  }
}

function identifierValue(token: Token | undefined): string {
  if (!token) return '';
  return token.type === 'quoted' || token.type === 'string' ? token.value : token.text;
}

function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** Replacements in the statement's text, applied at the end (by position, so the rest stays byte for byte). */
class Edits {
  private list: Array<{ start: number; end: number; text: string }> = [];
  replace(token: Token, text: string): void {
    this.list.push({ start: token.start, end: token.end, text });
  }
  remove(start: number, end: number): void {
    this.list.push({ start, end, text: '' });
  }
  apply(text: string): string {
    if (this.list.length === 0) return text;
    const sorted = [...this.list].sort((a, b) => a.start - b.start).filter((edit, index, all) => index === 0 || edit.start >= all[index - 1]!.end);
    let out = '';
    let pos = 0;
    for (const edit of sorted) {
      out += text.slice(pos, edit.start) + edit.text;
      pos = edit.end;
    }
    return out + text.slice(pos);
  }
}

/** The statement's tokens without the conditional-comment markers, read front to back. */
class Cursor {
  readonly list: Token[];
  index = 0;
  constructor(tokens: Token[]) {
    this.list = tokens.filter((token) => token.type !== 'cc-open' && token.type !== 'cc-close');
  }
  done(): boolean {
    return this.index >= this.list.length;
  }
  peek(offset = 0): Token | undefined {
    return this.list[this.index + offset];
  }
  next(): Token | undefined {
    return this.list[this.index++];
  }
  isWord(...values: string[]): boolean {
    const token = this.peek();
    return token?.type === 'word' && values.includes(token.value);
  }
  isPunct(...values: string[]): boolean {
    const token = this.peek();
    return token?.type === 'punct' && values.includes(token.value);
  }
  previousWasWord(...values: string[]): boolean {
    const token = this.list[this.index - 2];
    return token?.type === 'word' && values.includes(token.value);
  }
  expectWord(...values: string[]): Token {
    if (!this.isWord(...values)) throw new Refusal(`expected ${values.join(' or ')} but found ${this.peek() ? `"${this.peek()!.text}"` : 'the end'}`);
    return this.next()!;
  }
  expectPunct(...values: string[]): Token {
    if (!this.isPunct(...values)) throw new Refusal(`expected "${values.join('" or "')}" but found ${this.peek() ? `"${this.peek()!.text}"` : 'the end'}`);
    return this.next()!;
  }
  skipDefiner(): void {
    this.next();
    this.expectPunct('=');
    const user = this.next();
    if (user?.value === 'CURRENT_USER' && this.isPunct('(')) {
      this.next();
      this.expectPunct(')');
    } else if (this.peek()?.type === 'variable' && this.peek()!.text === '@') {
      this.next();
      this.next();
    } else if (this.peek()?.type === 'variable') this.next();
  }
}
