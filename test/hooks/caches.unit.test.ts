// The verdict cache key and the remembered hook context: what invalidates them.
import { mkdtemp, rm, writeFile, mkdir, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verdictKey, type VerdictKeyInputs } from '../../src/hooks/verdict-cache.js';
import { knowsAppsOf, mayAffectVerdict, readContextCache, writeContextCache, type CachedContext } from '../../src/hooks/context-cache.js';

describe('verdictKey', () => {
  const inputs: VerdictKeyInputs = {
    entries: [
      { mode: '100644', object: 'a'.repeat(40), path: 'shop/models.py' },
      { mode: '100644', object: 'b'.repeat(40), path: 'README.md' },
    ],
    identity: { python: '/venv/bin/python', binary: { realpath: '/usr/bin/python3.11', mtimeMs: 1, size: 2 }, django: { file: '/venv/django/__init__.py', mtimeMs: 3, size: 4, version: '3.2.25' } },
    settingsModule: 'site.settings',
    appLabels: ['shop'],
    managePy: 'manage.py',
    extraFiles: [],
  };

  test('depends on Python files, interpreter, Django and settings; not on other files', () => {
    const key = verdictKey(inputs);
    expect(verdictKey({ ...inputs, entries: [inputs.entries[0]!, { ...inputs.entries[1]!, object: 'c'.repeat(40) }] })).toBe(key);
    expect(verdictKey({ ...inputs, entries: [{ ...inputs.entries[0]!, object: 'd'.repeat(40) }, inputs.entries[1]!] })).not.toBe(key);
    expect(verdictKey({ ...inputs, identity: { ...inputs.identity, django: { ...inputs.identity.django, version: '4.2' } } })).not.toBe(key);
    expect(verdictKey({ ...inputs, identity: { ...inputs.identity, python: '/other/bin/python' } })).not.toBe(key);
    expect(verdictKey({ ...inputs, settingsModule: 'site.settings_ci' })).not.toBe(key);
    expect(verdictKey({ ...inputs, extraFiles: ['.env 1234'] })).not.toBe(key);
  });
});

describe('remembered hook context', () => {
  let dir: string;
  let context: CachedContext;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mg-ctx-'));
    await mkdir(path.join(dir, '.git'));
    await mkdir(path.join(dir, 'shop/migrations'), { recursive: true });
    await mkdir(path.join(dir, 'newapp/migrations'), { recursive: true });
    await writeFile(path.join(dir, 'shop/migrations/__init__.py'), '');
    await writeFile(path.join(dir, 'newapp/migrations/__init__.py'), '');
    await writeFile(path.join(dir, 'migration-guard.config.json'), '{}');
    await writeFile(path.join(dir, 'manage.py'), '');
    context = {
      repository: { root: dir, gitDir: path.join(dir, '.git'), commonDir: path.join(dir, '.git') },
      project: { apps: [{ label: 'shop', dir: 'shop', migrationsDir: 'shop/migrations' }], settings: ['site/settings.py'], managePy: 'manage.py', projectDir: '' },
      config: {
        configFile: path.join(dir, 'migration-guard.config.json'),
        repoRoot: dir,
        projectRoot: dir,
        managePy: path.join(dir, 'manage.py'),
        python: { path: '/usr/bin/python3', source: 'config' },
        settingsModule: 'site.settings',
        settingsFile: null,
        authUserModel: 'auth.User',
        apps: [{ label: 'shop', dir: path.join(dir, 'shop'), migrationsDir: path.join(dir, 'shop/migrations') }],
        role: 'development',
        roleSource: 'config',
        raw: {} as CachedContext['config']['raw'],
      },
    };
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('valid until an input changes: config file, environment', async () => {
    writeContextCache(context, dir);
    expect(readContextCache(path.join(dir, '.git'), dir)?.project).toEqual(context.project);
    expect(readContextCache(path.join(dir, '.git'), '/elsewhere')).toBeNull();

    process.env.MIGRATION_GUARD_ROLE = 'staging';
    try {
      expect(readContextCache(path.join(dir, '.git'), dir)).toBeNull();
    } finally {
      delete process.env.MIGRATION_GUARD_ROLE;
    }
    expect(readContextCache(path.join(dir, '.git'), dir)).not.toBeNull();

    const later = new Date(Date.now() + 5000);
    await utimes(path.join(dir, 'migration-guard.config.json'), later, later);
    expect(readContextCache(path.join(dir, '.git'), dir)).toBeNull();
  });

  test('paths in an app it does not know (a new app) need a full load; settings and known apps are guarded', () => {
    expect(knowsAppsOf(context, ['shop/models.py', 'tools/x.py'])).toBe(true);
    expect(knowsAppsOf(context, ['newapp/models.py'])).toBe(false);
    expect(mayAffectVerdict('site/settings.py', context.project, dir)).toBe(true);
    expect(mayAffectVerdict('shop/views.py', context.project, dir)).toBe(true);
    expect(mayAffectVerdict('newapp/models.py', context.project, dir)).toBe(true);
    expect(mayAffectVerdict('tools/x.py', context.project, dir)).toBe(false);
  });
});
