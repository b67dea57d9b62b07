// Compression is recognized from the bytes, and broken input gives an error naming what is wrong.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { decompressor, detectCompression, peek } from '../../../src/restore/stream/decompress.js';

const TEXT = Buffer.from(`-- a dump\n${'INSERT INTO t VALUES (1);\n'.repeat(5000)}-- Dump completed\n`);

async function decode(input: Buffer): Promise<Buffer> {
  const source = Readable.from([input.subarray(0, 3), input.subarray(3)]);
  const head = await peek(source, 8);
  const chunks: Buffer[] = [];
  await pipeline(source, decompressor(detectCompression(head), 'The test data'), async function* (stream) {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  });
  return Buffer.concat(chunks);
}

describe('decompression', () => {
  it('recognizes gzip, zstd, xz, bzip2, zip and plain text by their first bytes', () => {
    expect(detectCompression(gzipSync(TEXT))).toBe('gzip');
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe('zstd');
    expect(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe('xz');
    expect(detectCompression(Buffer.from('BZh91AY'))).toBe('bzip2');
    expect(detectCompression(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe('zip');
    expect(detectCompression(TEXT)).toBe('plain');
    expect(detectCompression(Buffer.alloc(0))).toBe('plain');
  });

  it('decodes gzip (also several concatenated members), zstd and plain data', async () => {
    expect((await decode(gzipSync(TEXT))).equals(TEXT)).toBe(true);
    expect((await decode(Buffer.concat([gzipSync(TEXT.subarray(0, 1000)), gzipSync(TEXT.subarray(1000))]))).equals(TEXT)).toBe(true);
    const zst = (await execa('zstd', ['-q', '-c'], { input: TEXT, encoding: 'buffer' })).stdout as unknown as Buffer;
    expect((await decode(Buffer.from(zst))).equals(TEXT)).toBe(true);
    expect((await decode(TEXT)).equals(TEXT)).toBe(true);
  });

  it('calls a cut gzip stream truncated and a damaged one corrupt', async () => {
    const gz = gzipSync(TEXT);
    await expect(decode(gz.subarray(0, gz.length - 20))).rejects.toThrow(/^The test data is truncated: gzip says "unexpected end of file"/);
    const damaged = Buffer.from(gz);
    for (let i = 20; i < 60; i++) damaged[i] = 0xff;
    await expect(decode(damaged)).rejects.toThrow(/^The test data is corrupt: gzip says/);
  });

  it('calls a cut zstd stream truncated', async () => {
    const zst = Buffer.from((await execa('zstd', ['-q', '-c'], { input: TEXT, encoding: 'buffer' })).stdout as unknown as Buffer);
    const cut = decode(zst.subarray(0, Math.floor(zst.length / 2)));
    await expect(cut).rejects.toThrow(/^The test data is (truncated|corrupt): zstd says/);
    await expect(cut).rejects.toMatchObject({ fix: 'Check the file where it is made (zstd -t FILE), replace it with a complete one, then run the restore again.' });
  });

  it('explains a zip archive instead of loading it', () => {
    expect(() => decompressor('zip', 'The dump')).toThrow('The dump is a zip archive');
  });
});
