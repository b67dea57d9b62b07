// The one interrupt trap (src/interrupts/), in a real child process sent real signals: the first is noted
// (AbortSignal, check() throws the policy's InterruptedError, exit code 130), later ones are ignored until
// the policy's count forces exit 130 — deploy's count (3) and restore's (2).
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const trapModule = path.resolve('dist/interrupts/interrupt-trap.js');
const errorModule = path.resolve('dist/interrupts/interrupted-error.js');

const child = (forceExitAt: number) => `
import { trapInterrupts } from ${JSON.stringify(trapModule)};
import { InterruptedError } from ${JSON.stringify(errorModule)};
const trap = trapInterrupts({
  onFirst: (signal) => console.log('first ' + signal),
  forceExitAt: ${forceExitAt},
  onForced: () => console.log('forced'),
  interrupted: (signal) => new InterruptedError('stopped by ' + signal, { signal }),
});
trap.signal.addEventListener('abort', () => console.log('aborted ' + trap.signal.reason.message));
setInterval(() => {
  try {
    trap.check();
  } catch (error) {
    if (!reported) console.log('check ' + (error instanceof InterruptedError) + ' ' + error.exitCode + ' ' + error.signal + ' ' + trap.received);
    reported = true;
  }
}, 20);
let reported = false;
console.log('ready');
`;

/** Sends `signals` one by one; `afterEach` holds the output seen after each. */
async function runTrapped(forceExitAt: number, signals: NodeJS.Signals[]): Promise<{ exitCode: number | undefined; lines: string[]; afterEach: string[][] }> {
  const proc = execa('node', ['--input-type=module', '-e', child(forceExitAt)], { reject: false, timeout: 20_000 });
  const lines: string[] = [];
  let waiting: (() => void) | null = null;
  proc.stdout!.setEncoding('utf8').on('data', (text: string) => {
    lines.push(...text.split('\n').filter(Boolean));
    waiting?.();
  });
  const until = (line: string) => new Promise<void>((resolve) => {
    const test = () => lines.some((seen) => seen.startsWith(line)) && resolve();
    waiting = test;
    test();
  });
  const afterEach: string[][] = [];
  await until('ready');
  for (const [index, signal] of signals.entries()) {
    proc.kill(signal);
    if (index === 0) await until('check');
    else await new Promise((resolve) => setTimeout(resolve, 150));
    afterEach.push([...lines]);
  }
  if (lines.includes('forced')) return { exitCode: (await proc).exitCode, lines, afterEach };
  proc.kill('SIGKILL');
  await proc;
  return { exitCode: undefined, lines, afterEach };
}

describe('trapInterrupts', () => {
  it('notes the first signal, ignores the second, and forces exit 130 on the third (deploy\'s policy)', async () => {
    const { exitCode, lines, afterEach } = await runTrapped(3, ['SIGTERM', 'SIGINT', 'SIGHUP']);
    expect(afterEach[1]).not.toContain('forced');
    expect(lines).toEqual(['ready', 'first SIGTERM', 'aborted stopped by SIGTERM', 'check true 130 SIGTERM SIGTERM', 'forced']);
    expect(exitCode).toBe(130);
  });

  it('forces exit 130 on the second signal where the policy says 2 (restore\'s)', async () => {
    const { exitCode, lines } = await runTrapped(2, ['SIGINT', 'SIGINT']);
    expect(lines).toEqual(['ready', 'first SIGINT', 'aborted stopped by SIGINT', 'check true 130 SIGINT SIGINT', 'forced']);
    expect(exitCode).toBe(130);
  });

  it('after the first signal the process keeps running until told to stop again', async () => {
    const { exitCode, lines } = await runTrapped(3, ['SIGHUP']);
    expect(lines).toEqual(['ready', 'first SIGHUP', 'aborted stopped by SIGHUP', 'check true 130 SIGHUP SIGHUP']);
    expect(exitCode).toBeUndefined();
  });
});
