// The facts the lock-safety verdict is computed from: how the server classified each pending DDL statement,
// the live tables' sizes and the measured copy rate. Shapes only (and the one estimate from them), so that
// checks/ stays the pure bottom layer: src/ddl-safety/ gathers these facts and imports them from here.

/** How the server runs a statement: the first of INSTANT, INPLACE+LOCK=NONE, INPLACE it accepted, else a copy. */
export type DdlKind = 'instant' | 'inplace' | 'inplace-locked' | 'copy' | 'create-table' | 'other-ddl' | 'other';

export interface ClassifiedStatement {
  /** The statement as Django executed it (parameters inlined, as sqlmigrate prints them). */
  sql: string;
  /** The table it changes, when it is DDL on a table. */
  table: string | null;
  kind: DdlKind;
  /** The server's refusals, word for word, for each ALGORITHM/LOCK tried before the one that ran. */
  refusals: Array<{ tried: string; message: string }>;
  /** How long it took on the (empty) scratch table. */
  ms: number;
}

export interface ClassifiedMigration {
  app: string;
  name: string;
  statements: ClassifiedStatement[];
}

export interface TableSize {
  /** InnoDB's row estimate (TABLE_ROWS), not an exact count. */
  rows: number;
  /** DATA_LENGTH + INDEX_LENGTH: what a copy rewrites. */
  bytes: number;
}

export interface CopyRate {
  rowsPerSecond: number;
  bytesPerSecond: number;
  /** What was measured, for the report. */
  sampleRows: number;
  sampleBytes: number;
  ms: number;
}

/** Seconds a copy of a table this size would take at `rate`: the slower of the row and byte estimates. */
export function estimateCopySeconds(rate: CopyRate, rows: number, bytes: number): number {
  return Math.max(rows / rate.rowsPerSecond, bytes / rate.bytesPerSecond);
}
