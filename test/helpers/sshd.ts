// A real OpenSSH server on a loopback port, playing "the production host" in restore-from-prod's tests.
// Host and user keys are generated per server; the login user is the one running the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { freePort } from '../../src/sandbox/throwaway-mariadb.js';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** Private key accepted by the server. */
  identityFile: string;
  /** `ssh -o` options that trust this server's host key and nothing else. */
  sshOptions: string[];
  dir: string;
  /** The server's pid (its session children are its child processes). */
  pid: number;
  /** `ssh://user@127.0.0.1:port<absolutePath>` for a file on this machine, reached through the server. */
  url(absolutePath: string): string;
  stop(): Promise<void>;
}

/** Starts sshd; `stop()` ends it and removes its keys. */
export async function startSshd(): Promise<TestSshd> {
  mkdirSync('/run/sshd', { recursive: true }); // privilege-separation directory sshd insists on
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mg-sshd-'));
  const hostKey = path.join(dir, 'host_ed25519');
  const userKey = path.join(dir, 'user_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mg-test-host', '-f', hostKey]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mg-test-user', '-f', userKey]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${userKey}.pub`), { mode: 0o600 });
  const port = await freePort();
  const user = os.userInfo().username;
  await writeFile(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      `AllowUsers ${user}`,
      'MaxStartups 50',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const knownHosts = path.join(dir, 'known_hosts');
  await writeFile(knownHosts, `[127.0.0.1]:${port} ${(await readFile(`${hostKey}.pub`, 'utf8')).trim()}\n`);
  const server: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr!.setEncoding('utf8').on('data', (text: string) => (log = (log + text).slice(-8192)));
  await waitForPort(port, server, () => log);
  // A test worker that dies without its afterAll must not leave the server running.
  const killOnExit = () => server.kill('SIGTERM');
  process.once('exit', killOnExit);
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    user,
    identityFile: userKey,
    sshOptions: [`UserKnownHostsFile=${knownHosts}`, 'StrictHostKeyChecking=yes', 'GlobalKnownHostsFile=/dev/null', 'LogLevel=ERROR'],
    dir,
    pid: server.pid!,
    url: (absolutePath) => `ssh://${user}@127.0.0.1:${port}${absolutePath}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`sshd exited at start-up (code ${server.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on port ${port} within 10 s: ${log()}`);
}
