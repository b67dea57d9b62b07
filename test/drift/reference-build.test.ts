// Building the reference: migrate failures explained, setup steps, a scratch server, and no scratch database
// left behind on failure or interrupt.
import { afterAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { adminQuery, createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CLI, createFixtureRepo, manage, runCli, type FixtureRepo } from '../helpers/fixture-project.js';
import { startThrowawayMariaDB } from '../../src/sandbox/throwaway-mariadb.js';
import { addMigration, databasesLike, type DriftJson } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setUp(migration?: { name: string; source: string }): Promise<{ repo: FixtureRepo; db: TestDatabase }> {
  const repo = await createFixtureRepo();
  const db = await createTestDatabase('drr');
  cleanups.push(() => repo.remove(), () => db.drop());
  if (migration) await addMigration(repo.dir, 'catalog', migration.name, migration.source);
  return { repo, db };
}

async function configure(repo: FixtureRepo, drift: Record<string, unknown>): Promise<void> {
  const file = path.join(repo.dir, 'migration-guard.config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, drift }, null, 2));
}

// Uses another app's model without depending on it: fine on an old database, fails on an empty one.
const NEEDS_ORDERS = `from django.db import migrations


def count_orders(apps, schema_editor):
    Order = apps.get_model('orders', 'Order')
    Order.objects.count()


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_tags_and_sku'),
    ]

    operations = [
        migrations.RunPython(count_orders, migrations.RunPython.noop),
    ]
`;

describe('building the reference schema', () => {
  it('names the failing migration and Django\'s error, exits 2, and drops the scratch database', async () => {
    const { repo, db } = await setUp({ name: '0005_needs_orders', source: NEEDS_ORDERS });
    const run = await runCli(['drift'], { cwd: repo.dir, env: db.env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Could not build the reference schema: migration catalog\.0005_needs_orders failed on an empty database \(scratch database ".*__drift_[0-9a-f]{8}", dropped again\): LookupError: No installed app with label 'orders'\./);
    expect(run.stderr).toContain('"drift": { "setup": [["migrate", "<app>"]] }');
    expect(run.stderr).not.toContain(db.settings.password);
    expect(await databasesLike(`${db.settings.database}__drift_`)).toEqual([]);

    const json = JSON.parse((await runCli(['drift', '--json'], { cwd: repo.dir, env: db.env })).stdout) as DriftJson;
    expect(json).toMatchObject({ ok: false, exitCode: 2, error: { message: expect.stringContaining('catalog.0005_needs_orders') } });
  });

  it('runs the configured setup steps first, so such a migration builds', async () => {
    const { repo, db } = await setUp({ name: '0005_needs_orders', source: NEEDS_ORDERS });
    await configure(repo, { setup: [['migrate', 'orders']] });
    // The live database was built the same way (orders first), as it would have been over time.
    expect((await manage(repo.dir, ['migrate', 'orders', '--noinput'], db.env)).exitCode).toBe(0);
    expect((await manage(repo.dir, ['migrate', '--noinput'], db.env)).exitCode).toBe(0);
    const run = await runCli(['drift', '--json'], { cwd: repo.dir, env: db.env });
    const json = JSON.parse(run.stdout) as DriftJson;
    expect(json.expected).toMatchObject({ kind: 'reference', source: 'built' });
    expect(json.tables).toEqual([]);
    expect(json.migrations).toMatchObject({ notApplied: [], appliedUnknown: [] });
    expect(run.exitCode).toBe(0);
    expect(await databasesLike(`${db.settings.database}__drift_`)).toEqual([]);
  });

  it('builds on a configured scratch server, creating nothing on the live one', async () => {
    const scratchServer = await startThrowawayMariaDB();
    cleanups.push(() => scratchServer.stop());
    const { repo, db } = await setUp();
    expect((await manage(repo.dir, ['migrate', '--noinput'], db.env)).exitCode).toBe(0);
    await configure(repo, { scratchServer: { urlEnv: 'DRIFT_SCRATCH_URL' } });
    // The live user may not create scratch databases: only the scratch server can have been used.
    await adminQuery(`REVOKE ALL PRIVILEGES ON \`${db.settings.database.replace(/_/g, '\\_')}\\_\\_%\`.* FROM '${db.settings.user}'@'%'`);
    const url = `mysql://${scratchServer.admin.user}:${encodeURIComponent(scratchServer.admin.password)}@127.0.0.1:${scratchServer.port}/`;
    const run = await runCli(['drift', '--json'], { cwd: repo.dir, env: { ...db.env, DRIFT_SCRATCH_URL: url } });
    const json = JSON.parse(run.stdout) as DriftJson;
    expect(json.expected).toMatchObject({ source: 'built' });
    expect(json.tables).toEqual([]);
    expect(run.exitCode).toBe(0);
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: scratchServer.port, user: scratchServer.admin.user, password: scratchServer.admin.password });
    const [rows] = await connection.query("SHOW DATABASES LIKE '%drift%'");
    await connection.end();
    expect(rows).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('drops the scratch database and stops Django when interrupted (%s)', async (signal) => {
    const { repo, db } = await setUp({
      name: '0005_slow',
      source: `import os
import time
from django.db import migrations


def wait(apps, schema_editor):
    with open(os.environ['DRIFT_TEST_PIDFILE'], 'w') as f:
        f.write(str(os.getpid()))
    time.sleep(120)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_tags_and_sku'),
    ]

    operations = [
        migrations.RunPython(wait, migrations.RunPython.noop),
    ]
`,
    });
    const pidFile = path.join(repo.dir, 'django.pid');
    const child = execa(process.execPath, [CLI, 'drift'], { cwd: repo.dir, env: { ...db.env, NO_COLOR: '1', DRIFT_TEST_PIDFILE: pidFile }, reject: false, stdin: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(pidFile)).toBe(true);
    expect(await databasesLike(`${db.settings.database}__drift_`)).toHaveLength(1);
    const djangoPid = Number(await readFile(pidFile, 'utf8'));

    child.kill(signal);
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(await databasesLike(`${db.settings.database}__drift_`)).toEqual([]);
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(djangoPid, 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });
});
