// Is the process that wrote a lock or journal still the same live process? A pid alone can be reused.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Start time in clock ticks since boot (Linux /proc/<pid>/stat field 22); null elsewhere. */
  startTicks: string | null;
}

/** The start time of `pid` from /proc, or null when unknown (process gone or a zombie, or not Linux). */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null; // exited, not yet reaped
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** This process's identity, for lock files and journals. */
export function currentProcessIdentity(): ProcessIdentity {
  return identityOf(process.pid);
}

/** The identity of a running process (e.g. a child just spawned). */
export function identityOf(pid: number): ProcessIdentity {
  return { pid, host: os.hostname(), startTicks: processStartTicks(pid) };
}

function onLinux(): boolean {
  return process.platform === 'linux';
}

/** Whether the recorded process is still running on this host; 'other-host' when it ran elsewhere. */
export function processState(identity: ProcessIdentity): 'running' | 'gone' | 'other-host' {
  if (identity.host !== os.hostname()) return 'other-host';
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
    // EPERM: it exists but belongs to someone else.
  }
  const now = processStartTicks(identity.pid);
  if (identity.startTicks === null) return now === null && onLinux() ? 'gone' : 'running';
  if (now === null) return 'gone';
  return now === identity.startTicks ? 'running' : 'gone';
}
