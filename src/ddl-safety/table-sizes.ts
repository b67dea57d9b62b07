// The size of the tables a deploy's DDL would touch, on the live target: information_schema.TABLES only (read only).
import type { Connection } from '../db/connect.js';
import type { TableSize } from '../checks/ddl-classification.js';

/** table → size, for the tables that exist in `database` (a table a pending migration creates is absent). */
export async function readTableSizes(connection: Connection, database: string, tables: string[]): Promise<Map<string, TableSize>> {
  const sizes = new Map<string, TableSize>();
  if (tables.length === 0) return sizes;
  const [rows] = await connection.query(
    `SELECT TABLE_NAME AS name, COALESCE(TABLE_ROWS, 0) AS tableRows, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) AS bytes
     FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)`,
    [database, tables],
  );
  for (const row of rows as Array<{ name: string; tableRows: number; bytes: number }>) sizes.set(row.name, { rows: Number(row.tableRows), bytes: Number(row.bytes) });
  return sizes;
}
