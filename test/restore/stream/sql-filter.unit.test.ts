// The dump filter: what it drops, rewrites and passes through untouched, whatever the chunking.
import { describe, expect, it } from 'vitest';
import { SqlDumpFilter } from '../../../src/restore/stream/sql-filter.js';

/** Runs `input` through a filter in chunks of `chunkSize` bytes. */
async function filter(input: string | Buffer, chunkSize = 65_536) {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const stream = new SqlDumpFilter();
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (let i = 0; i < bytes.length; i += chunkSize) stream.write(bytes.subarray(i, i + chunkSize));
  stream.end();
  await done;
  return { output: Buffer.concat(out), stats: stream.stats };
}

const MARIADB_DUMP = `/*M!999999\\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;

CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`shop\` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;

USE \`shop\`;
DROP TABLE IF EXISTS \`t\`;
CREATE TABLE \`t\` (
  \`id\` int(11) NOT NULL,
  \`note\` varchar(20) DEFAULT NULL COMMENT 'USE me; CREATE DATABASE x'
) ENGINE=InnoDB;
INSERT INTO \`t\` VALUES
(1,'DEFINER=\`a\`@\`b\` USE x'),
(2,'😀');
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=\`root\`@\`localhost\`*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.note = UPPER(NEW.note) */;;
DELIMITER ;
DELIMITER ;;
CREATE DEFINER=\`root\`@\`%\` PROCEDURE \`p\`()
BEGIN
USE other;
END ;;
DELIMITER ;
/*!50003 ALTER DATABASE \`shop\` CHARACTER SET latin1 COLLATE latin1_swedish_ci */ ;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER='root'@'localhost' SQL SECURITY DEFINER */
/*!50001 VIEW \`v\` AS select 1 AS \`x\` */;
-- Dump completed on 2026-11-25  0:34:32
`;

describe('SqlDumpFilter', () => {
  it('drops CREATE DATABASE, USE and the sandbox line, keeping line numbers', async () => {
    const { output, stats } = await filter(MARIADB_DUMP);
    const lines = output.toString('utf8').split('\n');
    const original = MARIADB_DUMP.split('\n');
    expect(lines).toHaveLength(original.length);
    expect(lines[0]).toBe('');
    expect(lines[5]).toBe('');
    expect(lines[7]).toBe('');
    expect(stats.databases).toEqual(['shop']);
    expect(stats.linesDropped).toBe(3);
  });

  it('leaves statement contents alone: column comments, row data, procedure bodies', async () => {
    const text = (await filter(MARIADB_DUMP)).output.toString('utf8');
    expect(text).toContain("COMMENT 'USE me; CREATE DATABASE x'");
    expect(text).toContain("(1,'DEFINER=`a`@`b` USE x'),\n(2,'😀');");
    expect(text).toContain('BEGIN\nUSE other;\nEND ;;');
  });

  it('removes DEFINER clauses from triggers, routines and views', async () => {
    const { output, stats } = await filter(MARIADB_DUMP);
    const text = output.toString('utf8');
    expect(text).toContain('/*!50003 CREATE*/ /*!50017 */ /*!50003 TRIGGER tr');
    expect(text).toContain('CREATE PROCEDURE `p`()');
    expect(text).toContain('/*!50013 SQL SECURITY DEFINER */');
    expect(stats.definersRemoved).toBe(3);
  });

  it('makes ALTER DATABASE apply to whatever database it is loaded into', async () => {
    expect((await filter(MARIADB_DUMP)).output.toString('utf8')).toContain('/*!50003 ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci */ ;');
  });

  it('sees the trailer, and its absence', async () => {
    expect((await filter(MARIADB_DUMP)).stats.trailerSeen).toBe(true);
    const cut = MARIADB_DUMP.slice(0, MARIADB_DUMP.indexOf('-- Dump completed'));
    expect((await filter(cut)).stats.trailerSeen).toBe(false);
    expect((await filter(`${MARIADB_DUMP}INSERT INTO t VALUES (3,'after');\n`)).stats.trailerSeen).toBe(false);
    expect((await filter('')).stats.trailerSeen).toBe(false);
  });

  it('gives the same bytes whatever the chunk size', async () => {
    const expected = (await filter(MARIADB_DUMP)).output;
    for (const size of [1, 2, 3, 7, 16, 100]) expect((await filter(MARIADB_DUMP, size)).output.equals(expected), `chunk ${size}`).toBe(true);
  });

  it('passes row data through byte for byte, including bytes that are not UTF-8 and CRLF line ends', async () => {
    const binary = Buffer.concat([Buffer.from("INSERT INTO `b` VALUES (1,'"), Buffer.from([0xff, 0xfe, 0x80, 0x00, 0x0d]), Buffer.from("');\r\n-- Dump completed\r\n")]);
    const { output, stats } = await filter(binary, 5);
    expect(output.equals(binary)).toBe(true);
    expect(stats.trailerSeen).toBe(true);
  });

  it('passes very long row lines through without holding them', async () => {
    const row = `INSERT INTO \`big\` VALUES ${Array.from({ length: 20_000 }, (_, i) => `(${i},'${'x'.repeat(40)}')`).join(',')};\n`;
    const input = `${row}-- Dump completed\n`;
    const { output } = await filter(input, 4096);
    expect(output.toString('utf8')).toBe(input);
  });

  it("drops MySQL's GTID and SQL_LOG_BIN lines, including a GTID set spanning lines", async () => {
    const mysql = `SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;
SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,
5ee3b2a3-71ca-11e1-9e33-c80aa9429562:1-3';
/*!50503 SET NAMES utf8mb4 */;
SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;
-- Dump completed on 2026-11-25 10:00:00
`;
    const { output, stats } = await filter(mysql);
    expect(output.toString('utf8')).toBe('\n\n\n\n/*!50503 SET NAMES utf8mb4 */;\n\n-- Dump completed on 2026-11-25 10:00:00\n');
    expect(stats.trailerSeen).toBe(true);
  });

  it('refuses a dump of several databases', async () => {
    const two = 'CREATE DATABASE `a`;\nUSE `a`;\nCREATE DATABASE `b`;\nUSE `b`;\n-- Dump completed\n';
    await expect(filter(two)).rejects.toThrow('The dump holds more than one database (a, b)');
  });
});
