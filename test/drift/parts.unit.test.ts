// Small pure parts of drift: migrate failure parsing, records vs files, --against, scratch names and env.
import { describe, expect, it } from 'vitest';
import { explainMigrateFailure } from '../../src/drift/migrate-failure.js';
import { compareRecordsWithDatabase, compareRecordsWithFiles } from '../../src/drift/migration-records.js';
import { resolveAgainst } from '../../src/drift/against.js';
import { scratchDatabaseName } from '../../src/drift/scratch-database.js';
import { resolveScratchServer } from '../../src/drift/scratch-server.js';
import { UserError } from '../../src/errors.js';
import { configSchema } from '../../src/config/schema.js';
import type { ParsedMigration } from '../../src/django/migration-types.js';

function migration(app: string, name: string, dependencies: Array<[string, string]> = [], replaces: Array<[string, string]> = []): ParsedMigration {
  return {
    app,
    name,
    file: `/p/${app}/migrations/${name}.py`,
    dependencies: dependencies.map(([a, n]) => ({ kind: 'migration', app: a, name: n })),
    replaces: replaces.map(([a, n]) => ({ app: a, name: n })),
    runBefore: [],
    initial: null,
    operations: [],
  };
}

describe('explainMigrateFailure', () => {
  it('finds the migration being applied and the last traceback line', () => {
    const output = [
      'Operations to perform:',
      '  Apply all migrations: auth, shop',
      'Running migrations:',
      '  Applying shop.0001_initial... OK',
      '  Applying shop.0002_backfill...Traceback (most recent call last):',
      '  File "manage.py", line 22, in <module>',
      "django.db.utils.OperationalError: (1146, \"Table 'x.sites_site' doesn't exist\")",
    ].join('\n');
    expect(explainMigrateFailure(output)).toMatchObject({ migration: 'shop.0002_backfill', error: "django.db.utils.OperationalError: (1146, \"Table 'x.sites_site' doesn't exist\")" });
  });

  it('reports no migration when migrate failed before applying one', () => {
    expect(explainMigrateFailure('CommandError: Conflicting migrations detected')).toEqual({ migration: null, error: 'CommandError: Conflicting migrations detected', tail: 'CommandError: Conflicting migrations detected' });
  });
});

describe('migration records', () => {
  const files = [
    migration('shop', '0001_initial'),
    migration('shop', '0002_price', [['shop', '0001_initial']]),
    migration('shop', '0001_squashed_0002', [], [['shop', '0001_initial'], ['shop', '0002_price']]),
    migration('shop', '0003_tags', [['shop', '0002_price']]),
  ];
  const expectation = { migrations: files, apps: ['shop'], settings: {}, referenceRecords: [{ app: 'auth', name: '0001_initial' }, { app: 'shop', name: '0001_initial' }] };

  it('treats a squash as applied when all it replaces is, and old rows of replaced migrations as known', () => {
    const applied = [{ app: 'auth', name: '0001_initial' }, { app: 'shop', name: '0001_initial' }, { app: 'shop', name: '0002_price' }, { app: 'shop', name: '0003_tags' }];
    expect(compareRecordsWithFiles(applied, expectation)).toEqual({ source: 'files', notApplied: [], appliedUnknown: [] });
  });

  it('lists pending migrations (the squash when nothing it replaces ran) and rows without a file', () => {
    const applied = [{ app: 'shop', name: '0099_ghost' }, { app: 'gone', name: '0001_initial' }];
    expect(compareRecordsWithFiles(applied, expectation)).toEqual({
      source: 'files',
      notApplied: [{ app: 'auth', name: '0001_initial' }, { app: 'shop', name: '0001_squashed_0002' }, { app: 'shop', name: '0003_tags' }],
      appliedUnknown: [{ app: 'gone', name: '0001_initial' }, { app: 'shop', name: '0099_ghost' }],
    });
  });

  it('compares two databases record by record for --against', () => {
    expect(compareRecordsWithDatabase([{ app: 'a', name: '1' }, { app: 'a', name: '3' }], [{ app: 'a', name: '1' }, { app: 'a', name: '2' }])).toEqual({
      source: 'database',
      notApplied: [{ app: 'a', name: '2' }],
      appliedUnknown: [{ app: 'a', name: '3' }],
    });
  });
});

describe('--against', () => {
  const live = { host: '127.0.0.1', port: 3306, user: 'dev', password: 'secret', database: 'shop' };

  it('takes a name on the same server with the same credentials', () => {
    expect(resolveAgainst('shop_staging', live, {})).toEqual({ ...live, database: 'shop_staging' });
  });

  it('reads a URL from a variable, and refuses a password on the command line', () => {
    expect(resolveAgainst('env:STAGING', live, { STAGING: 'mysql://u:p%40ss@db.example:3307/stage' })).toMatchObject({ host: 'db.example', port: 3307, user: 'u', password: 'p@ss', database: 'stage' });
    expect(() => resolveAgainst('mysql://u:pw@db/stage', live, {})).toThrow(/password on the command line/);
    expect(resolveAgainst('mysql://u@db/stage', live, { MIGRATION_GUARD_AGAINST_PASSWORD: 'pw2' })).toMatchObject({ user: 'u', password: 'pw2' });
  });

  it('turns a URL that does not parse into a user error (exit 2), never naming a password', () => {
    for (const url of ['mysql://u@db:99999/stage', 'mysql://u:%E0@db/stage']) {
      let error: unknown;
      try {
        resolveAgainst(url, live, {});
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as UserError).message).toMatch(/"--against" is not a URL/);
    }
    expect(() => resolveAgainst('postgres://u@db/stage', live, {})).toThrow(/MySQL\/MariaDB only/);
    expect(() => resolveAgainst('mysql://u@db/', live, {})).toThrow(/no database name/);
  });
});

describe('scratch server', () => {
  const live = { host: '127.0.0.1', port: 3306, user: 'dev', password: 'secret', database: 'shop' };
  const raw = configSchema.parse({ drift: { scratchServer: { urlEnv: 'SCRATCH_URL' } } });

  it('is the live server unless configured', () => {
    expect(resolveScratchServer(configSchema.parse({}), {}, live, 'f')).toEqual({ settings: { host: '127.0.0.1', port: 3306, user: 'dev', password: 'secret' }, sameAsLive: true, label: "the configured database's server" });
  });

  it('reads the configured URL (a database name in it is not needed, and ignored)', () => {
    expect(resolveScratchServer(raw, { SCRATCH_URL: 'mysql://u:p%40ss@scratch.example:3307/' }, live, 'f')).toEqual({
      settings: { host: 'scratch.example', port: 3307, user: 'u', password: 'p@ss', socket: undefined },
      sameAsLive: false,
      label: 'the scratch server (SCRATCH_URL)',
    });
    expect(resolveScratchServer(raw, { SCRATCH_URL: 'mariadb://scratch.example/ignored' }, live, 'f').settings).toEqual({ host: 'scratch.example', port: 3306, user: 'root', password: '', socket: undefined });
  });

  it('names the variable when it is unset, not a URL or not mysql:', () => {
    expect(() => resolveScratchServer(raw, {}, live, 'f')).toThrow(/names SCRATCH_URL, which is not set/);
    expect(() => resolveScratchServer(raw, { SCRATCH_URL: 'not a url' }, live, 'f')).toThrow(/names SCRATCH_URL, whose value is not a URL/);
    expect(() => resolveScratchServer(raw, { SCRATCH_URL: 'mysql://h:99999/' }, live, 'f')).toThrow(/names SCRATCH_URL, whose value is not a URL/);
    expect(() => resolveScratchServer(raw, { SCRATCH_URL: 'postgres://h/' }, live, 'f')).toThrow(/names SCRATCH_URL, whose scheme "postgres:" is not mysql:/);
  });
});

describe('scratch database', () => {
  it('names it from the template within 64 characters', () => {
    expect(scratchDatabaseName('{database}__drift_{random}', 'shop', 'abcd1234')).toBe('shop__drift_abcd1234');
    const long = scratchDatabaseName('{database}__drift_{random}', 'x'.repeat(80), 'abcd1234');
    expect(long).toHaveLength(64);
    expect(long.endsWith('__drift_abcd1234')).toBe(true);
  });

  it('validates the drift config section', () => {
    expect(configSchema.parse({}).drift).toMatchObject({ scratchDatabase: '{database}__drift_{random}', setup: [], cache: true, ignore: { tables: [], columns: [], names: false } });
    expect(() => configSchema.parse({ drift: { scratchDatabase: 'scratch' } })).toThrow(/\{random\}/);
    expect(() => configSchema.parse({ drift: { unknown: 1 } })).toThrow();
  });
});
