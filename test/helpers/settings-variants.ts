// The fixture project with other DATABASES settings and no migration-guard config at all: the shapes real
// Django projects have (socket, option file, a URL parsed in the settings, literals, several aliases).
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { createFixtureRepo, DJANGO_PYTHON, type FixtureRepo } from './fixture-project.js';

/** A checkout whose hcat/settings.py says `databases` (Python) for DATABASES and reads MEDIA_ROOT from APP_MEDIA. */
export async function createSettingsVariant(databases: string, options: { extraSettings?: string } = {}): Promise<FixtureRepo> {
  const repo = await createFixtureRepo({ commit: false });
  await rm(path.join(repo.dir, 'migration-guard.config.json'));
  const file = path.join(repo.dir, 'hcat/settings.py');
  const settings = await readFile(file, 'utf8');
  const start = settings.indexOf('DATABASES = {');
  const end = settings.indexOf('MEDIA_URL');
  await writeFile(file, `${settings.slice(0, start)}${databases.trim()}\n\nMEDIA_ROOT = os.environ['APP_MEDIA']\n${options.extraSettings ?? ''}\n${settings.slice(end)}`);
  await repo.git('add', '-A');
  await repo.git('commit', '-q', '-m', 'Fixture project, settings variant');
  return repo;
}

/** The environment every run in a variant gets: Debian's Django (no config names it) and the server's socket. */
export function variantEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { MIGRATION_GUARD_PYTHON: DJANGO_PYTHON, MYSQL_UNIX_PORT: inject('mariadb').socket, ...extra };
}
