// Test-only pause points, so tests can kill -9 the restore at an exact step. Inactive unless both
// MIGRATION_GUARD_TEST_PAUSE_AT (a point name) and MIGRATION_GUARD_TEST_PAUSE_DIR are set: the restore
// then writes <dir>/<point>.paused and waits until <dir>/<point>.resume exists.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';

function configured(env: NodeJS.ProcessEnv = process.env): { point: string; dir: string } | null {
  const point = env.MIGRATION_GUARD_TEST_PAUSE_AT;
  const dir = env.MIGRATION_GUARD_TEST_PAUSE_DIR;
  return point && dir ? { point, dir } : null;
}

async function pauseHere(point: string, dir: string): Promise<void> {
  writeFileSync(path.join(dir, `${point}.paused`), String(process.pid));
  while (!existsSync(path.join(dir, `${point}.resume`))) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Pauses at a named step when a test asked for it. */
export async function faultPoint(point: string): Promise<void> {
  const wanted = configured();
  if (wanted?.point === point) await pauseHere(point, wanted.dir);
}

/** For a point named `<prefix>:<bytes>`: a pass-through that pauses once that many bytes went through; else null. */
export function byteFaultPoint(prefix: string): Transform | null {
  const wanted = configured();
  if (!wanted?.point.startsWith(`${prefix}:`)) return null;
  const threshold = Number(wanted.point.slice(prefix.length + 1));
  let seen = 0;
  let paused = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (!paused && seen >= threshold) {
        paused = true;
        this.push(chunk);
        void pauseHere(wanted.point, wanted.dir).then(() => callback());
        return;
      }
      callback(null, chunk);
    },
  });
}
