// Locates the MySQL/MariaDB command-line programs: MariaDB's names first, MySQL's as fallback.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

const CANDIDATES = {
  client: ['mariadb', 'mysql'],
  dump: ['mariadb-dump', 'mysqldump'],
} as const;

/** Absolute path of the client (`client`) or dump (`dump`) program on PATH. */
export function findClientProgram(kind: keyof typeof CANDIDATES, env: NodeJS.ProcessEnv = process.env): string {
  for (const name of CANDIDATES[kind]) {
    for (const dir of (env.PATH ?? '').split(path.delimiter)) {
      if (!dir) continue;
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  throw new UserError(`Neither ${CANDIDATES[kind].join(' nor ')} was found on PATH.`, {
    fix: 'sudo apt-get install -y mariadb-client   (or your distribution\'s MySQL client package)',
  });
}
