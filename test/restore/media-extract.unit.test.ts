// Safe tarball extraction: what it refuses, and what it keeps (modes, mtimes, links inside the tree).
import { chmod, link, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTarball, resolveInside, unsafeEntryReason } from '../../src/restore/media-extract.js';
import { localFileSource } from '../../src/restore/source/local-file.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'mg-extract-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function extract(tarball: string, strip = 0) {
  const dir = path.join(work, `out-${Math.random().toString(36).slice(2)}`);
  const result = await extractTarball({ source: localFileSource(tarball), dir, stripComponents: strip, signal: new AbortController().signal, stallTimeout: 60 });
  return { dir, result };
}

describe('unsafeEntryReason', () => {
  const none = new Map<string, string>();
  it.each([
    ['/etc/passwd', 'File', undefined, 'has an absolute path'],
    ['a/../../x', 'File', undefined, 'has a ".." component'],
    ['dev/null', 'CharacterDevice', undefined, 'is a device file'],
    ['dev/sda', 'BlockDevice', undefined, 'is a device file'],
    ['pipe', 'FIFO', undefined, 'is a FIFO entry, which a media directory never needs'],
    ['a/link', 'SymbolicLink', '/etc/passwd', 'is a symbolic link to the absolute path "/etc/passwd"'],
    ['a/link', 'SymbolicLink', '../../up', 'is a symbolic link pointing outside the media directory ("../../up")'],
    ['a/hard', 'Link', '../x', 'is a hard link to "../x", outside the media directory'],
  ])('refuses %s (%s)', (entryPath, type, linkpath, reason) => {
    expect(unsafeEntryReason(entryPath, type, linkpath, 0, none)).toBe(reason);
  });

  it('accepts links that stay inside, and refuses writing through a link seen before', () => {
    expect(unsafeEntryReason('a/b/link', 'SymbolicLink', '../c', 0, none)).toBeNull();
    expect(unsafeEntryReason('./a/link', 'SymbolicLink', '../c', 0, none)).toBeNull();
    expect(unsafeEntryReason('a/hard', 'Link', 'a/file', 0, none)).toBeNull();
    expect(unsafeEntryReason('a/link/file.txt', 'File', undefined, 0, new Map([['a/link', 'elsewhere']]))).toBe('would be written through the symbolic link "a/link"');
  });

  it('resolves links through the links created before them (b -> ., up -> b/.. leaves the directory)', () => {
    const links = new Map([['b', '.']]);
    expect(resolveInside(['b', 'x'], links, true)).toEqual(['x']);
    expect(resolveInside(['b', '..'], links, true)).toBeNull();
    expect(unsafeEntryReason('up', 'SymbolicLink', 'b/..', 0, links)).toBe('is a symbolic link pointing outside the media directory ("b/..")');
    expect(unsafeEntryReason('deep/up', 'SymbolicLink', '../b/..', 0, links)).toContain('pointing outside');
    expect(unsafeEntryReason('b', 'Directory', undefined, 0, links)).toBe('would replace the symbolic link "b" created before it');
    expect(unsafeEntryReason('hard', 'Link', 'b/secret', 0, links)).toBe('is a hard link to "b/secret", through a symbolic link');
  });

  it('refuses sparse entries, in the gnu and the pax formats', () => {
    expect(unsafeEntryReason('big.img', 'SparseFile', undefined, 0, none)).toContain('is a sparse file (tar --sparse)');
    expect(unsafeEntryReason('./GNUSparseFile.1234/big.img', 'File', undefined, 0, none)).toContain('is a sparse file');
  });

  it('judges links against the tree left after --strip-components', () => {
    expect(unsafeEntryReason('media/link', 'SymbolicLink', '../outside', 0, none)).toBeNull();
    expect(unsafeEntryReason('media/link', 'SymbolicLink', '../outside', 1, none)).toContain('pointing outside');
  });
});

describe('extractTarball', () => {
  it('keeps modes (but not setuid), mtimes of files, directories and links, and hard links', async () => {
    const tree = path.join(work, 'tree');
    await mkdir(path.join(tree, 'read only dir'), { recursive: true });
    await writeFile(path.join(tree, 'read only dir', 'ünïcødé.txt'), 'x\n');
    await writeFile(path.join(tree, 'tool.sh'), '#!/bin/sh\n');
    await chmod(path.join(tree, 'tool.sh'), 0o4755);
    await link(path.join(tree, 'tool.sh'), path.join(tree, 'tool-again.sh'));
    await symlink('read only dir/ünïcødé.txt', path.join(tree, 'shortcut'));
    const when = new Date('2025-06-07T08:09:10Z');
    await utimes(path.join(tree, 'read only dir', 'ünïcødé.txt'), when, when);
    await utimes(path.join(tree, 'read only dir'), when, when);
    await chmod(path.join(tree, 'read only dir'), 0o555);
    const tarball = path.join(work, 'tree.tar');
    await execa('tar', ['-C', tree, '-cf', tarball, '.']);
    const { dir, result } = await extract(tarball);
    expect(result).toMatchObject({ compression: 'plain', files: 2, links: 2, directories: 2 });
    expect((await lstat(path.join(dir, 'read only dir'))).mode & 0o7777).toBe(0o555);
    expect((await lstat(path.join(dir, 'read only dir'))).mtime.getTime()).toBe(when.getTime());
    expect((await lstat(path.join(dir, 'read only dir', 'ünïcødé.txt'))).mtime.getTime()).toBe(when.getTime());
    expect((await lstat(path.join(dir, 'tool.sh'))).mode & 0o7777).toBe(0o755);
    expect((await lstat(path.join(dir, 'tool-again.sh'))).ino).toBe((await lstat(path.join(dir, 'tool.sh'))).ino);
    expect(await readlink(path.join(dir, 'shortcut'))).toBe('read only dir/ünïcødé.txt');
    await chmod(path.join(dir, 'read only dir'), 0o755);
    await chmod(path.join(tree, 'read only dir'), 0o755);
  });

  it('refuses a device file', async () => {
    const tarball = path.join(work, 'device.tar');
    await execa('tar', ['-C', '/', '-cf', tarball, 'dev/null']);
    await expect(extract(tarball)).rejects.toThrow('the entry "dev/null" is a device file');
  });

  it('refuses an entry written through a symbolic link of the same tarball', async () => {
    const tree = path.join(work, 'through');
    await mkdir(path.join(tree, 'real'), { recursive: true });
    await mkdir(path.join(tree, 'sub'), { recursive: true });
    await symlink('sub', path.join(tree, 'escape'));
    await writeFile(path.join(tree, 'real', 'f'), 'f');
    // tar --transform renames real/f to escape/f: a file placed through the link.
    const tarball = path.join(work, 'through.tar');
    await execa('tar', ['-C', tree, '-cf', tarball, 'escape', '--transform=s,^real/,escape/,', 'real/f']);
    await expect(extract(tarball)).rejects.toThrow('the entry "escape/f" would be written through the symbolic link "escape"');
  });

  it('refuses a tarball with chained links (b -> ., up -> b/.., then up/victim), changing nothing outside', async () => {
    const base = path.join(work, 'chained');
    const victim = path.join(base, 'victim');
    await mkdir(victim, { recursive: true, mode: 0o700 });
    await chmod(victim, 0o700);
    await writeFile(path.join(victim, 'secret'), 'keep\n', { mode: 0o600 });
    const tarball = path.join(work, 'chained.tar');
    const script = [
      'import io, sys, tarfile',
      'with tarfile.open(sys.argv[1], "w") as t:',
      '    for name, target in (("b", "."), ("up", "b/..")):',
      '        info = tarfile.TarInfo(name); info.type = tarfile.SYMTYPE; info.linkname = target; t.addfile(info)',
      '    d = tarfile.TarInfo("up/victim"); d.type = tarfile.DIRTYPE; d.mode = 0o777; t.addfile(d)',
      '    f = tarfile.TarInfo("up/victim/secret"); f.mode = 0o777; f.size = 5; t.addfile(f, io.BytesIO(b"pwned"))',
    ].join('\n');
    await execa('/usr/bin/python3', ['-c', script, tarball]);
    const dir = path.join(base, 'media.restore-x');
    await expect(extractTarball({ source: localFileSource(tarball), dir, stripComponents: 0, signal: new AbortController().signal, stallTimeout: 60 })).rejects.toThrow('the entry "up" is a symbolic link pointing outside the media directory ("b/..")');
    expect((await lstat(victim)).mode & 0o7777).toBe(0o700);
    expect((await lstat(path.join(victim, 'secret'))).mode & 0o7777).toBe(0o600);
    expect(await readFile(path.join(victim, 'secret'), 'utf8')).toBe('keep\n');
  });

  it('refuses sparse files (tar --sparse, gnu and posix formats) clearly instead of extracting them wrong', async () => {
    const tree = path.join(work, 'sparse');
    await mkdir(tree, { recursive: true });
    const file = path.join(tree, 'disk.img');
    await execa('dd', ['if=/dev/urandom', `of=${file}`, 'bs=4096', 'count=1', 'seek=256', 'status=none']);
    await execa('dd', ['if=/dev/urandom', `of=${file}`, 'bs=4096', 'count=1', 'seek=1024', 'conv=notrunc', 'status=none']);
    for (const format of ['gnu', 'posix']) {
      const tarball = path.join(work, `sparse-${format}.tar`);
      await execa('tar', ['--sparse', `--format=${format}`, '-C', tree, '-cf', tarball, 'disk.img']);
      await expect(extract(tarball)).rejects.toThrow(/is a sparse file \(tar --sparse\), which restore-from-prod cannot extract byte for byte/);
    }
  });

  it('strips leading components and reports a truncated tarball', async () => {
    const tree = path.join(work, 'strip');
    await mkdir(path.join(tree, 'media', 'sub'), { recursive: true });
    await writeFile(path.join(tree, 'media', 'sub', 'a.txt'), 'a'.repeat(5000));
    const tarball = path.join(work, 'strip.tar.gz');
    await execa('tar', ['-C', tree, '-czf', tarball, 'media']);
    const { dir, result } = await extract(tarball, 1);
    expect(result.compression).toBe('gzip');
    expect(await readFile(path.join(dir, 'sub', 'a.txt'), 'utf8')).toBe('a'.repeat(5000));
    const plain = path.join(work, 'strip.tar');
    await execa('tar', ['-C', tree, '-cf', plain, 'media']);
    const cut = path.join(work, 'cut.tar');
    await writeFile(cut, (await readFile(plain)).subarray(0, 1700));
    await expect(extract(cut)).rejects.toThrow(/is truncated or not a tar archive/);
    await expect(extract(cut)).rejects.toMatchObject({ fix: expect.stringContaining('tar -tf FILE > /dev/null') });
  });
});
