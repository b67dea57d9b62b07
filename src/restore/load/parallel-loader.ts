// Loads a dump over several client connections at once. Statements are routed as they stream by:
// row statements (INSERT/REPLACE) go to whichever client has the least queued, table definitions and
// everything else go to the first client in dump order, and session settings (SET …) go to all.
// Order is kept where it matters with sync points: before a definition runs, every client has finished
// its rows (a `SELECT '<marker>'` echoed back); before rows follow a definition, the first client has run it.
// LOCK/UNLOCK TABLES are dropped: a lock held by one client would block the others' rows.
import { Writable } from 'node:stream';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { RowStatementEnd } from '../stream/row-statement-end.js';
import { startClient, type ClientOutcome, type RunningClient } from '../../db/mariadb-client.js';

const NEWLINE = 0x0a;
const HEAD_BYTES = 64;
// Bytes queued in Node for one client before we wait for it to drain.
const QUEUE_LIMIT = 4 * 1024 * 1024;

type Route = 'rows' | 'ddl' | 'broadcast' | 'drop' | 'skip-line';

class Worker {
  private markers = new Map<string, () => void>();
  private failed: ((error: Error) => void)[] = [];
  private exitedWith: ClientOutcome | null = null;
  dirty = false;

  constructor(readonly index: number, readonly client: RunningClient) {
    client.onOutputLine((line) => {
      const resolve = this.markers.get(line.trim());
      if (resolve) {
        this.markers.delete(line.trim());
        resolve();
      }
    });
    void client.exited.then((outcome) => {
      this.exitedWith = outcome;
      const error = new Error(`client ${index} exited`);
      for (const reject of this.failed) reject(error);
    });
  }

  get queued(): number {
    return this.client.stdin.writableLength;
  }

  write(data: Buffer): boolean {
    return this.client.stdin.write(data);
  }

  drained(): Promise<void> {
    if (this.exitedWith) return Promise.reject(new Error(`client ${this.index} exited`));
    if (!this.client.stdin.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.client.stdin.once('drain', resolve);
      this.failed.push(reject);
    });
  }

  /** Resolves once the client has executed everything written so far. */
  sync(id: number): Promise<void> {
    if (this.exitedWith) return Promise.reject(new Error(`client ${this.index} exited`));
    const marker = `mg-sync-${this.index}-${id}`;
    const done = new Promise<void>((resolve, reject) => {
      this.markers.set(marker, resolve);
      this.failed.push(reject);
    });
    this.client.stdin.write(`SELECT '${marker}';\n`);
    this.dirty = false;
    return done;
  }
}

/** The parallel sink: write filtered SQL to `input`; `finished` reports the first failing client, if any. */
export class ParallelLoader {
  readonly input: Writable;
  readonly finished: Promise<ClientOutcome>;
  private readonly workers: Worker[];
  private delimiter = ';';
  private pendingDelimiter: string | null = null;
  private rowEnd: RowStatementEnd | null = null;
  private route: Route | null = null;
  private target: Worker | null = null;
  private head: Buffer[] = [];
  private headLength = 0;
  private broadcastBuffer: Buffer[] = [];
  private lineTail = '';
  private syncCounter = 0;
  private phase: 'ddl' | 'rows' = 'ddl';

  static async start(staging: ConnectionSettings, connections: number): Promise<ParallelLoader> {
    const clients: RunningClient[] = [];
    try {
      for (let i = 0; i < connections; i++) clients.push(await startClient(staging));
    } catch (error) {
      for (const client of clients) client.kill();
      throw error;
    }
    return new ParallelLoader(clients);
  }

  private constructor(clients: RunningClient[]) {
    this.workers = clients.map((client, index) => new Worker(index, client));
    // Row statements of one table run side by side: READ COMMITTED takes no gap locks, which keeps
    // concurrent inserts from deadlocking each other.
    for (const worker of this.workers) worker.write(Buffer.from('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;\n'));
    // The client that failed on its own (with an ERROR), not the ones stopped because of it. Its line
    // numbers count its share of the statements, not the dump's lines, so they are left out.
    this.finished = Promise.all(clients.map((client) => client.exited)).then((outcomes) => {
      const failed = outcomes.find((outcome) => /ERROR \d+/.test(outcome.stderr)) ?? outcomes.find((outcome) => outcome.code !== 0 && !outcome.signal) ?? outcomes.find((outcome) => outcome.code !== 0);
      if (!failed) return outcomes[0]!;
      return { ...failed, stderr: failed.stderr.replace(/ at line \d+/g, '') };
    });
    // The first failure stops the others, so a broken client never leaves the rest waiting.
    for (const client of clients) {
      void client.exited.then((outcome) => {
        if (outcome.code !== 0) this.kill();
      });
    }
    this.input = new Writable({
      highWaterMark: 1024 * 1024,
      write: (chunk: Buffer, _encoding, callback) => {
        this.consume(chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        this.finish().then(() => callback(), callback);
      },
    });
  }

  kill(): void {
    for (const worker of this.workers) worker.client.kill();
  }

  private async consume(chunk: Buffer): Promise<void> {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.route === null) {
        // Collect the start of a statement until its route is clear.
        const newline = chunk.indexOf(NEWLINE, pos);
        const want = HEAD_BYTES - this.headLength;
        const end = newline >= 0 && newline + 1 - pos <= want ? newline + 1 : Math.min(chunk.length, pos + want);
        this.head.push(chunk.subarray(pos, end));
        this.headLength += end - pos;
        pos = end;
        const headComplete = this.headLength >= HEAD_BYTES || chunk[end - 1] === NEWLINE;
        if (!headComplete) continue;
        const head = Buffer.concat(this.head, this.headLength);
        this.head = [];
        this.headLength = 0;
        await this.beginStatement(head.toString('latin1'));
        await this.consume(head); // the head goes the statement's way like the rest (route is set now)
        continue;
      }
      if (this.route === 'rows') {
        // Rows go on in one piece per chunk up to the statement's end.
        const end = this.rowEnd!.find(chunk, pos);
        const target = this.target!;
        if (!target.write(chunk.subarray(pos, end < 0 ? chunk.length : end)) && target.queued > QUEUE_LIMIT * 2) await target.drained();
        if (end < 0) return;
        this.route = null;
        this.target = null;
        pos = end;
        continue;
      }
      const newline = chunk.indexOf(NEWLINE, pos);
      const end = newline < 0 ? chunk.length : newline + 1;
      await this.emit(chunk.subarray(pos, end));
      pos = end;
    }
  }

  private async beginStatement(head: string): Promise<void> {
    const text = head.trimStart();
    const firstLine = text.split('\n', 1)[0]!.trim();
    this.lineTail = '';
    if (firstLine === '' || /^(--|#)/.test(firstLine)) {
      this.route = 'skip-line';
      return;
    }
    const delimiter = /^DELIMITER\s+(\S+)/i.exec(firstLine);
    if (delimiter) this.pendingDelimiter = delimiter[1]!;
    if (delimiter || this.delimiter !== ';') this.route = 'ddl';
    else if (/^(INSERT|REPLACE)\s/i.test(text)) this.route = 'rows';
    else if (/^(LOCK|UNLOCK)\s+TABLES\b/i.test(text)) this.route = 'drop';
    else if (/^(?:\/\*M?!\d+\s+)?SET\s/i.test(text) || /^(?:COMMIT|SET\s+autocommit\s*=)/i.test(text)) this.route = 'broadcast';
    else this.route = 'ddl';

    if (this.route === 'ddl') {
      if (this.phase === 'rows') {
        const id = ++this.syncCounter;
        await Promise.all(this.workers.filter((worker) => worker.index > 0 && worker.dirty).map((worker) => worker.sync(id)));
        this.phase = 'ddl';
      }
      this.target = this.workers[0]!;
      this.target.dirty = true;
    } else if (this.route === 'rows') {
      if (this.phase === 'ddl') {
        if (this.workers[0]!.dirty) await this.workers[0]!.sync(++this.syncCounter);
        this.phase = 'rows';
      }
      let best = this.workers[0]!;
      for (const worker of this.workers) if (worker.queued < best.queued) best = worker;
      if (best.queued > QUEUE_LIMIT) await Promise.race(this.workers.map((worker) => worker.drained()));
      this.target = best;
      this.rowEnd = new RowStatementEnd();
      if (best.index > 0) best.dirty = true;
    } else {
      this.target = null;
    }
  }

  private async emit(piece: Buffer): Promise<void> {
    const route = this.route!;
    if (route === 'ddl') {
      const target = this.target!;
      if (!target.write(piece) && target.queued > QUEUE_LIMIT * 2) await target.drained();
    } else if (route === 'broadcast') {
      this.broadcastBuffer.push(piece);
    }
    if (piece[piece.length - 1] !== NEWLINE) {
      this.lineTail = (this.lineTail + piece.subarray(Math.max(0, piece.length - 16)).toString('latin1')).slice(-16);
      return;
    }
    const tail = (this.lineTail + piece.subarray(Math.max(0, piece.length - 16)).toString('latin1')).slice(-16).trimEnd();
    this.lineTail = '';
    if (this.pendingDelimiter) {
      this.delimiter = this.pendingDelimiter;
      this.pendingDelimiter = null;
      this.route = null;
      this.target = null;
      return;
    }
    if (route === 'skip-line' || tail.endsWith(this.delimiter)) {
      if (route === 'broadcast') {
        const statement = Buffer.concat(this.broadcastBuffer);
        this.broadcastBuffer = [];
        for (const worker of this.workers) worker.write(statement);
      }
      this.route = null;
      this.target = null;
    }
  }

  private async finish(): Promise<void> {
    if (this.headLength > 0) {
      const head = Buffer.concat(this.head, this.headLength);
      this.head = [];
      this.headLength = 0;
      await this.beginStatement(head.toString('latin1'));
      await this.consume(head);
    }
    if (this.broadcastBuffer.length > 0) {
      const statement = Buffer.concat(this.broadcastBuffer);
      for (const worker of this.workers) worker.write(statement);
    }
    for (const worker of this.workers) worker.client.stdin.end();
  }
}
