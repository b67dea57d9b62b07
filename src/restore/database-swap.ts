// Swaps a loaded copy in for the developer's database with one RENAME TABLE, and undoes it.
// The target's tables move to `<target>__previous` and the incoming tables to the target in the same
// statement, so the target is never half old, half new. A marker table rides along in that statement
// from a scratch database to the kept one: where it is afterwards tells a later run whether the swap
// happened, so an interrupted run can be rolled back exactly.
import type { Connection } from '../db/connect.js';
import { quoteIdentifier } from '../db/connect.js';
import {
  createObjects,
  databaseExists,
  dropTriggers,
  dropViewsAndRoutines,
  listBaseTables,
  listObjectNames,
  readObjects,
} from './database-objects.js';
import { faultPoint } from './fault-points.js';
import type { DatabaseSwapRecord } from './journal.js';
import { previousDatabaseName, swapMarkerName } from './names.js';
import type { ConnectionSettings } from '../db/connection-settings.js';

const q = quoteIdentifier;
const table = (database: string, name: string) => `${q(database)}.${q(name)}`;

/** Creates a database with the target's default character set and collation. */
export async function createDatabaseLike(connection: Connection, name: string, like: string): Promise<void> {
  const [rows] = await connection.query('SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [like]);
  const defaults = (rows as Array<{ cs: string; co: string }>)[0];
  const options = defaults ? ` CHARACTER SET ${defaults.cs} COLLATE ${defaults.co}` : ' CHARACTER SET utf8mb4';
  await connection.query(`CREATE DATABASE ${q(name)}${options}`);
}

/** Plans swapping the loaded `staging` database in: clears `<target>__previous` and places the marker. */
export async function prepareRestoreSwap(connection: Connection, settings: ConnectionSettings, staging: string): Promise<DatabaseSwapRecord> {
  const target = settings.database;
  const keep = previousDatabaseName(target);
  // A first restore on a new machine: the target database itself may not exist yet.
  if (!(await databaseExists(connection, target))) await createDatabaseLike(connection, target, staging);
  // The copy kept by the last restore goes now: the target's current tables take its place.
  await connection.query(`DROP DATABASE IF EXISTS ${q(keep)}`);
  await createDatabaseLike(connection, keep, target);
  const marker = swapMarkerName();
  await connection.query(`CREATE TABLE ${table(staging, marker)} (id INT)`);
  return {
    host: settings.host,
    port: settings.port,
    socket: settings.socket,
    target,
    incoming: staging,
    keep,
    markerHome: staging,
    marker,
    targetTables: await listBaseTables(connection, target),
    incomingTables: (await listBaseTables(connection, staging)).filter((name) => name !== marker),
    targetObjects: await readObjects(connection, target),
    incomingObjects: await readObjects(connection, staging),
  };
}

/** Plans --undo: the kept copy (whose base tables, `keptTables`, the caller has listed) and the target trade places, through the empty `scratch` database. */
export async function prepareUndoSwap(connection: Connection, settings: ConnectionSettings, scratch: string, keptTables: string[]): Promise<DatabaseSwapRecord> {
  const target = settings.database;
  const keep = previousDatabaseName(target);
  await createDatabaseLike(connection, scratch, target);
  const marker = swapMarkerName();
  await connection.query(`CREATE TABLE ${table(scratch, marker)} (id INT)`);
  return {
    host: settings.host,
    port: settings.port,
    socket: settings.socket,
    target,
    incoming: keep,
    keep,
    markerHome: scratch,
    marker,
    targetTables: await listBaseTables(connection, target),
    incomingTables: keptTables,
    targetObjects: await readObjects(connection, target),
    incomingObjects: await readObjects(connection, keep),
  };
}

/**
 * The single RENAME TABLE that moves the target's tables out and the incoming ones in (or back). Going back
 * is the same moves reversed, each from where it went to where it came from; the order only matters for
 * names that collide (the target's tables wait in markerHome while an --undo's incoming tables move in).
 */
function renameStatement(record: DatabaseSwapRecord, direction: 'forward' | 'back'): string {
  const { target, incoming, keep, markerHome, marker, targetTables, incomingTables } = record;
  const moves: Array<{ from: string; to: string }> = [];
  const move = (fromDb: string, toDb: string, names: string[]) => {
    for (const name of names) moves.push({ from: table(fromDb, name), to: table(toDb, name) });
  };
  if (incoming === keep) {
    move(target, markerHome, targetTables);
    move(incoming, target, incomingTables);
    move(markerHome, keep, targetTables);
  } else {
    move(target, keep, targetTables);
    move(incoming, target, incomingTables);
  }
  move(markerHome, keep, [marker]);
  const ordered = direction === 'forward' ? moves : moves.reverse().map(({ from, to }) => ({ from: to, to: from }));
  return `RENAME TABLE ${ordered.map(({ from, to }) => `${from} TO ${to}`).join(', ')}`;
}

/** Whether the swap's RENAME has happened (the marker sits in the kept database). */
export async function isSwapped(connection: Connection, record: DatabaseSwapRecord): Promise<boolean> {
  if (!(await databaseExists(connection, record.keep))) return false;
  return (await listBaseTables(connection, record.keep)).includes(record.marker);
}

/** Performs the swap: triggers off, one RENAME, then views, routines and triggers recreated on both sides. */
export async function performSwap(connection: Connection, record: DatabaseSwapRecord): Promise<void> {
  // A table with triggers cannot move to another database: the definitions are in the journal.
  await dropTriggers(connection, record.target, record.targetObjects.triggers);
  await dropTriggers(connection, record.incoming, record.incomingObjects.triggers);
  await faultPoint('db-triggers-dropped');
  await connection.query(renameStatement(record, 'forward'));
  await faultPoint('db-swapped');
  await dropViewsAndRoutines(connection, record.target);
  await createObjects(connection, record.incomingObjects, record.incoming, record.target);
  if (record.keep === record.incoming) await dropViewsAndRoutines(connection, record.keep);
  await createObjects(connection, record.targetObjects, record.target, record.keep);
}

/** Puts the target back exactly as it was before `performSwap`, from wherever an interrupted swap stopped. */
export async function rollbackSwap(connection: Connection, record: DatabaseSwapRecord): Promise<void> {
  if (await isSwapped(connection, record)) {
    const targetNow = await listObjectNames(connection, record.target);
    const keepNow = await listObjectNames(connection, record.keep);
    for (const name of targetNow.triggers) await connection.query(`DROP TRIGGER IF EXISTS ${table(record.target, name)}`);
    for (const name of keepNow.triggers) await connection.query(`DROP TRIGGER IF EXISTS ${table(record.keep, name)}`);
    if (!(await databaseExists(connection, record.markerHome))) await createDatabaseLike(connection, record.markerHome, record.target);
    await connection.query(renameStatement(record, 'back'));
    await dropViewsAndRoutines(connection, record.target);
  }
  // Views and routines of the target are only touched after the RENAME; triggers may have been dropped before it.
  await createObjects(connection, record.targetObjects, record.target, record.target);
  if (record.incoming === record.keep) {
    await dropViewsAndRoutines(connection, record.keep);
    await createObjects(connection, record.incomingObjects, record.incoming, record.incoming);
  }
}

/** After a committed swap: drops the scratch/staging database and the marker. */
export async function finishSwap(connection: Connection, record: DatabaseSwapRecord): Promise<void> {
  await connection.query(`DROP DATABASE IF EXISTS ${q(record.markerHome)}`);
  await connection.query(`DROP TABLE IF EXISTS ${table(record.keep, record.marker)}`);
}

/** After a rollback: drops what the attempt created (staging or scratch; the emptied kept copy of a restore). */
export async function discardAfterRollback(connection: Connection, record: DatabaseSwapRecord): Promise<void> {
  await connection.query(`DROP DATABASE IF EXISTS ${q(record.markerHome)}`);
  if (record.incoming !== record.keep) {
    await connection.query(`DROP DATABASE IF EXISTS ${q(record.incoming)}`);
    await connection.query(`DROP DATABASE IF EXISTS ${q(record.keep)}`);
  }
}
