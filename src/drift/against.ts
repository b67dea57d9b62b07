// Reads `--against`: a database name on the same server, a URL without a password, or env:VAR naming a URL.
import { parseDatabaseUrl, type ConnectionSettings } from '../db/connection-settings.js';
import { UserError } from '../errors.js';

/** The variable a password-less --against URL takes its password from. */
export const AGAINST_PASSWORD_ENV = 'MIGRATION_GUARD_AGAINST_PASSWORD';

/** Connection settings of the database given to --against; passwords never come from the command line. */
export function resolveAgainst(value: string, live: ConnectionSettings, env: NodeJS.ProcessEnv): ConnectionSettings {
  if (value.startsWith('env:')) {
    const variable = value.slice(4);
    const url = env[variable];
    if (!url) throw new UserError(`--against ${value}: the variable ${variable} is not set.`, { fix: `export ${variable}=mysql://user:password@host:3306/dbname` });
    return parseDatabaseUrl(url, variable, '--against');
  }
  if (value.includes('://')) {
    // Parsed first: an unparsable URL (say, port 99999) is a user error too, not a crash.
    const settings = parseDatabaseUrl(value, '--against', '--against');
    if (settings.password) {
      throw new UserError('--against: a password on the command line ends up in shell history and process lists; migration-guard does not take it.', {
        fix: `Put the URL in a variable and pass its name: export STAGING_URL=mysql://...; migration-guard drift --against env:STAGING_URL   (or leave the password out and export ${AGAINST_PASSWORD_ENV})`,
      });
    }
    return { ...settings, password: env[AGAINST_PASSWORD_ENV] ?? (sameServer(settings, live) ? live.password : '') };
  }
  if (!/^[^/\\.]{1,64}$/.test(value)) throw new UserError(`--against "${value}" is not a database name, a mysql:// URL or env:VARIABLE.`, { fix: 'migration-guard drift --against staging_copy' });
  return { ...live, database: value };
}

function sameServer(a: ConnectionSettings, b: ConnectionSettings): boolean {
  return a.host === b.host && a.port === b.port && a.user === b.user;
}
