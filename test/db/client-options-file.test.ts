// The command-line clients connect through a 0600 options file and take the password from their own
// environment, with awkward passwords too: neither argv nor a file ever holds it.
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClientOptionsFile } from '../../src/db/client-options-file.js';
import { findClientProgram } from '../../src/db/client-programs.js';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';

let db: TestDatabase;
const awkwardPassword = `p"a\\ss#w;o'rd =x`;

beforeAll(async () => {
  db = await createTestDatabase('opts');
  await adminQuery(`ALTER USER '${db.settings.user}'@'%' IDENTIFIED BY ?`, [awkwardPassword]);
});
afterAll(async () => {
  await db?.drop();
});

describe('writeClientOptionsFile', () => {
  it('writes a private file the mariadb client logs in with; the password reaches neither argv nor the file', async () => {
    const settings = { ...db.settings, password: awkwardPassword };
    const options = await writeClientOptionsFile(settings);
    try {
      expect((await stat(options.path)).mode & 0o777).toBe(0o600);
      const args = [options.arg, '--batch', '--skip-column-names', '-e', 'SELECT CURRENT_USER()', settings.database];
      expect(args.join(' ')).not.toContain(awkwardPassword);
      expect(await readFile(options.path, 'utf8')).not.toContain('a\\ss#w');
      const result = await execa(findClientProgram('client'), args, { env: options.env(), extendEnv: false });
      expect(result.stdout.trim()).toBe(`${settings.user}@%`);
    } finally {
      await options.remove();
    }
    expect(existsSync(options.path)).toBe(false);
  });
});
