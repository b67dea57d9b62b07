// What the project's Django itself uses (the answer of ask-django.ts): DATABASES[alias] as the MySQL
// backend hands it to MySQLdb, MEDIA_ROOT and the installed apps' migration directories.
import { UserError } from '../errors.js';

/** An installed app and where its migrations are (null: the app has no migrations package). */
export interface InstalledApp {
  label: string;
  name: string;
  path: string;
  migrationsDir: string | null;
}

/** The keyword arguments Django's MySQL backend passes to MySQLdb.connect() (without `conv`). */
export interface MySQLdbParams {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  passwd?: string;
  database?: string;
  db?: string;
  unix_socket?: string;
  read_default_file?: string;
  read_default_group?: string;
  charset?: string;
  ssl?: Record<string, string>;
  [option: string]: unknown;
}

export interface DjangoSettings {
  alias: string;
  djangoVersion: string;
  settingsModule: string | null;
  /** Every alias's engine; `params` only for the alias asked about, and only for a MySQL engine. */
  databases: Record<string, { engine: string; params: MySQLdbParams | null }>;
  mediaRoot: string;
  authUserModel: string;
  apps: InstalledApp[];
  /** Environment variables the settings read while loading, with their values as the process started (null: unset). */
  environmentRead: Record<string, string | null>;
  /** The settings iterated over the whole environment (then every variable counts). */
  environmentIterated: boolean;
  /** manage.py, the settings' own modules and the files they opened while loading. */
  files: string[];
}

/** The settings' MySQL connection arguments for their alias; a non-MySQL engine is a UserError naming it. */
export function mysqlParams(settings: DjangoSettings): MySQLdbParams {
  const database = settings.databases[settings.alias];
  if (!database) {
    throw new UserError(`The settings module "${settings.settingsModule}" has no DATABASES["${settings.alias}"] (it has: ${Object.keys(settings.databases).join(', ') || 'none'}).`, {
      fix: `Use one of those with --database ALIAS.`,
    });
  }
  if (!database.params) {
    throw new UserError(`DATABASES["${settings.alias}"] in "${settings.settingsModule}" uses the engine ${database.engine || '(none)'}; migration-guard works with MySQL and MariaDB only (django.db.backends.mysql).`, {
      fix: `Point --database at a MySQL alias, or set "database" in migration-guard.config.json.`,
    });
  }
  return database.params;
}
