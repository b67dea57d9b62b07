// A production-like setup for deploy tests: the fixture project in a bare "origin", a developer clone that
// commits and pushes, a server clone that deploys, and a database migrated to the server's code, with data.
import { execa, type ResultPromise } from 'execa';
import { cp, mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import mysql from 'mysql2/promise';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CLI, FIXTURE_DIR, gitEnv, manage, runCli } from '../helpers/fixture-project.js';
import type { ConnectionSettings } from '../../src/db/connection-settings.js';

/** Committed into the fixture's config: service commands that log to $SERVICE_LOG; $ON_STOP lets a test act while "stopped". */
export const DEPLOY_CONFIG = {
  serviceStop: 'echo stop >> "$SERVICE_LOG"; eval "${ON_STOP:-true}"',
  serviceStart: 'echo start >> "$SERVICE_LOG"',
  keep: 3,
  lockTimeout: 1,
};

export interface Template {
  /** A repository with the fixture project and the deploy config committed (the origin's seed). */
  repoDir: string;
  /** mariadb-dump of a database migrated to that commit, with data. */
  dumpFile: string;
  remove(): Promise<void>;
}

/** Builds the shared template once per test file: commit, migrate, add data, dump. */
export async function createTemplate(): Promise<Template> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'mg-deploy-tpl-'));
  const repoDir = path.join(base, 'repo');
  await cp(FIXTURE_DIR, repoDir, { recursive: true, filter: (source) => !source.includes('__pycache__') && !source.endsWith('.pyc') });
  const configFile = path.join(repoDir, 'migration-guard.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, `${JSON.stringify({ ...config, deploy: DEPLOY_CONFIG }, null, 2)}\n`);
  await writeFile(path.join(repoDir, '.gitignore'), '__pycache__/\n*.pyc\nmedia/\n');
  const git = (...args: string[]) => execa('git', args, { cwd: repoDir, env: gitEnv() });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Fixture project with deploy config');

  const db = await createTestDatabase('dtpl');
  const migrated = await manage(repoDir, ['migrate', '--noinput'], { ...db.env, PYTHONDONTWRITEBYTECODE: '1' });
  expect(migrated.exitCode, migrated.stderr).toBe(0);
  await adminQuery(
    `INSERT INTO catalog_category (name) VALUES ('Books'), ('Games');
     INSERT INTO catalog_product (name, category_id, price_cents, sku) VALUES ('Dune', 1, 1299, 'B-1'), ('Dune', 1, 999, 'B-2'), ('Chess', 2, 2500, 'G-1');
     INSERT INTO catalog_tag (label) VALUES ('classic'), ('sale');
     INSERT INTO catalog_product_tags (product_id, tag_id) VALUES (1, 1), (3, 2);
     INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES ('!', 0, 'ann', '', '', 'ann@example.invalid', 0, 1, NOW());
     INSERT INTO orders_order (customer_id, created_at, note, status) VALUES (1, NOW(), 'first order', 'paid');
     INSERT INTO orders_orderline (order_id, product_id, quantity) VALUES (1, 1, 2), (1, 3, 1);`,
    [],
    db.settings.database,
  );
  const dumpFile = path.join(base, 'template.sql');
  await mysqlDump(db.admin, dumpFile);
  await db.drop();
  return { repoDir, dumpFile, remove: () => rm(base, { recursive: true, force: true }) };
}

export interface Scenario {
  base: string;
  origin: string;
  dev: string;
  server: string;
  db: TestDatabase;
  serviceLog: string;
  backupDir: string;
  env: Record<string, string>;
  devGit(...args: string[]): Promise<string>;
  serverGit(...args: string[]): Promise<string>;
  /** Writes files into the developer clone, commits and pushes them to origin. */
  push(message: string, files: Record<string, string>): Promise<void>;
  deploy(args?: string[], extraEnv?: Record<string, string>): ReturnType<typeof runCli>;
  /** Starts a deploy without waiting for it: the subprocess, to kill it. */
  startDeploy(args?: string[]): ResultPromise;
  serviceEvents(): Promise<string[]>;
  remove(): Promise<void>;
}

/** A fresh origin/dev/server trio and a database loaded from the template. */
export async function createScenario(template: Template, name: string): Promise<Scenario> {
  const base = await mkdtemp(path.join(os.tmpdir(), `mg-deploy-${name}-`));
  const origin = path.join(base, 'origin.git');
  const dev = path.join(base, 'dev');
  const server = path.join(base, 'server');
  const git = async (cwd: string, ...args: string[]) => (await execa('git', args, { cwd, env: gitEnv() })).stdout;
  await git(base, 'clone', '-q', '--bare', template.repoDir, origin);
  await git(base, 'clone', '-q', origin, dev);
  await git(base, 'clone', '-q', origin, server);

  const db = await createTestDatabase('dep');
  await loadSql(db.admin, template.dumpFile);
  const serviceLog = path.join(base, 'service.log');
  const env: Record<string, string> = {
    ...db.env,
    HCAT_MEDIA: path.join(base, 'media'),
    MIGRATION_GUARD_ROLE: 'production',
    MIGRATION_GUARD_NO_TTY: '1',
    SERVICE_LOG: serviceLog,
    PYTHONDONTWRITEBYTECODE: '1',
    ...gitEnv(),
  };
  return {
    base,
    origin,
    dev,
    server,
    db,
    serviceLog,
    backupDir: path.join(server, '.migration-guard', 'backups'),
    env,
    devGit: (...args) => git(dev, ...args),
    serverGit: (...args) => git(server, ...args),
    async push(message, files) {
      for (const [file, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dev, file)), { recursive: true });
        await writeFile(path.join(dev, file), content);
      }
      await git(dev, 'add', '-A');
      await git(dev, 'commit', '-q', '-m', message);
      await git(dev, 'push', '-q', 'origin', 'main');
    },
    deploy: (args = [], extraEnv = {}) => runCli(['deploy', ...args], { cwd: server, env: { ...env, ...extraEnv } }),
    startDeploy: (args = []) => execa(process.execPath, [CLI, 'deploy', ...args], { cwd: server, env: { NO_COLOR: '1', ...env }, reject: false, stdin: 'ignore', all: true }),
    async serviceEvents() {
      return existsSync(serviceLog) ? (await readFile(serviceLog, 'utf8')).split('\n').filter(Boolean) : [];
    },
    async remove() {
      await db.drop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** The database as a test compares it, independently of migration-guard: schema dump text and CHECKSUM TABLE of every table. */
/**
 * Registers a test file's scenario lifecycle: one template built before the file's tests, every
 * scenario removed after them. Returns the function that creates a scenario.
 */
export function useScenarios(): (name: string) => Promise<Scenario> {
  let template: Template | undefined;
  const scenarios: Scenario[] = [];
  beforeAll(async () => {
    template = await createTemplate();
  });
  afterAll(async () => {
    for (const scenario of scenarios) await scenario.remove();
    await template?.remove();
  });
  return async (name) => {
    const created = await createScenario(template!, name);
    scenarios.push(created);
    return created;
  };
}

export async function databaseFingerprint(settings: ConnectionSettings): Promise<{ schema: string; checksums: Record<string, string>; migrations: string[] }> {
  const { stdout } = await execa('mariadb-dump', ['--no-defaults', `--host=${settings.host}`, `--port=${settings.port}`, `--user=${settings.user}`, '--no-data', '--skip-dump-date', '--skip-comments', settings.database], {
    env: { MYSQL_PWD: settings.password },
  });
  const connection = await mysql.createConnection({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database });
  try {
    const [tables] = await connection.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [settings.database]);
    const names = (tables as Array<{ name: string }>).map((row) => row.name);
    const [rows] = await connection.query(`CHECKSUM TABLE ${names.map((table) => `\`${table}\``).join(', ')}`);
    const checksums = Object.fromEntries((rows as Array<{ Table: string; Checksum: number }>).map((row) => [row.Table, String(row.Checksum)]));
    const [applied] = await connection.query('SELECT app, name FROM django_migrations ORDER BY id');
    return { schema: stdout, checksums, migrations: (applied as Array<{ app: string; name: string }>).map((row) => `${row.app}.${row.name}`) };
  } finally {
    await connection.end();
  }
}

/** Lines of the newest deploy journal in `dir`, parsed. */
export async function readNewestJournal(dir: string): Promise<{ file: string; entries: Array<Record<string, any>> }> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.journal.jsonl')).sort();
  const file = path.join(dir, files.at(-1)!);
  const entries = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
  return { file, entries };
}

/** The final status of each step in a journal. */
export function stepStatuses(entries: Array<Record<string, any>>): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const entry of entries) if (entry.event === 'step') statuses[entry.step as string] = entry.status as string;
  return statuses;
}

async function mysqlDump(settings: ConnectionSettings, file: string): Promise<void> {
  const { stdout } = await execa('mariadb-dump', ['--no-defaults', `--host=${settings.host}`, `--port=${settings.port}`, `--user=${settings.user}`, '--single-transaction', settings.database], { env: { MYSQL_PWD: settings.password }, maxBuffer: 1e9 });
  await writeFile(file, stdout);
}

/** Loads an SQL file into a database as the administrator. */
export async function loadSql(settings: ConnectionSettings, file: string): Promise<void> {
  await execa('mariadb', ['--no-defaults', `--host=${settings.host}`, `--port=${settings.port}`, `--user=${settings.user}`, settings.database], { env: { MYSQL_PWD: settings.password }, inputFile: file });
}

/** Polls `condition` every `intervalMs` until it holds (or throws after `timeoutMs`). */
export async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
