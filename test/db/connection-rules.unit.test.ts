// The MySQL client library's rules for where a Django connection goes, and option files as it reads them.
// (Each rule was checked against MySQLdb on MariaDB Connector/C; test/db/django-connection.test.ts asks
// Django itself on a real server.)
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFromDjango, DEFAULT_SOCKET } from '../../src/db/connection-from-django.js';
import { clientGroups, readOptionFiles } from '../../src/db/option-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = { database: 'shop', user: 'web', password: 'pw' };

describe('where the connection goes', () => {
  it('no HOST: the socket from unix_socket, else the option file, else MYSQL_UNIX_PORT, else the default', async () => {
    const file = path.join(dir, 'socket.cnf');
    await writeFile(file, '[client]\nsocket = /from/file.sock\n');
    const env = { MYSQL_UNIX_PORT: '/from/env.sock' };
    expect(connectionFromDjango({ ...base, unix_socket: '/given.sock', read_default_file: file }, env, 'x').socket).toBe('/given.sock');
    expect(connectionFromDjango({ ...base, read_default_file: file }, env, 'x').socket).toBe('/from/file.sock');
    expect(connectionFromDjango(base, env, 'x')).toMatchObject({ socket: '/from/env.sock', origins: { socket: 'MYSQL_UNIX_PORT' } });
    expect(connectionFromDjango(base, {}, 'x').socket).toBe(DEFAULT_SOCKET);
    expect(connectionFromDjango({ ...base, host: 'localhost' }, env, 'x').socket).toBe('/from/env.sock');
  });

  it('a host other than localhost, or protocol=tcp, is TCP; the port from PORT, the file, MYSQL_TCP_PORT, 3306', async () => {
    const file = path.join(dir, 'tcp.cnf');
    await writeFile(file, '[client]\nprotocol = tcp\nport = 3310\n');
    const remote = connectionFromDjango({ ...base, host: 'db.internal' }, { MYSQL_TCP_PORT: '3307' }, 'x');
    expect(remote).toMatchObject({ host: 'db.internal', port: 3307 });
    expect(remote.socket).toBeUndefined();
    expect(connectionFromDjango({ ...base, host: '127.0.0.1', port: 3308 }, { MYSQL_TCP_PORT: '3307' }, 'x').port).toBe(3308);
    expect(connectionFromDjango({ ...base, host: '127.0.0.1' }, {}, 'x').port).toBe(3306);
    const forcedTcp = connectionFromDjango({ ...base, read_default_file: file }, { MYSQL_TCP_PORT: '3307' }, 'x');
    expect(forcedTcp).toMatchObject({ host: 'localhost', port: 3310 });
    expect(forcedTcp.socket).toBeUndefined();
  });

  it('what DATABASES sets wins; the option file fills in the rest; MYSQL_PWD last', async () => {
    const file = path.join(dir, 'creds.cnf');
    await writeFile(file, '[client]\nuser = fileuser\npassword = "file#pw"\ndatabase = filedb\n');
    const fromFile = connectionFromDjango({ read_default_file: file }, { MYSQL_PWD: 'envpw' }, 'x');
    expect(fromFile).toMatchObject({ user: 'fileuser', password: 'file#pw', database: 'filedb' });
    expect(fromFile.origins).toMatchObject({ user: `option file ${file}`, password: `option file ${file}` });
    expect(connectionFromDjango({ ...base, read_default_file: file }, {}, 'x')).toMatchObject(base);
    expect(connectionFromDjango({ database: 'd', user: 'u' }, { MYSQL_PWD: 'envpw' }, 'x')).toMatchObject({ password: 'envpw', origins: { password: 'MYSQL_PWD' } });
  });

  it('a missing database name and a bad port are errors that say where to fix them', () => {
    expect(() => connectionFromDjango({ user: 'u' }, {}, 'DATABASES["default"] in app.settings')).toThrow(/names no database/);
    expect(() => connectionFromDjango({ ...base, host: 'h' }, { MYSQL_TCP_PORT: 'x' }, 'd')).toThrow(/"x" \(from MYSQL_TCP_PORT\) is not a port number/);
  });

  it('takes TLS files from OPTIONS ssl or the option file', async () => {
    const file = path.join(dir, 'tls.cnf');
    await writeFile(file, '[client]\nssl-ca = /etc/ca.pem\n');
    expect(connectionFromDjango({ ...base, host: 'h', ssl: { ca: '/opt/ca.pem', cert: '/opt/c.pem' } }, {}, 'x').ssl).toEqual({ ca: '/opt/ca.pem', cert: '/opt/c.pem', key: undefined });
    expect(connectionFromDjango({ ...base, host: 'h', read_default_file: file }, {}, 'x').ssl).toEqual({ ca: '/etc/ca.pem', cert: undefined, key: undefined });
  });
});

describe('option files', () => {
  it('reads the client groups and the one asked for, later values winning, includes where they stand', async () => {
    await mkdir(path.join(dir, 'conf.d'), { recursive: true });
    await writeFile(path.join(dir, 'main.cnf'), `[client]\nuser = first\nport = 1\n!include ${path.join(dir, 'inc.cnf')}\n[mysqld]\nuser = server-only\n[myapp]\nport = 3\n[client]\n!includedir ${path.join(dir, 'conf.d')}\n`);
    await writeFile(path.join(dir, 'inc.cnf'), '[client-server]\nuser = included\ndefault_character_set = utf8mb4\n');
    await writeFile(path.join(dir, 'conf.d/b.cnf'), '[client-mariadb]\nsocket = /b.sock\n');
    await writeFile(path.join(dir, 'conf.d/a.cnf'), '[client]\nsocket = /a.sock\nskip-ssl\n');
    await writeFile(path.join(dir, 'conf.d/ignored.txt'), '[client]\nsocket = /never.sock\n');
    const read = readOptionFiles([path.join(dir, 'main.cnf')], clientGroups('myapp'));
    expect(read.values).toEqual({ user: 'included', port: '3', 'default-character-set': 'utf8mb4', socket: '/b.sock', 'skip-ssl': true });
    expect(read.origins.socket).toBe(path.join(dir, 'conf.d/b.cnf'));
    expect(read.files).toEqual([path.join(dir, 'main.cnf'), path.join(dir, 'inc.cnf'), path.join(dir, 'conf.d/a.cnf'), path.join(dir, 'conf.d/b.cnf')]);
  });

  it('skips files that do not exist, as the client does', () => {
    expect(readOptionFiles([path.join(dir, 'absent.cnf')], clientGroups())).toEqual({ values: {}, files: [], origins: {} });
  });
});
