// Source strings from the command line and config: paths, URLs, ssh files and live dumps.
import { describe, expect, it } from 'vitest';
import { describeSpec, parseSourceString } from '../../../src/restore/source/source-spec.js';
import { remoteShCommand, shellQuote, sshArgs } from '../../../src/restore/source/ssh-command.js';

describe('parseSourceString', () => {
  it('reads local paths relative to the given directory', () => {
    expect(parseSourceString('dumps/latest.sql.gz', '/home/dev/shop', '--db-source')).toEqual({ kind: 'file', path: '/home/dev/shop/dumps/latest.sql.gz' });
  });

  it('reads ssh files, with the remote home for ~/', () => {
    expect(parseSourceString('ssh://deploy@prod.example.com:2222/var/backups/db.sql.gz', '/', 'x')).toEqual({ kind: 'ssh', host: 'prod.example.com', user: 'deploy', port: 2222, path: '/var/backups/db.sql.gz', sshOptions: [] });
    expect(parseSourceString('ssh://prod/~/backups/db.sql.gz', '/', 'x')).toMatchObject({ kind: 'ssh', host: 'prod', user: undefined, path: '~/backups/db.sql.gz' });
  });

  it('reads live dumps and http URLs, and describes them without credentials', () => {
    expect(parseSourceString('ssh-dump://deploy@prod/shop', '/', 'x')).toMatchObject({ kind: 'ssh-dump', host: 'prod', database: 'shop' });
    const http = parseSourceString('https://backup:t0ken@files.example.com/db.sql.gz', '/', 'x');
    expect(describeSpec(http)).toBe('https://files.example.com/db.sql.gz');
    expect(describeSpec(parseSourceString('ssh-dump://deploy@prod/shop', '/', 'x'))).toBe('live dump of "shop" on deploy@prod');
  });

  it('rejects unknown schemes with the accepted forms', () => {
    expect(() => parseSourceString('s3://bucket/db.sql.gz', '/', '--db-source')).toThrow('uses a scheme restore-from-prod does not know');
  });
});

describe('ssh command lines', () => {
  it('quote every remote word and never prompt', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(remoteShCommand('cat -- "$1"', ['/x y/z'])).toBe(`sh -c 'cat -- "$1"' mg-restore '/x y/z'`);
    const args = sshArgs({ host: 'prod', user: 'deploy', port: 22, identityFile: '/k', sshOptions: ['StrictHostKeyChecking=yes'] }, 'true');
    expect(args).toEqual(expect.arrayContaining(['BatchMode=yes', '-p', '22', '-i', '/k', '-l', 'deploy', 'StrictHostKeyChecking=yes']));
    expect(args.slice(-3)).toEqual(['--', 'prod', 'true']);
  });
});
