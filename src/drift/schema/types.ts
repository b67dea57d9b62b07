// The shape of a database schema as drift reads, normalizes, caches and compares it.

/** Which server family a schema was read from: information_schema differs in details between them. */
export type ServerFlavor = 'mariadb' | 'mysql';

export interface ServerInfo {
  flavor: ServerFlavor;
  /** VERSION() as the server reports it, e.g. 10.11.6-MariaDB-0+deb12u1. */
  version: string;
}

/** One database's schema: tables, views and triggers, keyed by name. */
export interface DatabaseSchema {
  /** The database (schema) name it was read from. */
  database: string;
  server: ServerInfo;
  /** Database defaults (CREATE DATABASE ... CHARACTER SET ... COLLATE ...). */
  charset: string;
  collation: string;
  tables: Record<string, TableSchema>;
  views: Record<string, ViewSchema>;
  /** Keyed by trigger name (unique per database). */
  triggers: Record<string, TriggerSchema>;
}

export interface TableSchema {
  name: string;
  engine: string | null;
  /** Table default collation; after normalization null when it is the database default. */
  collation: string | null;
  columns: Record<string, ColumnSchema>;
  /** Every index including PRIMARY and unique constraints, keyed by name. */
  indexes: Record<string, IndexSchema>;
  foreignKeys: Record<string, ForeignKeySchema>;
  checks: Record<string, CheckSchema>;
}

export interface ColumnSchema {
  name: string;
  /** 1-based ordinal position: informational only, never compared. */
  position: number;
  /** COLUMN_TYPE, e.g. varchar(100), bigint(20) unsigned; normalized without integer display widths. */
  type: string;
  nullable: boolean;
  /** The default as SQL (quoted literal 'x', number, or expression); null when none (or DEFAULT NULL). */
  default: string | null;
  /** EXTRA flags, e.g. auto_increment, on update current_timestamp(), VIRTUAL GENERATED. */
  extra: string;
  /** After normalization null when it is the table's default. */
  charset: string | null;
  collation: string | null;
  /** Expression of a generated column. */
  generation: string | null;
}

export interface IndexColumn {
  name: string;
  /** Prefix length (SUB_PART), null for the whole column. */
  prefix: number | null;
  descending: boolean;
}

export interface IndexSchema {
  name: string;
  unique: boolean;
  primary: boolean;
  /** BTREE, HASH, FULLTEXT, SPATIAL. */
  type: string;
  columns: IndexColumn[];
}

export interface ForeignKeySchema {
  name: string;
  columns: string[];
  /** The referenced table's database; after normalization null when it is the table's own database. */
  referencedDatabase: string | null;
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface CheckSchema {
  name: string;
  clause: string;
  /** MariaDB distinguishes column-level checks (named after their column) from table-level ones. */
  level: 'column' | 'table';
}

export interface ViewSchema {
  name: string;
  definition: string;
  checkOption: string;
  algorithm: string | null;
  securityType: string;
}

export interface TriggerSchema {
  name: string;
  table: string;
  timing: string;
  event: string;
  order: number;
  statement: string;
}
