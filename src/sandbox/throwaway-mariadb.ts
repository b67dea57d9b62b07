// A private MariaDB server in a temp dir (own datadir, socket, port): for tests, the demo and benchmarks.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import mysql from 'mysql2/promise';
import type { ConnectionSettings } from '../db/connection-settings.js';

export interface ThrowawayMariaDB {
  host: string;
  port: number;
  socket: string;
  baseDir: string;
  /** Administrative account (all privileges), reachable over TCP with a password. */
  admin: { user: string; password: string };
  pid: number;
  /** Connection settings for a database on this server as the admin user. */
  settingsFor(database: string): ConnectionSettings;
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a fresh server; `stop()` ends it and removes its files. */
export async function startThrowawayMariaDB(options: { baseDir?: string; adminPassword?: string; serverArgs?: string[] } = {}): Promise<ThrowawayMariaDB> {
  const baseDir = options.baseDir ?? (await mkdtemp(path.join(os.tmpdir(), 'mg-mariadb-')));
  const datadir = path.join(baseDir, 'data');
  const socket = path.join(baseDir, 'mysqld.sock');
  // A private tmpdir: servers started side by side must not collide on files in the shared /tmp.
  const tmpdir = path.join(baseDir, 'tmp');
  await mkdir(datadir, { recursive: true });
  await mkdir(tmpdir, { recursive: true });
  const port = await freePort();
  const admin = { user: 'mg_admin', password: options.adminPassword ?? `pw-${Math.random().toString(36).slice(2)}-A1!` };
  const runAsRoot = process.getuid?.() === 0;

  await execa('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${datadir}`,
    `--tmpdir=${tmpdir}`,
    ...(runAsRoot ? ['--user=root'] : []),
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--innodb-log-file-size=16M',
  ]);

  const server: ResultPromise = execa(
    'mariadbd',
    [
      '--no-defaults',
      ...(runAsRoot ? ['--user=root'] : []),
      `--datadir=${datadir}`,
      `--tmpdir=${tmpdir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-log-file-size=16M',
      '--innodb-buffer-pool-size=256M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-allowed-packet=256M',
      `--pid-file=${path.join(baseDir, 'mysqld.pid')}`,
      `--log-error=${path.join(baseDir, 'error.log')}`,
      // e.g. --performance-schema=ON, for a test of what a server configured so shows
      ...(options.serverArgs ?? []),
    ],
    { stdio: 'ignore', detached: false, reject: false },
  );
  await waitForSocket(socket, server);

  // Root authenticates by socket only; the admin account is a real password user over TCP.
  const rootConnection = await mysql.createConnection({ socketPath: socket, user: 'root', password: '' });
  await rootConnection.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [admin.user, admin.password]);
  await rootConnection.query(`GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION`, [admin.user]);
  await rootConnection.end();

  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    socket,
    baseDir,
    admin,
    pid: server.pid!,
    settingsFor: (database) => ({ host: '127.0.0.1', port, user: admin.user, password: admin.password, database }),
    async stop() {
      if (stopped) return;
      stopped = true;
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
      await server;
      clearTimeout(timer);
      if (!options.baseDir) await rm(baseDir, { recursive: true, force: true });
    },
  };
}

async function waitForSocket(socket: string, server: ResultPromise): Promise<void> {
  let exited = false;
  void server.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`mariadbd exited during start-up; see ${path.join(path.dirname(socket), 'error.log')}`);
    try {
      const connection = await mysql.createConnection({ socketPath: socket, user: 'root', password: '' });
      await connection.end();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('mariadbd did not become ready within 30 s');
}
