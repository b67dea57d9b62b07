// Runs deploy's migrate (or its failure path's restore) under the metadata-lock watchdog: each action it takes is
// printed and journaled at once, and a migrate it stopped fails with a message naming the table, the wait and the
// blocking sessions. A restore is never stopped: the blockers are named so someone can end them.
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { startLockWatchdog, type WatchdogEvent } from '../../ddl-safety/lock-watchdog.js';
import type { DeployOutput } from '../../ui/deploy-output.js';

export interface WatchedMigrateInput {
  settings: ConnectionSettings;
  lockWaitSeconds: number;
  killBlockers: boolean;
  output: DeployOutput;
  /** 'stop' for migrate, 'report' for the restore. */
  onWait: 'stop' | 'report';
  /** Journals the watchdog's actions so far (flushed at once). */
  note: (detail: Record<string, unknown>) => void;
}

/** `work` (migrate) with the watchdog on; returns its value and the stop, if the watchdog stopped migrate. */
export async function withLockWatchdog<T>(input: WatchedMigrateInput, work: () => Promise<T>): Promise<{ value: T; stopped: WatchdogEvent | null }> {
  const events: WatchdogEvent[] = [];
  // Never in the way of the work itself (least of all a restore): without its connection it only says so.
  const watchdog = await startLockWatchdog({
    settings: input.settings,
    lockWaitSeconds: input.lockWaitSeconds,
    killBlockers: input.killBlockers,
    onWait: input.onWait,
    onEvent: (event) => {
      events.push(event);
      input.note({ watchdog: events });
      input.output.line('warn', describeWatchdogEvent(event));
    },
  }).catch((error: Error) => {
    input.note({ watchdogUnavailable: error.message });
    input.output.line('warn', `the metadata-lock watchdog could not start (${error.message}): nothing watches for lock waits now`);
    return null;
  });
  try {
    const value = await work();
    return { value, stopped: events.find((event) => event.action === 'stopped-migrate') ?? null };
  } finally {
    await watchdog?.stop();
  }
}

/** What the watchdog did, in one message that names the table, the wait, the blockers and the way out. */
export function describeWatchdogEvent(event: WatchdogEvent): string {
  const waited = `migrate waited ${event.waitedSeconds} s for the metadata lock of ${event.table ? `\`${event.table}\`` : 'a table'} (${event.statement.length > 120 ? `${event.statement.slice(0, 119)}…` : event.statement})`;
  const limits = event.limits.length ? ` (${event.limits.join('; ')})` : '';
  const blockers = event.blockers.length ? `held by ${event.blockers.join('; ')}${limits}` : `the blocking session could not be named${limits}`;
  if (event.action === 'killed-blockers') return `${waited}, ${blockers}: killed them (--kill-blockers)`;
  if (event.action === 'reported') return `${waited.replace(/^migrate/, 'the restore')}, ${blockers}: it goes on waiting, since the database must be restored. End them: ${event.blockers.length ? event.blockers.map((text) => `KILL ${/session (\d+)/.exec(text)?.[1]}`).join('; ') : 'see SHOW PROCESSLIST'}`;
  return `${waited}, ${blockers}: stopped migrate (KILL QUERY ${event.session}) so nothing queues behind it. End those sessions, or rerun with --kill-blockers, or raise "deploy.lockWaitSeconds"`;
}
