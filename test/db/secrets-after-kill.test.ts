// No file holding the database password is left behind when restore-from-prod is killed with -9 while
// its mariadb client loads the dump (the client's option file outlives the kill; the password never was in it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProduction, createDeveloper, type Developer, type Production } from '../restore/support/fixtures.js';
import { runUntilPaused } from '../restore/support/cli.js';
import { clientOptionFiles, leftoverFilesContaining } from '../helpers/leftover-secrets.js';

let production: Production;
let developer: Developer;

beforeAll(async () => {
  production = await buildProduction();
  developer = await createDeveloper(production);
});
afterAll(async () => {
  await developer?.remove();
  await production?.remove();
});

describe('kill -9 of restore-from-prod during the load', () => {
  it('leaves no file containing the password', async () => {
    const run = await runUntilPaused(developer, 'load:2000', ['--db-source', production.sql, '--no-media', '--yes', '--no-migrate']);
    const optionFiles = await clientOptionFiles();
    expect(optionFiles.length).toBeGreaterThan(0);
    await run.killHard();
    expect(await leftoverFilesContaining(developer.db.settings.password)).toEqual([]);
  });
});
