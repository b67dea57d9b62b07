import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError, UserError } from '../../src/errors.js';

let dir: string;

async function write(relative: string, content: string): Promise<void> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

async function djangoSkeleton(): Promise<void> {
  await write('manage.py', "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n");
  await write('mysite/__init__.py', '');
  await write('mysite/settings.py', "AUTH_USER_MODEL = 'accounts.User'\n");
  for (const app of ['accounts', 'shop']) {
    await write(`${app}/__init__.py`, '');
    await write(`${app}/migrations/__init__.py`, '');
  }
  // Third-party code with migrations must never be guarded.
  await write('.venv/pyvenv.cfg', 'home = /usr/bin\n');
  await write('.venv/lib/python3.11/site-packages/thirdparty/__init__.py', '');
  await write('.venv/lib/python3.11/site-packages/thirdparty/migrations/__init__.py', '');
  await write('vendor/env/pyvenv.cfg', '');
  await write('vendor/env/lib/other/__init__.py', '');
  await write('vendor/env/lib/other/migrations/__init__.py', '');
  await write('node_modules/pkg/app/__init__.py', '');
  await write('node_modules/pkg/app/migrations/__init__.py', '');
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('discovers manage.py, the settings module, AUTH_USER_MODEL and first-party apps only', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{}');
    const config = await loadConfig({ cwd: path.join(dir, 'shop'), env: {} });
    expect(config.repoRoot).toBe(dir);
    expect(config.managePy).toBe(path.join(dir, 'manage.py'));
    expect(config.settingsModule).toBe('mysite.settings');
    expect(config.authUserModel).toBe('accounts.User');
    expect(config.apps.map((app) => app.label)).toEqual(['accounts', 'shop']);
    expect(config.role).toBe('development');
  });

  it('reads the migrationGuard key of package.json', async () => {
    await djangoSkeleton();
    await write('package.json', JSON.stringify({ name: 'site', migrationGuard: { role: 'staging', apps: ['shop'] } }));
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(config.configFile).toBe(path.join(dir, 'package.json'));
    expect(config.role).toBe('staging');
    expect(config.apps.map((app) => app.label)).toEqual(['shop']);
  });

  it('lets MIGRATION_GUARD_ROLE override the role and rejects an unknown one', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{"role": "development"}');
    expect((await loadConfig({ cwd: dir, env: { MIGRATION_GUARD_ROLE: 'production' } })).role).toBe('production');
    await expect(loadConfig({ cwd: dir, env: { MIGRATION_GUARD_ROLE: 'prod' } })).rejects.toThrow(/MIGRATION_GUARD_ROLE.*"prod".*development, staging, production/);
  });

  it('names the key, the file and a right example for a wrong value', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{"role": "live"}');
    let error: unknown;
    try {
      await loadConfig({ cwd: dir, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).toContain('"role"');
    expect(configError.message).toContain(path.join(dir, 'migration-guard.config.json'));
    expect(configError.fix).toContain('"role": "development"');
  });

  it('rejects unknown keys and unknown apps by name', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{"aps": ["shop"]}');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/"aps" is not a known setting/);
    // A typo inside a section is named by its full path, and the example is that section's.
    await write('migration-guard.config.json', '{"restore": {"sanitise": []}}');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/"restore\.sanitise" is not a known setting/);
    await write('migration-guard.config.json', '{"restore": {"database": {"paralel": 2}}}');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/"restore\.database\.paralel" is not a known setting/);
    await write('migration-guard.config.json', '{"apps": ["billing"]}');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/"billing".*found: accounts, shop/);
  });

  it('says how to fix invalid JSON and a missing configuration', async () => {
    await write('migration-guard.config.json', '{"role": ');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(/is not valid JSON/);
    await rm(path.join(dir, 'migration-guard.config.json'));
    const empty = await mkdtemp(path.join(os.tmpdir(), 'mg-empty-'));
    try {
      await expect(loadConfig({ cwd: empty, env: {} })).rejects.toThrow(UserError);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('chooses the Python interpreter: config, then $VIRTUAL_ENV, then .venv, then python3', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{}');
    expect((await loadConfig({ cwd: dir, env: {} })).python.path).toBe('python3');
    await write('.venv/bin/python', '#!/bin/sh\n');
    expect((await loadConfig({ cwd: dir, env: {} })).python.path).toBe(path.join(dir, '.venv/bin/python'));
    await write('elsewhere/bin/python', '#!/bin/sh\n');
    expect((await loadConfig({ cwd: dir, env: { VIRTUAL_ENV: path.join(dir, 'elsewhere') } })).python.path).toBe(path.join(dir, 'elsewhere/bin/python'));
    await write('migration-guard.config.json', '{"python": "/usr/bin/python3"}');
    expect((await loadConfig({ cwd: dir, env: { VIRTUAL_ENV: path.join(dir, 'elsewhere') } })).python).toEqual({ path: '/usr/bin/python3', source: 'config "python"' });
  });
});

describe('the validated configuration cache', () => {
  const cacheFile = () => path.join(dir, '.migration-guard', 'cache', 'config.json');

  it('serves the remembered validation while the data is unchanged, and validates changed data afresh', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{"role": "development"}');
    expect((await loadConfig({ cwd: dir, env: {}, rememberValidation: true })).role).toBe('development');
    // Prove the next load is served from the cache: an entry for the same data answers "staging".
    const entry = JSON.parse(await readFile(cacheFile(), 'utf8')) as { data: string; raw: { role: string } };
    expect(entry.data).toBe('{"role":"development"}');
    entry.raw.role = 'staging';
    await writeFile(cacheFile(), JSON.stringify(entry));
    expect((await loadConfig({ cwd: dir, env: {}, rememberValidation: true })).role).toBe('staging');

    await write('migration-guard.config.json', '{"role": "production"}');
    expect((await loadConfig({ cwd: dir, env: {}, rememberValidation: true })).role).toBe('production');
  });

  it('is used only when asked for', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{"role": "staging"}');
    expect((await loadConfig({ cwd: dir, env: {} })).role).toBe('staging');
    await expect(readFile(cacheFile(), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('never remembers invalid data, and ignores a damaged cache file', async () => {
    await djangoSkeleton();
    await write('migration-guard.config.json', '{"role": "live"}');
    await expect(loadConfig({ cwd: dir, env: {}, rememberValidation: true })).rejects.toThrow(ConfigError);
    await expect(readFile(cacheFile(), 'utf8')).rejects.toThrow(/ENOENT/);

    await write('migration-guard.config.json', '{"role": "production"}');
    await write('.migration-guard/cache/config.json', '{"schema": ');
    expect((await loadConfig({ cwd: dir, env: {}, rememberValidation: true })).role).toBe('production');
    // The damaged file was replaced by a good entry.
    expect(JSON.parse(await readFile(cacheFile(), 'utf8'))).toMatchObject({ data: '{"role":"production"}' });
  });
});
