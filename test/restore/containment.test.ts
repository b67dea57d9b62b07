// Whatever production's dump holds, only the staging copy can change: hostile dumps are refused with the
// offending statement's line, and the developer's database, other databases, accounts, global variables,
// server files and local files stay exactly as they were — with a limited account and with one that has
// global privileges (root on a dev machine). The temporary loading account is limited by the server itself.
// A --add-drop-database dump of the target's own name restores correctly.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStagingAccount, dropStagingAccount, dropLeftoverStagingAccount } from '../../src/restore/load/staging-account.js';
import { adminQuery, adminSettings } from '../helpers/database.js';
import { restoreCli, runUntilPaused } from './support/cli.js';
import { databaseFingerprint, type DatabaseFingerprint, type TreeEntry } from './support/checksums.js';
import { buildProduction, createDeveloper, expectUnchanged, optionFile, query, siblingDatabases, type Developer, type Production } from './support/fixtures.js';

let production: Production;
let developer: Developer;
let before: { db: DatabaseFingerprint; media: TreeEntry[] };
let work: string;
const other = `other_${randomBytes(3).toString('hex')}`;
const rootUser = `mgroot_${randomBytes(3).toString('hex')}`;
const rootPassword = `Pw-${randomBytes(9).toString('base64url')}`;
let rootEnv: Record<string, string>;

beforeAll(async () => {
  production = await buildProduction();
  developer = await createDeveloper(production);
  work = await mkdtemp(path.join(os.tmpdir(), 'mg-contain-'));
  await adminQuery(`CREATE DATABASE \`${other}\`; CREATE TABLE \`${other}\`.t (id INT PRIMARY KEY, note VARCHAR(20)); INSERT INTO \`${other}\`.t VALUES (1, 'keep me');
    CREATE USER '${rootUser}'@'%' IDENTIFIED BY '${rootPassword}'; GRANT ALL PRIVILEGES ON *.* TO '${rootUser}'@'%' WITH GRANT OPTION;`);
  rootEnv = { HCAT_USER: rootUser, HCAT_PASSWORD: rootPassword };
  before = { db: await developer.fingerprint(), media: await developer.mediaFingerprint() };
});

afterAll(async () => {
  await adminQuery(`DROP DATABASE IF EXISTS \`${other}\`; DROP USER IF EXISTS '${rootUser}'@'%';`).catch(() => {});
  await Promise.all([developer?.remove(), production?.remove(), work ? rm(work, { recursive: true, force: true }) : undefined]);
});

beforeEach(async () => {
  await developer.writeConfig({});
});

/** Puts the developer's database and media back (after a restore that was meant to succeed). */
async function resetDeveloper(): Promise<void> {
  await developer.reset();
  before = { db: await developer.fingerprint(), media: await developer.mediaFingerprint() };
}

/** What a hostile dump must not change: accounts, global variables, other databases, server files. */
async function serverState() {
  const users = (await adminQuery('SELECT CONCAT(User, "@", Host) AS u FROM mysql.user ORDER BY 1')) as Array<{ u: string }>;
  const globals = (await adminQuery('SELECT @@GLOBAL.local_infile AS a, @@GLOBAL.general_log AS b, @@GLOBAL.max_connections AS c, @@GLOBAL.sql_mode AS d')) as unknown[];
  const grants = (await adminQuery(`SHOW GRANTS FOR '${developer.db.settings.user}'@'%'`)) as unknown[];
  return { users: users.map((row) => row.u), globals, grants, other: await databaseFingerprint(adminSettings(other)) };
}

/** The developer's dump (loadable by their own user) with `statement` inserted after the first CREATE TABLE; returns it and the statement's line. */
async function hostileDump(name: string, statement: string): Promise<{ file: string; line: number }> {
  const lines = (await readFile(production.sql.replace(/\.sql$/, '.dev.sql'), 'utf8')).split('\n');
  const at = lines.findIndex((line) => line.startsWith(') ENGINE=')) + 1;
  lines.splice(at, 0, ...statement.split('\n'));
  const file = path.join(work, `${name}.sql`);
  await writeFile(file, lines.join('\n'));
  return { file, line: at + 1 };
}

const live = () => developer.db.settings.database;
const secretFile = path.join(os.tmpdir(), `mg-secret-${randomBytes(3).toString('hex')}.txt`);
const outfile = path.join(os.tmpdir(), `mg-outfile-${randomBytes(3).toString('hex')}.txt`);

const hostile = (): Array<[string, string, RegExp]> => [
  ['drops another database', `DROP DATABASE IF EXISTS \`${other}\`;`, /names database ".*", but this dump's database is|DROP DATABASE/],
  ['updates the live database by its qualified name', `UPDATE \`${live()}\`.catalog_category SET name = 'pwned';`, /a dump only inserts rows/],
  ['inserts into another database', `INSERT INTO \`${other}\`.t VALUES (2, 'pwned');`, /names database/],
  ['switches databases inside a conditional comment', `/*!50000 USE \`${other}\` */;\nDROP TABLE IF EXISTS t;`, /switches to database/],
  ['switches databases with the name on the next line, inside a DELIMITER block', `DELIMITER ;;\nUSE\n\`${other}\` ;;\nDELIMITER ;`, /switches to database/],
  ['reads a local file with LOAD DATA LOCAL INFILE', `CREATE TABLE loot (x TEXT);\nLOAD DATA LOCAL INFILE '${secretFile}' INTO TABLE loot;`, /LOAD DATA reads files/],
  ['creates an account', "CREATE USER 'intruder'@'%' IDENTIFIED BY 'x';", /CREATE USER is not part of a dump/],
  ['grants privileges', `GRANT ALL PRIVILEGES ON *.* TO '${developer?.db.settings.user ?? 'x'}'@'%';`, /changes privileges/],
  ['sets a global variable', 'SET GLOBAL max_connections = 7;', /changes the whole server/],
  ['writes a server file', `SELECT 'x' INTO OUTFILE '${outfile}';`, /writes files on the server/],
  ['hides a second statement after a row statement', "INSERT INTO auth_group VALUES (99,'x'); SET GLOBAL general_log = 1;", /changes the whole server/],
];

describe('a hostile dump is refused before the swap, and nothing outside the staging copy changes', () => {
  for (const account of ['the developer\'s limited account', 'an account with global privileges'] as const) {
    it(`with ${account}`, async () => {
      await writeFile(secretFile, 'id_rsa: very secret\n');
      const state = await serverState();
      const env = account === 'the developer\'s limited account' ? {} : rootEnv;
      for (const [what, statement, reason] of hostile()) {
        const { file, line: inserted } = await hostileDump(what.replace(/\W+/g, '-'), statement);
        // The offending statement's own line: after a DELIMITER line or a harmless first statement.
        const line = statement.startsWith('DELIMITER') || statement.startsWith('CREATE TABLE loot') ? inserted + 1 : inserted;
        const result = await restoreCli(developer, ['--yes', '--no-media', '--db-source', file], env);
        expect(result.exitCode, `${what}: ${result.stderr}`).toBe(1);
        expect(result.stderr, what).toContain(`The dump was refused at line ${line} `);
        expect(result.stderr, what).toMatch(reason);
        expect(result.stderr, what).toContain('your database is unchanged');
        await expectUnchanged(developer, before);
        expect(await serverState(), what).toEqual(state);
        expect(await siblingDatabases(developer), what).toEqual([]);
        expect(existsSync(outfile), what).toBe(false);
        expect(await readFile(secretFile, 'utf8')).toBe('id_rsa: very secret\n');
      }
    });
  }

  it('loads through a temporary account with privileges on the staging database only, dropped afterwards', async () => {
    const state = await serverState();
    const result = await restoreCli(developer, ['--yes', '--json', '--no-media', '--db-source', production.gz], rootEnv);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).database.loadedThrough).toMatch(/^a temporary account with privileges on ".*__restore_\d+" only$/);
    expect(await serverState()).toEqual(state); // the temporary account is gone
    // Views, triggers and routines work after the account that created them was dropped.
    const [view] = (await query(developer.db.settings, 'SELECT COUNT(*) AS n FROM product_names')) as Array<{ n: number }>;
    expect(Number(view!.n)).toBe(production.fingerprint.tables.catalog_product!.rows);
    await query(developer.db.settings, 'CALL count_products()');
    await resetDeveloper();
  });

  it('says so when the developer\'s account may not create one, and loads through it', async () => {
    const result = await restoreCli(developer, ['--yes', '--json', '--no-media', '--db-source', production.gz]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).database.loadedThrough).toMatch(/^your own account \(your account .* may not create a temporary one/);
    await resetDeveloper();
  });
});

describe('the temporary loading account', () => {
  it('left by a restore killed with -9 during the load is dropped by the next run', async () => {
    const state = await serverState();
    const paused = await runUntilPaused(developer, 'load:12000', ['--yes', '--no-media', '--db-source', production.gz], rootEnv);
    const during = (await adminQuery("SELECT User AS u FROM mysql.user WHERE User LIKE 'mg\\_restore\\_%'")) as Array<{ u: string }>;
    expect(during).toHaveLength(1);
    await paused.killHard();
    const cleanup = await restoreCli(developer, ['--cleanup'], rootEnv);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(cleanup.stdout + cleanup.stderr).toContain(`Dropped the temporary loading account '${during[0]!.u}'`);
    expect(await serverState()).toEqual(state);
    await expectUnchanged(developer, before);
    expect(await siblingDatabases(developer)).toEqual([]);
  });

  it('can change the staging database and nothing else, and is dropped (also when a run was interrupted)', async () => {
    const staging = `${live()}__restore_29990101000000`;
    const admin = await mysql.createConnection({ host: adminSettings().host, port: adminSettings().port, user: rootUser, password: rootPassword });
    const stateDir = path.join(work, 'state');
    try {
      await admin.query(`CREATE DATABASE \`${staging}\``);
      // A database whose name the GRANT's `_` wildcard would match if it were not escaped.
      await admin.query(`CREATE DATABASE IF NOT EXISTS \`${staging.replace('__restore_', '__restoreX')}\``);
      const outcome = await createStagingAccount(admin, stateDir, { ...developer.db.settings, user: rootUser, password: rootPassword }, staging);
      expect(outcome.account).not.toBeNull();
      const account = outcome.account!;
      const as = await mysql.createConnection({ host: account.settings.host, port: account.settings.port, user: account.settings.user, password: account.settings.password, database: staging, multipleStatements: true });
      try {
        await as.query('CREATE TABLE t (id INT); INSERT INTO t VALUES (1); CREATE VIEW v AS SELECT id FROM t');
        for (const statement of [
          `DROP DATABASE \`${other}\``,
          `INSERT INTO \`${other}\`.t VALUES (3, 'x')`,
          `UPDATE \`${live()}\`.catalog_category SET name = 'x'`,
          `CREATE TABLE \`${staging.replace('__restore_', '__restoreX')}\`.t (id INT)`,
          "CREATE USER 'intruder'@'%'",
          'SET GLOBAL max_connections = 7',
          `SELECT 1 INTO OUTFILE '${outfile}'`,
          "SELECT LOAD_FILE('/etc/passwd') IS NULL AS denied",
        ]) {
          const attempt = await as.query(statement).then((rows) => rows[0], (error: Error) => error);
          if (statement.startsWith('SELECT LOAD_FILE')) expect((attempt as Array<{ denied: number }>)[0]!.denied, statement).toBe(1);
          else expect(attempt, statement).toBeInstanceOf(Error);
        }
      } finally {
        await as.end();
      }
      await dropStagingAccount(admin, stateDir, account);
      const [gone] = (await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ?', [account.user])) as unknown as [[{ n: number }]];
      expect(Number(gone[0]!.n)).toBe(0);

      // An interrupted run left one (recorded before it was created): the next run drops it.
      const left = await createStagingAccount(admin, stateDir, { ...developer.db.settings, user: rootUser, password: rootPassword }, staging);
      expect(await dropLeftoverStagingAccount(admin, stateDir)).toContain(`Dropped the temporary loading account '${left.account!.user}'`);
      const [none] = (await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ?', [left.account!.user])) as unknown as [[{ n: number }]];
      expect(Number(none[0]!.n)).toBe(0);
      expect(await dropLeftoverStagingAccount(admin, stateDir)).toBeNull();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${staging}\``);
      await admin.query(`DROP DATABASE IF EXISTS \`${staging.replace('__restore_', '__restoreX')}\``);
      await admin.end();
    }
    expect(await databaseFingerprint(adminSettings(other))).toEqual((await serverState()).other);
  });
});

describe('a --databases --add-drop-database dump of the target\'s own name', () => {
  it('restores correctly, keeps the previous copy for --undo, and a truncated one leaves the database as it was', async () => {
    const options = await optionFile(work, production.db.admin, 'prod-admin.cnf');
    const dumped = await execa('mariadb-dump', [`--defaults-extra-file=${options}`, '--single-transaction', '--routines', '--triggers', '--databases', '--add-drop-database', production.db.settings.database]);
    // As if production's database had the developer's name (the usual case: same name everywhere).
    const file = path.join(work, 'add-drop-database.sql');
    await writeFile(file, dumped.stdout.split(`\`${production.db.settings.database}\``).join(`\`${live()}\``) + '\n');
    expect(await readFile(file, 'utf8')).toContain(`DROP DATABASE IF EXISTS \`${live()}\``);

    const truncated = path.join(work, 'add-drop-database-truncated.sql');
    const text = await readFile(file, 'utf8');
    await writeFile(truncated, text.slice(0, text.indexOf('INSERT INTO `catalog_product`')));
    const cut = await restoreCli(developer, ['--yes', '--no-media', '--db-source', truncated]);
    expect(cut.exitCode, cut.stderr).toBe(1);
    expect(cut.stderr).toContain('is truncated');
    await expectUnchanged(developer, before);

    const result = await restoreCli(developer, ['--yes', '--no-media', '--db-source', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    const restored = await databaseFingerprint(developer.db.admin);
    expect(restored.tables).toEqual(production.fingerprint.tables);
    expect(await siblingDatabases(developer)).toEqual([`${live()}__previous`]);
    expect(Object.keys((await databaseFingerprint(developer.db.admin, `${live()}__previous`)).tables)).toContain('dev_scratch');
    const undo = await restoreCli(developer, ['--undo', '--yes']);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect((await developer.fingerprint()).tables).toEqual(before.db.tables);
    await resetDeveloper();
  });
});
