// The mariadb/mysql command-line client as a SQL sink: statements go to its stdin, credentials come
// from a 0600 option file and the password from its environment, client commands in the dump (\! shell escapes, source) are disabled, and so is
// LOAD DATA LOCAL (the client never reads local files for the server).
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { writeClientOptionsFile } from './client-options-file.js';
import { findClientProgram } from './client-programs.js';
import type { ConnectionSettings } from './connection-settings.js';

export interface ClientOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Set when the program could not be started at all (code is then 127). */
  spawnError?: Error;
}

export interface RunningClient {
  /** The client program's path. */
  program: string;
  pid: number | undefined;
  stdin: Writable;
  /** Lines the client printed on stdout (used for sync markers by the parallel loader). */
  onOutputLine(listener: (line: string) => void): void;
  exited: Promise<ClientOutcome>;
  kill(): void;
}

export interface ClientStartOptions {
  /** Its own process group, so a Ctrl-C on the terminal does not reach it. */
  detached?: boolean;
  /** More client options, placed before the database name. */
  extraArgs?: string[];
}

/** Starts the client connected to `settings.database`, reading SQL from stdin. */
export async function startClient(settings: ConnectionSettings, env: NodeJS.ProcessEnv = process.env, startOptions: ClientStartOptions = {}): Promise<RunningClient> {
  const program = findClientProgram('client', env);
  const options = await writeClientOptionsFile(settings);
  const child = spawn(
    program,
    [
      options.arg, // must come first
      '--batch',
      '--skip-column-names',
      // Output flushed after each statement: the parallel loader waits for its sync markers to come back.
      '--unbuffered',
      // Binary-safe input, and no client commands from the dump (only DELIMITER), so a dump cannot run shell commands here.
      '--binary-mode',
      // LOAD DATA LOCAL INFILE in a dump would read files of this machine into the database.
      '--local-infile=0',
      '--max-allowed-packet=1073741824',
      ...(startOptions.extraArgs ?? []),
      settings.database,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], detached: startOptions.detached ?? false, env: options.env(env) },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-16_384)));
  const lineListeners: Array<(line: string) => void> = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    partial += text;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      for (const listener of lineListeners) listener(line);
    }
    if (partial.length > 65_536) partial = partial.slice(-65_536);
  });
  child.stdin.on('error', () => {}); // EPIPE after the client quit: its exit status and stderr tell why
  const exited = new Promise<ClientOutcome>((resolve) => {
    child.once('error', (error) => resolve({ code: 127, signal: null, stderr: `${program}: ${error.message}`, spawnError: error }));
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  }).finally(() => options.remove());
  return {
    program,
    pid: child.pid,
    stdin: child.stdin,
    onOutputLine: (listener) => lineListeners.push(listener),
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The client's "ERROR 1064 (42000) at line 12: …" split into parts, or null. */
export function parseClientError(stderr: string): { line?: number; message: string } | null {
  const match = /ERROR (\d+)(?: \((\w+)\))?(?: at line (\d+))?: ([^\n]*)/.exec(stderr);
  if (!match) return null;
  return { line: match[3] ? Number(match[3]) : undefined, message: `ERROR ${match[1]}${match[2] ? ` (${match[2]})` : ''}: ${match[4]}` };
}
