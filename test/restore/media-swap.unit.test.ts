// Media swaps by rename, tracked by inode: a swap, its rollback from any point, and --undo's cycle.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arrangeDirectories, performMediaSwap, planRestoreSwap, planUndoSwap, rollbackMediaSwap } from '../../src/restore/media-swap.js';

let root: string;
let media: string;
let extracted: string;

async function tree(dir: string, marker: string) {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'who'), marker);
}
const who = (dir: string) => readFile(path.join(dir, 'who'), 'utf8');

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mg-mswap-'));
  media = path.join(root, 'media');
  extracted = path.join(root, 'media.restore-1');
  await tree(media, 'mine');
  await tree(extracted, 'production');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('media swap', () => {
  it('swaps the extracted tree in and keeps the old one as .previous', async () => {
    await performMediaSwap(planRestoreSwap(media, extracted));
    expect(await who(media)).toBe('production');
    expect(await who(`${media}.previous`)).toBe('mine');
    expect(existsSync(extracted)).toBe(false);
  });

  it('rolls back from every point of the swap', async () => {
    for (const step of ['nothing moved', 'media moved aside', 'all moved']) {
      await rm(root, { recursive: true, force: true });
      await tree(media, 'mine');
      await tree(extracted, 'production');
      const record = planRestoreSwap(media, extracted);
      if (step !== 'nothing moved') await rename(media, `${media}.previous`);
      if (step === 'all moved') await rename(extracted, media);
      await rollbackMediaSwap(record);
      expect(await who(media), step).toBe('mine');
      expect(existsSync(`${media}.previous`), step).toBe(false);
      expect(existsSync(extracted), step).toBe(false);
    }
  });

  it('restores into a media directory that did not exist, and rolls that back to nothing', async () => {
    await rm(media, { recursive: true });
    const record = planRestoreSwap(media, extracted);
    await performMediaSwap(record);
    expect(await who(media)).toBe('production');
    expect(existsSync(`${media}.previous`)).toBe(false);
    await rollbackMediaSwap(record);
    expect(existsSync(media)).toBe(false);
  });

  it('undo trades places with .previous through a parking spot, and back', async () => {
    await performMediaSwap(planRestoreSwap(media, extracted));
    const undo = planUndoSwap(media)!;
    await arrangeDirectories(undo.after, undo.parking);
    expect(await who(media)).toBe('mine');
    expect(await who(`${media}.previous`)).toBe('production');
    expect(existsSync(undo.parking)).toBe(false);
    await arrangeDirectories(undo.before, undo.parking);
    expect(await who(media)).toBe('production');
  });

  it('has nothing to undo without .previous', () => {
    expect(planUndoSwap(media)).toBeNull();
  });
});
