// The dump's statement check: what it passes (byte for byte where it can), rewrites, drops and refuses,
// whatever the chunking.
import { describe, expect, it } from 'vitest';
import { SqlDumpFilter } from '../../../src/restore/stream/sql-filter.js';

/** Runs `input` through a filter in chunks of `chunkSize` bytes. */
async function filter(input: string | Buffer, chunkSize = 65_536, staging = 'dev__restore_1') {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const stream = new SqlDumpFilter({ staging });
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
  DECLARE n INT;
  IF n IS NULL THEN SET n = 1; END IF;
  SELECT COUNT(*) INTO n FROM \`shop\`.\`t\`;
END ;;
DELIMITER ;
/*!50003 ALTER DATABASE \`shop\` CHARACTER SET latin1 COLLATE latin1_swedish_ci */ ;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER='root'@'localhost' SQL SECURITY DEFINER */
/*!50001 VIEW \`v\` AS select 1 AS \`x\` */;
-- Dump completed on 2026-11-25  0:34:32
`;

/** Runs `input` and returns the refusal (or fails when it passes), with what reached the output before it. */
async function refused(input: string, chunkSize = 65_536) {
  const stream = new SqlDumpFilter({ staging: 'dev__restore_1' });
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<Error | null>((resolve) => {
    stream.on('end', () => resolve(null));
    stream.on('error', resolve);
  });
  const bytes = Buffer.from(input, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkSize) stream.write(bytes.subarray(i, i + chunkSize));
  stream.end();
  const error = await done;
  expect(error, `not refused: ${input}`).toBeInstanceOf(Error);
  return { message: error!.message, output: Buffer.concat(out).toString('utf8') };
}

const HEADER = `/*!40101 SET NAMES utf8mb4 */;
CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`shop\` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
USE \`shop\`;
CREATE TABLE \`t\` (\`id\` int NOT NULL, \`note\` text) ENGINE=InnoDB;
`;

describe('SqlDumpFilter', () => {
  it('passes a mariadb-dump dump: CREATE DATABASE, USE and the sandbox line dropped, line numbers kept, in any chunking', async () => {
    const whole = await filter(MARIADB_DUMP);
    const text = whole.output.toString('utf8');
    expect(text.split('\n')).toHaveLength(MARIADB_DUMP.split('\n').length);
    expect(text).not.toMatch(/^CREATE DATABASE|^USE `shop`|sandbox|DEFINER=.root/m);
    // Row data passes byte for byte, string contents that look like statements included.
    expect(text).toContain("INSERT INTO `t` VALUES\n(1,'DEFINER=`a`@`b` USE x'),\n(2,'😀');");
    expect(text).toContain('/*!50003 ALTER DATABASE  CHARACTER SET latin1');
    expect(text).toContain('FROM `dev__restore_1`.`t`;'); // the dump's database in a routine body → staging
    expect(whole.stats).toMatchObject({ trailerSeen: true, databases: ['shop'], definersRemoved: 3 });
    for (const size of [1, 3, 7, 100]) expect((await filter(MARIADB_DUMP, size)).output.toString('utf8')).toBe(text);
  });

  it('maps the dump\'s database in qualified names to staging and drops DROP DATABASE of it (--add-drop-database)', async () => {
    const dump = `/*!40000 DROP DATABASE IF EXISTS \`dev\`*/;\nCREATE DATABASE \`dev\`;\nUSE \`dev\`;\nDROP TABLE IF EXISTS \`dev\`.\`t\`;\nCREATE TABLE dev.t (id int);\nLOCK TABLES \`dev\`.\`t\` WRITE;\nINSERT INTO \`dev\`.\`t\` VALUES (1),(2);\nUNLOCK TABLES;\n-- Dump completed on x\n`;
    const { output, stats } = await filter(dump);
    const text = output.toString('utf8');
    expect(text).not.toMatch(/DATABASE|USE|`dev`\./);
    expect(text).toContain('INSERT INTO `dev__restore_1`.`t` VALUES (1),(2);');
    expect(text).toContain('CREATE TABLE `dev__restore_1`.t (id int);');
    expect(stats.trailerSeen).toBe(true);
  });

  it('passes what MySQL\'s mysqldump and mydumper write, dropping the SUPER-only settings', async () => {
    const mysqldump = `-- MySQL dump 10.13  Distrib 8.0.36
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;
SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5';
DROP TABLE IF EXISTS \`t\`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE \`t\` (\`id\` int NOT NULL AUTO_INCREMENT, \`b\` blob, PRIMARY KEY (\`id\`)) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4;
/*!40101 SET character_set_client = @saved_cs_client */;
LOCK TABLES \`t\` WRITE;
/*!40000 ALTER TABLE \`t\` DISABLE KEYS */;
INSERT INTO \`t\` VALUES (1,_binary 'a\\0b'),(2,0x00FF),(-3,NULL),(4,'1e5');
/*!40000 ALTER TABLE \`t\` ENABLE KEYS */;
UNLOCK TABLES;
SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
-- Dump completed on 2026-11-25 10:00:00
`;
    const mysql = await filter(mysqldump);
    expect(mysql.stats).toMatchObject({ trailerSeen: true, statementsDropped: 4 });
    expect(mysql.output.toString('utf8')).toContain("INSERT INTO `t` VALUES (1,_binary 'a\\0b'),(2,0x00FF),(-3,NULL),(4,'1e5');");
    expect(mysql.output.toString('utf8')).not.toMatch(/SQL_LOG_BIN|GTID_PURGED/);
    const mydumper = "/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n/*!40103 SET TIME_ZONE='+00:00' */;\nINSERT INTO `t` VALUES(1,'a'),\n(2,'b');\n-- Dump completed\n";
    expect((await filter(mydumper)).output.toString('utf8')).toContain("INSERT INTO `t` VALUES(1,'a'),\n(2,'b');");
  });

  it('notices a dump without its trailer (truncated)', async () => {
    expect((await filter(`${HEADER}INSERT INTO t VALUES (1,'a');\n`)).stats.trailerSeen).toBe(false);
    expect((await filter(`${HEADER}INSERT INTO t VALUES (1,'a');\n-- Dump completed on x\nINSERT INTO t VALUES (2,'b');\n`)).stats.trailerSeen).toBe(false);
  });

  const hostile: Array<[string, string, RegExp]> = [
    ['DROP DATABASE of another database', 'DROP DATABASE IF EXISTS `dev`;', /names database "dev", but this dump's database is "shop"/],
    ['UPDATE of the live database', 'UPDATE dev.t SET note = 1;', /a dump only inserts rows/],
    ['INSERT into another database', 'INSERT INTO `dev`.`t` VALUES (1,\'x\');', /names database "dev"/],
    ['USE in a conditional comment', '/*!50000 USE dev */;', /USE names database "dev"/],
    ['USE with the name on the next line', 'USE\n`dev`;', /USE names database "dev"/],
    ['USE after a comment', '/* hi */ USE dev;', /USE names database "dev"/],
    ['a second statement after a row statement', 'INSERT INTO t VALUES (1,\'a\'); DROP DATABASE dev;', /names database "dev"/],
    ['a second statement inside a DELIMITER block', 'DELIMITER ;;\nINSERT INTO t VALUES (1,\'a\'); DROP DATABASE dev ;;\nDELIMITER ;', /more than one statement|"\;" outside a string|between rows/],
    ['a statement after a routine body', 'DELIMITER ;;\nCREATE PROCEDURE p() SELECT 1; DROP DATABASE dev ;;\nDELIMITER ;', /a statement follows the routine's body/],
    ['LOAD DATA LOCAL INFILE', "LOAD DATA LOCAL INFILE '/home/dev/.ssh/id_rsa' INTO TABLE t;", /LOAD DATA reads files/],
    ['CREATE USER', "CREATE USER 'x'@'%' IDENTIFIED BY 'y';", /CREATE USER is not part of a dump/],
    ['GRANT', 'GRANT ALL ON *.* TO x;', /changes privileges/],
    ['SET GLOBAL', 'SET GLOBAL local_infile = 1;', /changes the whole server/],
    ['SET @@global', '/*!40101 SET @@GLOBAL.general_log = 1 */;', /changes the whole server/],
    ['INTO OUTFILE', "SELECT * FROM t INTO OUTFILE '/tmp/x';", /writes files on the server/],
    ['a function call in the rows', "INSERT INTO t VALUES (1, LOAD_FILE('/etc/passwd'));", /function call or subquery/],
    ['a subquery in the rows', 'INSERT INTO t VALUES (1, (SELECT note FROM dev.t));', /function call or subquery/],
    ['a variable in the rows', 'INSERT INTO t VALUES (1, @@hostname);', /"@" outside a string/],
    ['INSERT … SELECT', 'INSERT INTO t SELECT * FROM dev.t;', /without VALUES/],
    ['a multi-byte character set', 'SET NAMES gbk;', /multi-byte character can hide a quote/],
    ['NO_BACKSLASH_ESCAPES', "SET sql_mode = 'NO_BACKSLASH_ESCAPES';", /changes how quotes and backslashes are read/],
    ['a user variable from a literal', "SET @OLD_SQL_MODE = 'ANSI';", /may only be set to a system variable's value/],
    ['the CONNECT engine', "CREATE TABLE x (a int) ENGINE=CONNECT TABLE_TYPE=CSV FILE_NAME='/etc/passwd';", /storage engine CONNECT/],
    ['DATA DIRECTORY', "CREATE TABLE x (a int) ENGINE=InnoDB DATA DIRECTORY='/tmp';", /DATA\/INDEX DIRECTORY writes files/],
    ['rows after a trigger', 'DELIMITER ;;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.note = 1 ;;\nDELIMITER ;\nINSERT INTO t VALUES (1,\'a\');', /trigger would run during the load/],
    ['a client command', 'SELECT 1 \\! id', /backslash outside a string/],
    ['CREATE FUNCTION … SONAME', "CREATE FUNCTION f RETURNS STRING SONAME 'x.so';", /loads a shared library/],
    ['a system database', 'DROP TABLE mysql.user;', /the server's own database "mysql"/],
  ];

  for (const [what, statement, reason] of hostile) {
    it(`refuses ${what}, naming the line, before any of it is passed on`, async () => {
      const dump = `${HEADER}\n${statement}\n-- Dump completed on x\n`;
      const line = HEADER.split('\n').length + 1;
      for (const size of [65_536, 5]) {
        const { message, output } = await refused(dump, size);
        expect(message).toMatch(reason);
        expect(message).toContain('The dump was refused at line');
        if (!statement.startsWith('DELIMITER')) expect(message).toContain(`at line ${line} `);
        // Nothing of the refused statement reached the client as a complete statement (a row statement's
        // checked start may have: without its delimiter the client never runs it).
        expect(output).not.toContain(statement.replace(/^DELIMITER ;;\n/, ''));
        expect(output).not.toMatch(/DROP DATABASE|`dev`|dev\.t|GRANT|USER|OUTFILE|GLOBAL|gbk|CONNECT|SONAME|mysql\./);
      }
    });
  }
});
