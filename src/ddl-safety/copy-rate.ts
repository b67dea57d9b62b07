// Measures how fast the scratch server copies a table (ALTER TABLE … FORCE, ALGORITHM=COPY on generated rows),
// so that "writes blocked for roughly N minutes" rests on a measurement of this server, not on a constant.
import type { Connection } from '../db/connect.js';
import type { CopyRate } from '../checks/ddl-classification.js';

const SAMPLE_TABLE = 'migration_guard_copy_rate';

/** Fills a sample table in the (scratch) database `connection` is on, copies it once and times the copy. */
export async function measureCopyRate(connection: Connection, sampleRows = 20_000): Promise<CopyRate> {
  await connection.query(`DROP TABLE IF EXISTS ${SAMPLE_TABLE}`);
  await connection.query(
    `CREATE TABLE ${SAMPLE_TABLE} (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL, amount BIGINT NOT NULL, created DATETIME(6) NOT NULL, note LONGTEXT NOT NULL, KEY ${SAMPLE_TABLE}_amount (amount)) ENGINE=InnoDB`,
  );
  // Digits cross-joined: no sequence engine or recursion limit needed (works on MySQL and MariaDB alike).
  const digits = 'SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9';
  await connection.query(
    `INSERT INTO ${SAMPLE_TABLE} (name, amount, created, note)
     SELECT CONCAT('row ', n, ' ', MD5(n)), n * 37, NOW(6) - INTERVAL n SECOND, REPEAT(MD5(n), 2)
     FROM (SELECT a.d + b.d * 10 + c.d * 100 + e.d * 1000 + f.d * 10000 AS n FROM (${digits}) a, (${digits}) b, (${digits}) c, (${digits}) e, (${digits}) f) numbers
     WHERE n < ?`,
    [sampleRows],
  );
  await connection.query(`ANALYZE TABLE ${SAMPLE_TABLE}`);
  const [rows] = await connection.query(`SELECT DATA_LENGTH + INDEX_LENGTH AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`, [SAMPLE_TABLE]);
  const sampleBytes = Number((rows as Array<{ bytes: number }>)[0]?.bytes ?? 0);
  const started = process.hrtime.bigint();
  await connection.query(`ALTER TABLE ${SAMPLE_TABLE} FORCE, ALGORITHM=COPY`);
  const ms = Math.max(1, Number(process.hrtime.bigint() - started) / 1e6);
  await connection.query(`DROP TABLE ${SAMPLE_TABLE}`);
  return { rowsPerSecond: (sampleRows * 1000) / ms, bytesPerSecond: (sampleBytes * 1000) / ms, sampleRows, sampleBytes, ms };
}
