// The scratch database the reference is migrated into: created empty, always dropped (also on Ctrl-C/SIGTERM).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { quoteIdentifier, withConnection } from '../db/connect.js';
import { writeClientOptionsFile, type ClientOptionsFile } from '../db/client-options-file.js';
import { findClientProgram } from '../db/client-programs.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export interface ScratchDatabase {
  name: string;
  settings: ConnectionSettings;
  /** Aborted when the process is interrupted: pass to the Django child so it stops before the drop. */
  signal: AbortSignal;
  /** Drops the database (idempotent) and stops watching for interrupts. */
  drop(): Promise<void>;
}

const MAX_NAME_LENGTH = 64;

/** The scratch database's name from the template: {database} and {random} replaced, at most 64 characters. */
export function scratchDatabaseName(template: string, database: string, random = randomBytes(4).toString('hex')): string {
  const fixedLength = template.replace('{database}', '').replace('{random}', random).length;
  const room = Math.max(0, MAX_NAME_LENGTH - fixedLength);
  return template.replace('{database}', database.slice(0, room)).replace('{random}', random);
}

/**
 * Creates an empty database with the given defaults. Until drop() it is dropped on SIGINT/SIGTERM and on
 * process exit too, synchronously through the mariadb client, so an interrupted run leaves nothing behind
 * (with `onSignal: 'abort'`, a signal only aborts `signal`, and the caller's own handling goes on to drop() it).
 */
export async function createScratchDatabase(
  server: Omit<ConnectionSettings, 'database'>,
  name: string,
  defaults: { charset: string; collation: string },
  where: string,
  options: { onSignal?: 'drop-and-exit' | 'abort' } = {},
): Promise<ScratchDatabase> {
  const settings: ConnectionSettings = { ...server, database: name };
  await withConnection(
    settings,
    async (connection) => {
      try {
        await connection.query(`CREATE DATABASE ${quoteIdentifier(name)} CHARACTER SET ${defaults.charset} COLLATE ${defaults.collation}`);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR') {
          const pattern = name.replace(/[0-9a-f]{8}$/, '%').replace(/_/g, '\\_').replace(/\\_%$/, '%');
          throw new UserError(`Cannot create the scratch database "${name}" on ${where}: user "${server.user}" may not create databases there.`, {
            fix: `Let it create scratch databases: GRANT ALL PRIVILEGES ON \`${pattern}\`.* TO '${server.user}'@'%';  or build the reference elsewhere with "drift": { "scratchServer": { "urlEnv": "DRIFT_SCRATCH_URL" } }`,
            cause: error,
          });
        }
        throw new UserError(`Cannot create the scratch database "${name}" on ${where}: ${(error as Error).message}`, {
          fix: 'Fix the cause the server names above, or build the reference on another server: "drift": { "scratchServer": { "urlEnv": "DRIFT_SCRATCH_URL" } }',
          cause: error,
        });
      }
    },
    { database: null },
  );

  const controller = new AbortController();
  let optionsFile: ClientOptionsFile | null = null;
  let dropped = false;
  // Synchronous, so it also works from an 'exit' handler; true when the database is gone.
  const dropSync = (): boolean => {
    if (dropped) return true;
    controller.abort();
    if (!optionsFile) return false;
    try {
      const result = spawnSync(findClientProgram('client'), [optionsFile.arg, '--batch', '-e', `SET SESSION lock_wait_timeout = 20; DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`], { stdio: 'ignore', timeout: 30_000, env: optionsFile.env() });
      dropped = result.status === 0;
    } catch {
      // Nothing more can be done while exiting; the name says what it was (…__drift_…).
    }
    return dropped;
  };
  // Exits itself: other listeners (execa's signal-exit among them) make "is anyone else handling it?" unanswerable.
  // 'abort': a caller with its own interrupt handling (deploy) only has the Django child stopped; its finally drops.
  const onSignal = (): void => {
    if (options.onSignal === 'abort') {
      controller.abort();
      return;
    }
    const gone = dropSync();
    process.stderr.write(`\nInterrupted${gone ? `; scratch database "${name}" dropped` : `; drop the scratch database by hand: DROP DATABASE \`${name}\`;`}.\n`);
    process.exit(ExitCode.interrupted);
  };
  const onExit = (): void => {
    dropSync();
  };
  process.prependListener('SIGINT', onSignal);
  process.prependListener('SIGTERM', onSignal);
  process.on('exit', onExit);
  const unwatch = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  };

  try {
    optionsFile = await writeClientOptionsFile(settings);
  } catch {
    optionsFile = null; // the asynchronous drop below still works
  }

  return {
    name,
    settings,
    signal: controller.signal,
    async drop() {
      try {
        if (!dropped) {
          await withConnection(settings, (connection) => connection.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`), { database: null });
          dropped = true;
        }
      } catch (error) {
        if (!dropSync()) throw new UserError(`Could not drop the scratch database "${name}" on ${where}: ${(error as Error).message}`, { fix: `DROP DATABASE \`${name}\`;` });
      } finally {
        unwatch();
        await optionsFile?.remove();
      }
    },
  };
}
