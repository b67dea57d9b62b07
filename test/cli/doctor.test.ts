// `doctor` on a fresh clone of the fixture project: what it lacks, each with its fix.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createFixtureRepo, runCli, type FixtureRepo } from '../helpers/fixture-project.js';

interface Outcome {
  name: string;
  state: string;
  detail: string;
  fix?: string;
}

let repo: FixtureRepo;
let db: TestDatabase;

beforeAll(async () => {
  repo = await createFixtureRepo();
  db = await createTestDatabase('doctor');
});
afterAll(async () => {
  await db?.drop();
  await repo?.remove();
});

async function doctor(env: Record<string, string> = db.env) {
  const result = await runCli(['doctor', '--json'], { cwd: repo.dir, env });
  return { exitCode: result.exitCode, outcomes: JSON.parse(result.stdout) as Outcome[] };
}

const byName = (outcomes: Outcome[], name: string) => outcomes.find((outcome) => outcome.name === name)!;

describe('migration-guard doctor', () => {
  it('on a new clone: Django, settings and database pass; missing hooks and pending migrations come with their fixes', async () => {
    const { exitCode, outcomes } = await doctor();
    expect(exitCode).toBe(1);
    expect(byName(outcomes, 'python and django')).toMatchObject({ state: 'ok', detail: expect.stringContaining('Django 3.2') });
    expect(byName(outcomes, 'settings')).toMatchObject({ state: 'ok' });
    expect(byName(outcomes, 'database')).toMatchObject({ state: 'ok', detail: expect.stringContaining(db.settings.database) });
    expect(byName(outcomes, 'git hooks')).toMatchObject({ state: 'fail', fix: 'npx migration-guard install' });
    // The config's explicit database.env and Django's DATABASES lead to the same server, database and account.
    expect(byName(outcomes, 'same database as Django')).toMatchObject({ state: 'ok', detail: expect.stringContaining(`"${db.settings.database}" as ${db.settings.user}@`) });
    // Every installed app counts, Django's contrib apps too (as showmigrations): 14 of auth/contenttypes + 5.
    expect(byName(outcomes, 'migrations')).toMatchObject({ state: 'warn', detail: '19 not applied yet', fix: 'python manage.py migrate' });
  });

  it('names the broken interpreter and skips what needs it', async () => {
    const configFile = path.join(repo.dir, 'migration-guard.config.json');
    const config = JSON.parse(await repo.git('show', 'HEAD:migration-guard.config.json')) as Record<string, unknown>;
    await writeFile(configFile, JSON.stringify({ ...config, python: '/nonexistent/venv/bin/python' }));
    try {
      // python3 on PATH without Django (site-packages off), as on a machine without the project's venv.
      const bin = path.join(repo.dir, '.no-django-bin');
      await mkdir(bin, { recursive: true });
      await writeFile(path.join(bin, 'python3'), '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n', { mode: 0o755 });
      const { exitCode, outcomes } = await doctor({ ...db.env, PATH: `${bin}:${process.env.PATH}` });
      expect(exitCode).toBe(1);
      const python = byName(outcomes, 'python and django');
      expect(python).toMatchObject({ state: 'fail', fix: expect.stringContaining('migration-guard install --python') });
      expect(python.detail).toContain('/nonexistent/venv/bin/python does not exist');
      // What it tried, the way the hooks look for an interpreter.
      expect(python.detail).toContain('tried: config "python": /nonexistent/venv/bin/python (no Django)');
      expect(python.detail).toMatch(/\.venv\/bin\/python: \S+ \(absent\)/);
      expect(python.detail).toContain('python3 on PATH: python3 (no Django)');
      expect(byName(outcomes, 'settings').state).toBe('skipped');
    } finally {
      await writeFile(configFile, JSON.stringify(config, null, 2));
    }
  });

  it('reports wrong credentials with host, port and user, without the password', async () => {
    const { outcomes } = await doctor({ ...db.env, HCAT_PASSWORD: 'definitely-wrong-pw' });
    const database = byName(outcomes, 'database');
    expect(database.state).toBe('fail');
    expect(database.detail).toContain(`as user "${db.settings.user}"`);
    expect(JSON.stringify(outcomes)).not.toContain('definitely-wrong-pw');
    expect(byName(outcomes, 'migrations').state).toBe('skipped');
  });

  it("looks for the hooks where install puts them, the git root's .husky/, also with the config in a subdirectory", async () => {
    const sub = path.join(repo.dir, 'ops');
    const config = JSON.parse(await repo.git('show', 'HEAD:migration-guard.config.json')) as Record<string, unknown>;
    await mkdir(sub);
    await writeFile(path.join(sub, 'migration-guard.config.json'), JSON.stringify({ ...config, projectRoot: '..' }));
    await mkdir(path.join(repo.dir, '.husky'));
    await writeFile(path.join(repo.dir, '.husky', 'pre-commit'), 'npx --no -- migration-guard hook pre-commit\n');
    await repo.git('config', 'core.hooksPath', '.husky/_');
    try {
      const result = await runCli(['doctor', '--json'], { cwd: sub, env: db.env });
      const outcomes = JSON.parse(result.stdout) as Outcome[];
      expect(byName(outcomes, 'configuration').detail).toContain(path.join(sub, 'migration-guard.config.json'));
      expect(byName(outcomes, 'git hooks')).toMatchObject({ state: 'ok', detail: 'installed (core.hooksPath = .husky/_)' });
    } finally {
      await repo.git('config', '--unset', 'core.hooksPath');
      await rm(path.join(repo.dir, '.husky'), { recursive: true, force: true });
      await rm(sub, { recursive: true, force: true });
    }
  });
});
