// The deploy benchmarks' common start: the fixture Django project as a git repository ("seed", committed once,
// with service commands that do nothing) and its database on the sandbox's MariaDB with an `app` account.
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ThrowawayMariaDB } from '../../src/sandbox/throwaway-mariadb.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PYTHON = process.env.MIGRATION_GUARD_PYTHON ?? '/usr/bin/python3';
const fixture = path.join(root, 'test/fixtures/hcat');
const gitEnv = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };

export interface FixtureDeployProject {
  /** The app account's connection settings. */
  settings: { host: string; port: number; user: string; password: string; database: string };
  /** The environment the fixture's settings read (database, media, role, Python), plus git's identity. */
  env: NodeJS.ProcessEnv;
  /** The committed fixture repository. */
  seed: string;
  git: (cwd: string, ...args: string[]) => ReturnType<typeof execa>;
}

/** Creates `database` and the `app` account (plus `extraGrants`, SQL run as the administrator) and the seed repository. */
export async function fixtureDeployProject(input: { base: string; server: ThrowawayMariaDB; database: string; extraGrants?: string }): Promise<FixtureDeployProject> {
  const { base, server, database } = input;
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.admin.user, password: server.admin.password, multipleStatements: true });
  await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4; CREATE USER 'app'@'%' IDENTIFIED BY 'bench-Pw-1'; GRANT ALL ON ${database}.* TO 'app'@'%'; ${input.extraGrants ?? ''}`);
  await admin.end();
  const settings = { host: server.host, port: server.port, user: 'app', password: 'bench-Pw-1', database };
  const env = { ...process.env, ...gitEnv, HCAT_DB: database, HCAT_USER: 'app', HCAT_PASSWORD: settings.password, HCAT_HOST: server.host, HCAT_PORT: String(server.port), HCAT_MEDIA: path.join(base, 'media'), MIGRATION_GUARD_ROLE: 'production', MIGRATION_GUARD_PYTHON: PYTHON, PYTHONDONTWRITEBYTECODE: '1', NO_COLOR: '1' };

  const seed = path.join(base, 'seed');
  await cp(fixture, seed, { recursive: true, filter: (source) => !source.includes('__pycache__') });
  const configFile = path.join(seed, 'migration-guard.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8'));
  await writeFile(configFile, JSON.stringify({ ...config, deploy: { serviceStop: 'true', serviceStart: 'true' } }, null, 2));
  await writeFile(path.join(seed, '.gitignore'), '__pycache__/\n*.pyc\nmedia/\n');
  const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd, env });
  await git(seed, 'init', '-q', '-b', 'main');
  await git(seed, 'add', '-A');
  await git(seed, 'commit', '-q', '-m', 'seed');
  return { settings, env, seed, git };
}
