// The preflight checks that need the checkout, the database and the disk (role, migrate arguments and the
// backup directory are checked before the locks are taken).
import type { ResolvedConfig } from '../../config/load-config.js';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { withConnection } from '../../db/connect.js';
import { findClientProgram } from '../../db/client-programs.js';
import { estimateBackupSpace } from '../../backup/disk-space.js';
import { formatBytes } from '../../ui/format-bytes.js';
import type { PreflightCheck } from './preflight-check.js';
import { checkPullSource, checkWorkingTree } from './checkout-checks.js';
import { downCommands } from '../service/service-commands.js';
import { checkDjangoReachesSameDatabase } from './django-database-check.js';

export interface PreflightInput {
  config: ResolvedConfig;
  settings: ConnectionSettings;
  backupDir: string;
  pull: boolean;
  env: NodeJS.ProcessEnv;
  alias: string;
}

/** Working tree, untracked migrations, pull source, client programs, database reachable, disk space, service commands. */
export async function runRemainingPreflight(input: PreflightInput): Promise<PreflightCheck[]> {
  const { config, settings, backupDir } = input;
  const checks: PreflightCheck[] = [...(await checkWorkingTree(config, backupDir))];
  if (input.pull) checks.push((await checkPullSource(config)).check);
  checks.push(checkClientPrograms(input.env));
  const database = await checkDatabaseAndSpace(settings, backupDir);
  checks.push(...database);
  // Only when reachable: the backup must be of the very database Django is about to migrate.
  if (database[0]?.ok) checks.push(await checkDjangoReachesSameDatabase(config, settings, input.env, input.alias));
  checks.push(checkServiceCommands(config));
  return checks;
}

/** mariadb-dump/mysqldump and mariadb/mysql are on PATH. */
export function checkClientPrograms(env: NodeJS.ProcessEnv): PreflightCheck {
  try {
    const dump = findClientProgram('dump', env);
    const client = findClientProgram('client', env);
    return { name: 'client programs', ok: true, summary: `${dump}, ${client}` };
  } catch (error) {
    return { name: 'client programs', ok: false, summary: (error as Error).message, fix: 'sudo apt-get install -y mariadb-client' };
  }
}

/** The database answers, and the backup directory has room for a dump of it. */
export async function checkDatabaseAndSpace(settings: ConnectionSettings, backupDir: string): Promise<PreflightCheck[]> {
  try {
    return await withConnection(settings, async (connection) => {
      const [rows] = await connection.query('SELECT VERSION() AS version');
      const version = String((rows as Array<{ version: string }>)[0]?.version);
      const space = await estimateBackupSpace(connection, settings.database, backupDir);
      const spaceCheck: PreflightCheck = space.enough
        ? { name: 'disk space', ok: true, summary: `about ${formatBytes(space.neededBytes)} needed, ${formatBytes(space.freeBytes)} free in ${backupDir}` }
        : {
            name: 'disk space',
            ok: false,
            summary: `the backup needs about ${formatBytes(space.neededBytes)} (table data ${formatBytes(space.dataBytes)} + 1 MB), but ${backupDir} has ${formatBytes(space.freeBytes)} free`,
            fix: `Free space there (old backups: ls -t ${backupDir}), lower "deploy.keep", or point "deploy.backupDir" / --backup-dir at a larger disk.`,
          };
      return [{ name: 'database', ok: true, summary: `reachable (${version})` }, spaceCheck];
    });
  } catch (error) {
    const fix = (error as { fix?: string }).fix ?? 'Run: migration-guard doctor';
    return [{ name: 'database', ok: false, summary: (error as Error).message, fix }];
  }
}

/** Passes always; warns when nothing stops the application during the deploy. */
export function checkServiceCommands(config: ResolvedConfig): PreflightCheck {
  const down = downCommands(config.raw.deploy);
  if (down.length) return { name: 'service', ok: true, summary: down.map((command) => `${command.step}: ${command.command}`).join('; ') };
  return { name: 'service', ok: true, summary: 'no stop or maintenance command configured', warning: 'set "deploy.serviceStop"/"serviceStart" so nothing writes while migrating' };
}
