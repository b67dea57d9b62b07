// Watches, on a connection of its own, for our session (migrate's, or the restore's client) waiting for a
// table's metadata lock. Past the limit it names the sessions holding it up and, by mode, stops our statement
// (KILL QUERY: migrate fails and the deploy restores) or only reports them (a restore must finish); when asked
// to, it ends those sessions instead (KILL CONNECTION) so the work goes on.
import { connect, type Connection } from '../db/connect.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { describeBlocker, findLockBlockers, tableOfStatement, WAITING_FOR_METADATA_LOCK } from '../checks/lock-blockers.js';
import { readServerSessions } from './server-sessions.js';

export interface WatchdogOptions {
  settings: ConnectionSettings;
  /** deploy.lockWaitSeconds. */
  lockWaitSeconds: number;
  /** --kill-blockers: end the blocking sessions instead of stopping migrate. */
  killBlockers: boolean;
  /** 'stop': KILL QUERY our waiting statement (migrate); 'report': only name the blockers, once per wait (restore). */
  onWait: 'stop' | 'report';
  intervalMs?: number;
  /** Each action as it happens (journaled by the caller). */
  onEvent?: (event: WatchdogEvent) => void;
}

export interface WatchdogEvent {
  action: 'stopped-migrate' | 'killed-blockers' | 'reported';
  /** Our waiting session and the statement it waited with. */
  session: number;
  statement: string;
  table: string | null;
  waitedSeconds: number;
  blockers: string[];
  /** Why nothing could be named, when nothing could. */
  limits: string[];
}

export interface LockWatchdog {
  /** Stops watching; returns what it did. */
  stop(): Promise<WatchdogEvent[]>;
}

/** Starts watching. Sessions of `settings.user` that did not exist yet are migrate's. */
export async function startLockWatchdog(options: WatchdogOptions): Promise<LockWatchdog> {
  const connection = await connect(options.settings);
  const [existing] = await connection.query('SELECT ID AS id FROM information_schema.PROCESSLIST');
  const before = new Set((existing as Array<{ id: number }>).map((row) => Number(row.id)));
  const firstSeen = new Map<string, number>();
  const events: WatchdogEvent[] = [];
  const reported = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    const [rows] = await connection.query(`SELECT ID AS id, TIME AS seconds, INFO AS info FROM information_schema.PROCESSLIST WHERE STATE = ? AND USER = ?`, [WAITING_FOR_METADATA_LOCK, options.settings.user]);
    const now = Date.now();
    const waiting = (rows as Array<{ id: number; seconds: number; info: string | null }>).filter((row) => !before.has(Number(row.id)));
    const seen = new Set<string>();
    for (const row of waiting) {
      const key = `${row.id}:${row.info}`;
      seen.add(key);
      if (!firstSeen.has(key)) firstSeen.set(key, now - Number(row.seconds) * 1000);
      const waitedSeconds = (now - firstSeen.get(key)!) / 1000;
      if (waitedSeconds < options.lockWaitSeconds || stopped || reported.has(key)) continue;
      const statement = row.info ?? '';
      const table = tableOfStatement(statement);
      const read = await readServerSessions(connection);
      const blockers = findLockBlockers(read.sessions, { database: options.settings.database, tables: table ? [table] : [], exclude: new Set([Number(row.id)]) });
      const event: WatchdogEvent = { action: 'stopped-migrate', session: Number(row.id), statement, table, waitedSeconds: Math.round(waitedSeconds * 10) / 10, blockers: blockers.map(describeBlocker), limits: blockers.length ? [] : read.limits };
      const killed = options.killBlockers ? await killSessions(connection, blockers.map((blocker) => blocker.session.id)) : null;
      if (killed && killed.failures.length) event.limits.push(...killed.failures);
      if (killed && killed.count > 0) {
        event.action = 'killed-blockers';
        firstSeen.delete(key); // a new wait starts its own count
      } else if (options.onWait === 'report') {
        event.action = 'reported';
        reported.add(key);
      } else {
        await connection.query(`KILL QUERY ${Number(row.id)}`).catch(() => undefined);
        stopped = true;
      }
      events.push(event);
      options.onEvent?.(event);
    }
    for (const key of firstSeen.keys()) if (!seen.has(key)) firstSeen.delete(key);
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll()
        .catch(() => undefined) // a failed poll is retried on the next tick; migrate is never stopped on a guess
        .finally(schedule);
    }, options.intervalMs ?? 250);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await closeQuietly(connection);
      return events;
    },
  };
}

/** KILL CONNECTION each id; how many went, and why the others did not (another user's session needs CONNECTION ADMIN). */
async function killSessions(connection: Connection, ids: number[]): Promise<{ count: number; failures: string[] }> {
  let count = 0;
  const failures: string[] = [];
  for (const id of ids) {
    try {
      await connection.query(`KILL CONNECTION ${Number(id)}`);
      count += 1;
    } catch (error) {
      failures.push(`could not kill session ${id}: ${(error as Error).message}`);
    }
  }
  return { count, failures };
}

async function closeQuietly(connection: Connection): Promise<void> {
  try {
    await connection.end();
  } catch {
    connection.destroy();
  }
}
