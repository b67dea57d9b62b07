// Splits one SQL statement of a dump into tokens, reading it the way the mariadb client and the server
// do: quoted strings with backslash escapes, `identifiers`, comments (skipped), and the `/*!NNNNN … */`
// conditional comments whose content the server runs (their markers become tokens of their own).
// Pure: the statement check (statement-rules.ts) decides on these tokens.

export type TokenType = 'word' | 'quoted' | 'string' | 'number' | 'variable' | 'punct' | 'cc-open' | 'cc-close';

export interface Token {
  type: TokenType;
  /** The token as written. */
  text: string;
  /** Words upper-cased; quoted identifiers unquoted; strings unescaped (roughly: for checks, not for output). */
  value: string;
  start: number;
  end: number;
}

const isSpace = (code: number) => code === 0x20 || (code >= 0x09 && code <= 0x0d);
const isWordChar = (code: number) => (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === 0x24 || code >= 0x80;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/** The tokens of `text` (one statement, without its delimiter); throws on an unterminated string or comment. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let inConditional = false;
  let pos = 0;
  const length = text.length;
  while (pos < length) {
    const code = text.charCodeAt(pos);
    const next = text.charCodeAt(pos + 1);
    if (isSpace(code)) {
      pos++;
      continue;
    }
    if (code === 0x23 /* # */ || (code === 0x2d && next === 0x2d && (pos + 2 >= length || isSpace(text.charCodeAt(pos + 2))))) {
      const newline = text.indexOf('\n', pos);
      pos = newline < 0 ? length : newline + 1;
      continue;
    }
    if (code === 0x2f /* / */ && next === 0x2a /* * */) {
      const third = text[pos + 2];
      if (third === '!' || third === '+' || (third === 'M' && text[pos + 3] === '!')) {
        const match = /^\/\*(?:M?!\d*|\+)/.exec(text.slice(pos, pos + 12))!;
        tokens.push({ type: 'cc-open', text: match[0], value: match[0], start: pos, end: pos + match[0].length });
        inConditional = true;
        pos += match[0].length;
        continue;
      }
      const close = text.indexOf('*/', pos + 2);
      if (close < 0) throw new Error('a comment is not closed');
      pos = close + 2;
      continue;
    }
    if (code === 0x2a && next === 0x2f && inConditional) {
      tokens.push({ type: 'cc-close', text: '*/', value: '*/', start: pos, end: pos + 2 });
      inConditional = false;
      pos += 2;
      continue;
    }
    if (code === 0x27 || code === 0x22) {
      const end = stringEnd(text, pos);
      const raw = text.slice(pos, end);
      tokens.push({ type: 'string', text: raw, value: unescapeString(raw), start: pos, end });
      pos = end;
      continue;
    }
    if (code === 0x60 /* ` */) {
      let end = pos + 1;
      for (;;) {
        const close = text.indexOf('`', end);
        if (close < 0) throw new Error('a `quoted identifier` is not closed');
        if (text[close + 1] === '`') end = close + 2;
        else {
          end = close + 1;
          break;
        }
      }
      const raw = text.slice(pos, end);
      tokens.push({ type: 'quoted', text: raw, value: raw.slice(1, -1).replace(/``/g, '`'), start: pos, end });
      pos = end;
      continue;
    }
    if (code === 0x40 /* @ */) {
      let end = pos + 1;
      if (text.charCodeAt(end) === 0x40) end++;
      while (end < length && (isWordChar(text.charCodeAt(end)) || text[end] === '.')) end++;
      const raw = text.slice(pos, end);
      tokens.push({ type: 'variable', text: raw, value: raw.toUpperCase(), start: pos, end });
      pos = end;
      continue;
    }
    if (isDigit(code) || (code === 0x2e && isDigit(next))) {
      let end = pos + 1;
      while (end < length && (isWordChar(text.charCodeAt(end)) || text[end] === '.')) end++;
      const raw = text.slice(pos, end);
      tokens.push({ type: /^[0-9.]+(?:e[+-]?\d+)?$/i.test(raw) || /^0x[0-9a-f]+$/i.test(raw) ? 'number' : 'word', text: raw, value: raw.toUpperCase(), start: pos, end });
      pos = end;
      continue;
    }
    if (isWordChar(code)) {
      let end = pos + 1;
      while (end < length && isWordChar(text.charCodeAt(end))) end++;
      const raw = text.slice(pos, end);
      tokens.push({ type: 'word', text: raw, value: raw.toUpperCase(), start: pos, end });
      pos = end;
      continue;
    }
    if (code === 0x5c /* \ */) throw new Error('a backslash outside a string');
    const two = text.slice(pos, pos + 2);
    const punct = [':=', '<=', '>=', '<>', '!=', '||', '&&', '<<', '>>'].includes(two) ? two : text[pos]!;
    tokens.push({ type: 'punct', text: punct, value: punct, start: pos, end: pos + punct.length });
    pos += punct.length;
  }
  if (inConditional) throw new Error('a /*! conditional comment is not closed');
  return tokens;
}

// The index just past the string starting at `start` (backslash escapes, doubled quotes).
function stringEnd(text: string, start: number): number {
  const quote = text[start]!;
  let pos = start + 1;
  for (;;) {
    if (pos >= text.length) throw new Error('a quoted string is not closed');
    const char = text[pos]!;
    if (char === '\\') pos += 2;
    else if (char === quote) {
      if (text[pos + 1] === quote) pos += 2;
      else return pos + 1;
    } else pos++;
  }
}

function unescapeString(raw: string): string {
  const quote = raw[0]!;
  return raw.slice(1, -1).replace(new RegExp(`\\\\(.)|${quote}${quote}`, 'gs'), (match, escaped: string | undefined) => escaped ?? quote);
}
