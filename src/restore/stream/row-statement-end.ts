// Finds where a row statement (INSERT/REPLACE) of a dump ends without reading it line by line: at ";\n".
// Dumps escape newlines inside values (\n), so a raw newline after ";" can only end the statement.

const SEMICOLON = 0x3b;
const CR = 0x0d;
const NEWLINE = 0x0a;

/** Tracks one statement across chunks; reset by creating a new one per statement. */
export class RowStatementEnd {
  // The previous chunk ended with ";" (or ";\r"): a newline at the start of the next ends the statement.
  private semicolonAtEnd = false;

  /** Index just past the statement's final newline in `chunk` (searching from `from`), or -1 when it goes on. */
  find(chunk: Buffer, from: number): number {
    if (this.semicolonAtEnd) {
      this.semicolonAtEnd = false;
      if (chunk[from] === NEWLINE) return from + 1;
      if (chunk[from] === CR && chunk[from + 1] === NEWLINE) return from + 2;
    }
    const plain = chunk.indexOf(';\n', from, 'latin1');
    const crlf = chunk.indexOf(';\r\n', from, 'latin1');
    if (plain >= 0 && (crlf < 0 || plain < crlf)) return plain + 2;
    if (crlf >= 0) return crlf + 3;
    const last = chunk[chunk.length - 1];
    this.semicolonAtEnd = last === SEMICOLON || (last === CR && chunk[chunk.length - 2] === SEMICOLON);
    return -1;
  }
}
