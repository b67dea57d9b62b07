import { describe, expect, it } from 'vitest';
import { describeConnection, parseDatabaseUrl, parseServerUrl, explicitConnectionSettings } from '../../src/db/connection-settings.js';
import { configSchema } from '../../src/config/schema.js';

const mapped = configSchema.parse({ database: { env: { name: 'HCAT_DB', user: 'HCAT_USER', password: 'HCAT_PASSWORD', host: 'HCAT_HOST', port: 'HCAT_PORT' } } });

describe('explicitConnectionSettings', () => {
  it('reads the variables the project settings already use', () => {
    const settings = explicitConnectionSettings(mapped, { HCAT_DB: 'hcat', HCAT_USER: 'web', HCAT_PASSWORD: 's3cret', HCAT_HOST: 'db.local', HCAT_PORT: '3307' }, 'cfg');
    expect(settings).toMatchObject({ database: 'hcat', user: 'web', password: 's3cret', host: 'db.local', port: 3307, socket: undefined });
    expect(settings?.origins).toMatchObject({ database: '$HCAT_DB (config database.env)', port: '$HCAT_PORT (config database.env)' });
  });

  it('names the missing variable and the bad port', () => {
    expect(() => explicitConnectionSettings(mapped, {}, 'cfg')).toThrow(/HCAT_DB, which is not set/);
    expect(() => explicitConnectionSettings(mapped, { HCAT_DB: 'x', HCAT_PORT: 'abc' }, 'cfg')).toThrow(/HCAT_PORT.*"abc" is not a port number/);
  });

  it('reads the URL variable the config names, and nothing when the config names none (Django says then)', () => {
    const byUrl = configSchema.parse({ database: { urlEnv: 'DATABASE_URL' } });
    const settings = explicitConnectionSettings(byUrl, { DATABASE_URL: 'mysql://app:p%40ss@127.0.0.1:3310/shop' }, 'cfg');
    expect(settings).toMatchObject({ user: 'app', password: 'p@ss', host: '127.0.0.1', port: 3310, database: 'shop' });
    expect(() => explicitConnectionSettings(byUrl, {}, 'cfg')).toThrow(/names the variable DATABASE_URL, which is not set/);
    // A DATABASE_URL in the environment alone does not override the settings: they may not read it.
    expect(explicitConnectionSettings(configSchema.parse({}), { DATABASE_URL: 'mysql://app@h/shop' }, 'cfg')).toBeNull();
  });

  it('rejects URLs for other databases and URLs without a database name', () => {
    expect(() => parseDatabaseUrl('postgres://u:p@h/db', 'DATABASE_URL', 'cfg')).toThrow(/MySQL\/MariaDB only/);
    expect(() => parseDatabaseUrl('mysql://u:p@h:3306/', 'DATABASE_URL', 'cfg')).toThrow(/no database name/);
  });

  it('calls a URL that does not parse (port out of range, bad %-escape) not a URL', () => {
    expect(() => parseDatabaseUrl('mysql://u@h:99999/db', 'DATABASE_URL', 'cfg')).toThrow(/"DATABASE_URL" is not a URL/);
    expect(() => parseDatabaseUrl('mysql://u:%E0@h/db', 'DATABASE_URL', 'cfg')).toThrow(/"DATABASE_URL" is not a URL/);
  });

  it('parses a server URL with or without a database name', () => {
    expect(parseServerUrl('mysqlgis://app:p%40ss@db:3307/?unix_socket=/run/mysqld.sock')).toEqual({
      problem: null,
      server: { host: 'db', port: 3307, user: 'app', password: 'p@ss', socket: '/run/mysqld.sock' },
      database: '',
    });
    expect(parseServerUrl('mysql://db/shop')).toMatchObject({ problem: null, database: 'shop', server: { user: 'root', password: '', port: 3306 } });
    expect(parseServerUrl('postgres://db/shop')).toEqual({ problem: 'scheme', scheme: 'postgres:' });
    expect(parseServerUrl('db/shop')).toEqual({ problem: 'not a URL' });
  });

  it('describes a connection without its password', () => {
    const text = describeConnection({ host: 'h', port: 1, user: 'u', password: 'TopSecret', database: 'd' });
    expect(text).toBe('database "d" on h:1 as user "u"');
    expect(text).not.toContain('TopSecret');
  });
});
