// The command-line clients authenticate from a 0600 options file, with awkward passwords too.
import { stat } from 'node:fs/promises';
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
  it('writes a private file the mariadb client logs in with; the password never reaches argv', async () => {
    const settings = { ...db.settings, password: awkwardPassword };
    const options = await writeClientOptionsFile(settings);
    try {
      expect((await stat(options.path)).mode & 0o777).toBe(0o600);
      const args = [options.arg, '--batch', '--skip-column-names', '-e', 'SELECT CURRENT_USER()', settings.database];
      expect(args.join(' ')).not.toContain(awkwardPassword);
      const result = await execa(findClientProgram('client'), args);
      expect(result.stdout.trim()).toBe(`${settings.user}@%`);
    } finally {
      await options.remove();
    }
    expect(existsSync(options.path)).toBe(false);
  });
});
