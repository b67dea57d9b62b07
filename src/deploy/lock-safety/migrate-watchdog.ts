// Runs deploy's migrate under the metadata-lock watchdog: each action it takes is printed and journaled at once
// (flushed), and a migrate it stopped fails with a message naming the table, the wait and the blocking sessions.
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { startLockWatchdog, type WatchdogEvent } from '../../ddl-safety/lock-watchdog.js';
import type { DeployOutput } from '../steps/deploy-output.js';
import type { StepContext } from '../steps/step-runner.js';

export interface WatchedMigrateInput {
  settings: ConnectionSettings;
  lockWaitSeconds: number;
  killBlockers: boolean;
  output: DeployOutput;
  step: StepContext;
}

/** `work` (migrate) with the watchdog on; returns its value and the stop, if the watchdog stopped migrate. */
export async function withLockWatchdog<T>(input: WatchedMigrateInput, work: () => Promise<T>): Promise<{ value: T; stopped: WatchdogEvent | null }> {
  const events: WatchdogEvent[] = [];
  const watchdog = await startLockWatchdog({
    settings: input.settings,
    lockWaitSeconds: input.lockWaitSeconds,
    killBlockers: input.killBlockers,
    onEvent: (event) => {
      events.push(event);
      input.step.note({ watchdog: events }, true);
      input.output.line('warn', describeWatchdogEvent(event));
    },
  });
  try {
    const value = await work();
    return { value, stopped: events.find((event) => event.action === 'stopped-migrate') ?? null };
  } finally {
    await watchdog.stop();
  }
}

/** What the watchdog did, in one message that names the table, the wait, the blockers and the way out. */
export function describeWatchdogEvent(event: WatchdogEvent): string {
  const waited = `migrate waited ${event.waitedSeconds} s for the metadata lock of ${event.table ? `\`${event.table}\`` : 'a table'} (${event.statement.length > 120 ? `${event.statement.slice(0, 119)}…` : event.statement})`;
  const blockers = event.blockers.length ? `held by ${event.blockers.join('; ')}` : `the blocking session could not be named${event.limits.length ? ` (${event.limits.join('; ')})` : ''}`;
  if (event.action === 'killed-blockers') return `${waited}, ${blockers}: killed them (--kill-blockers)`;
  return `${waited}, ${blockers}: stopped migrate (KILL QUERY ${event.session}) so nothing queues behind it. End those sessions, or rerun with --kill-blockers, or raise "deploy.lockWaitSeconds"`;
}
