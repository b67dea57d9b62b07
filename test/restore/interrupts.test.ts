// Ctrl-C stops a restore from a stalled remote source within seconds (exit 130, everything as it was), and
// a transfer that stops delivering bytes is stopped after restore.stallTimeout with a clear error. The
// sources stall for real: an HTTP server that sends part of the dump and then nothing, and a FIFO that a
// writer holds open, read over ssh with `cat`. (Ctrl-C with a local file: faults.test.ts.)
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/fixture-project.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { restoreCli } from './support/cli.js';
import type { DatabaseFingerprint, TreeEntry } from './support/checksums.js';
import { buildProduction, createDeveloper, expectUnchanged, siblingDatabases, type Developer, type Production } from './support/fixtures.js';

let production: Production;
let developer: Developer;
let sshd: TestSshd;
let before: { db: DatabaseFingerprint; media: TreeEntry[] };
let server: http.Server;
let baseUrl: string;
let requests = 0;
const writers: ChildProcess[] = [];

beforeAll(async () => {
  [production, sshd] = await Promise.all([buildProduction(), startSshd()]);
  developer = await createDeveloper(production);
  const head = (await readFile(production.sql)).subarray(0, 4000);
  // Sends the dump's first 4 kB (announcing all of it), then nothing, for ever.
  server = http.createServer((_request, response) => {
    requests++;
    response.writeHead(200, { 'content-length': String(10_000_000) });
    response.write(head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  before = { db: await developer.fingerprint(), media: await developer.mediaFingerprint() };
});

afterAll(async () => {
  // Each writer is a process group of its own (detached): its sleep goes with it.
  for (const writer of writers) if (writer.pid) process.kill(-writer.pid, 'SIGKILL');
  server?.closeAllConnections();
  if (server) await new Promise((resolve) => server.close(resolve));
  await Promise.all([developer?.remove(), production?.remove(), sshd?.stop()]);
});

beforeEach(async () => {
  await developer.writeConfig({});
});

/** A FIFO that yields the dump's first 4 kB and then stays open without more. */
async function stalledFifo(name: string): Promise<string> {
  const fifo = path.join(production.dir, `${name}.fifo`);
  await execa('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `head -c 4000 "${production.sql}" > "${fifo}.part"; exec 3>"${fifo}"; cat "${fifo}.part" >&3; sleep 600`], { stdio: 'ignore', detached: true });
  writers.push(writer);
  return fifo;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Ctrl-C during a stalled transfer', () => {
  const cases: Array<[string, () => Promise<string[]>]> = [
    ['an HTTP source', async () => ['--db-source', `${baseUrl}/dump.sql`]],
    [
      'an ssh source',
      async () => {
        const remote = await stalledFifo('ssh');
        await developer.writeConfig({ database: { source: { kind: 'ssh', host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, sshOptions: sshd.sshOptions, path: remote } } });
        return [];
      },
    ],
  ];
  for (const [what, source] of cases) {
    it(`stops ${what} and exits 130 within 5 s, everything as it was`, async () => {
      const args = await source();
      const child = execa(process.execPath, [CLI, 'restore-from-prod', '--yes', '--no-media', ...args], {
        cwd: developer.repo.dir,
        env: { NO_COLOR: '1', ...developer.env },
        reject: false,
        stdin: 'ignore',
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await waitFor(() => stderr.includes('Loading the database from') || child.exitCode !== null, 'the load to start');
      expect(child.exitCode, stderr).toBeNull();
      await waitFor(async () => (await siblingDatabases(developer)).some((name) => name.includes('__restore_')), 'the staging database');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sent = Date.now();
      child.kill('SIGINT');
      const result = await child;
      const seconds = (Date.now() - sent) / 1000;
      expect(result.exitCode, result.stderr).toBe(130);
      expect(seconds).toBeLessThan(5);
      expect(result.stderr).toContain('your database and media are unchanged');
      await expectUnchanged(developer, before);
      expect(await siblingDatabases(developer)).toEqual([]);
    });
  }
});

describe('a stalled transfer', () => {
  it('is stopped after restore.stallTimeout seconds with a clear error', async () => {
    await developer.writeConfig({ stallTimeout: 2 });
    const started = Date.now();
    const result = await restoreCli(developer, ['--yes', '--no-media', '--db-source', `${baseUrl}/dump.sql`]);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain(`No data arrived from ${baseUrl}/dump.sql for 2 s: the transfer stalled and was stopped`);
    expect(result.stderr).toContain('restore.stallTimeout');
    expect((Date.now() - started) / 1000).toBeLessThan(10);
    expect(requests).toBeGreaterThan(0);
    await expectUnchanged(developer, before);
    expect(await siblingDatabases(developer)).toEqual([]);
  });
});
