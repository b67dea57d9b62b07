import { describe, expect, test } from 'vitest';
import { parseLogNameStatus, parseNameStatus } from '../../src/git/file-changes.js';
import { parsePrePushInput } from '../../src/git/pre-push-input.js';

describe('git output parsers', () => {
  test('name-status -z', () => {
    expect(parseNameStatus('M\0a/models.py\0A\0a/migrations/0002 x.py\0D\0old.py\0')).toEqual([
      { status: 'M', path: 'a/models.py' },
      { status: 'A', path: 'a/migrations/0002 x.py' },
      { status: 'D', path: 'old.py' },
    ]);
    expect(parseNameStatus('')).toEqual([]);
  });

  test('log --name-status -z --cc: commits, plain and combined (merge) statuses', () => {
    const output = '\x01aaaa\0\0MM\0common.py\0\x01bbbb\0\nM\0x.py\0A\0y.py\0\x01cccc\0';
    expect(parseLogNameStatus(output)).toEqual([
      { commit: 'aaaa', changes: [{ status: 'M', path: 'common.py' }] },
      { commit: 'bbbb', changes: [{ status: 'M', path: 'x.py' }, { status: 'A', path: 'y.py' }] },
      { commit: 'cccc', changes: [] },
    ]);
  });

  test('pre-push stdin: pushes, deletions, new branches, tags', () => {
    const zero = '0'.repeat(40);
    const refs = parsePrePushInput(`refs/heads/feat ${'a'.repeat(40)} refs/heads/feat ${zero}\n(delete) ${zero} refs/heads/old ${'b'.repeat(40)}\nrefs/tags/v1 ${'c'.repeat(40)} refs/tags/v1 ${zero}\n`);
    expect(refs.map((ref) => [ref.remoteRef, ref.creation, ref.deletion, ref.tag])).toEqual([
      ['refs/heads/feat', true, false, false],
      ['refs/heads/old', false, true, false],
      ['refs/tags/v1', true, false, true],
    ]);
  });
});
