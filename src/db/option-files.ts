// MySQL/MariaDB option files (my.cnf) as the client library reads them: the groups asked for, in file
// order, later values winning, with `!include FILE` and `!includedir DIR` read where they stand.
// The ini syntax itself is left to the `ini` package; only the two directives are handled here.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ini from 'ini';

/** Option values by name, with `_` spelled `-` (the client treats them alike); `true` for a bare option. */
export type OptionValues = Record<string, string | true>;

export interface OptionFilesRead {
  values: OptionValues;
  /** The files that were read, in order (for doctor: where a value came from). */
  files: string[];
  /** For each option, the file its value came from. */
  origins: Record<string, string>;
}

/** The groups MariaDB's client library reads (MySQLdb links it on Debian), then the one asked for. */
export function clientGroups(extraGroup?: string): string[] {
  const groups = ['client', 'client-server', 'client-mariadb'];
  if (extraGroup && !groups.includes(extraGroup)) groups.push(extraGroup);
  return groups;
}

/** The files the client library reads when a group is asked for without a file (read_default_group alone). */
export function defaultOptionFiles(env: NodeJS.ProcessEnv): string[] {
  const home = env.MARIADB_HOME ?? env.MYSQL_HOME;
  return ['/etc/my.cnf', '/etc/mysql/my.cnf', ...(home ? [path.join(home, 'my.cnf')] : []), path.join(env.HOME ?? os.homedir(), '.my.cnf')];
}

/** Reads `files` (missing ones are skipped, as the client does) and merges the options of `groups`. */
export function readOptionFiles(files: readonly string[], groups: readonly string[]): OptionFilesRead {
  const result: OptionFilesRead = { values: {}, files: [], origins: {} };
  const wanted = new Set(groups);
  for (const file of files) readOptionFile(file, wanted, result, 0);
  return result;
}

const MAX_INCLUDE_DEPTH = 10;

function readOptionFile(file: string, groups: ReadonlySet<string>, result: OptionFilesRead, depth: number): void {
  if (depth > MAX_INCLUDE_DEPTH) return;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  result.files.push(file);
  let section: string | null = null;
  let chunk: string[] = [];
  const flush = (): void => {
    if (chunk.length) mergeGroups(ini.parse(chunk.join('\n')), groups, file, result);
    chunk = section === null ? [] : [`[${section}]`];
  };
  for (const line of text.split(/\r?\n/)) {
    const directive = /^\s*!(include|includedir)\s+(.+?)\s*$/.exec(line);
    if (directive) {
      flush();
      const target = path.resolve(path.dirname(file), directive[2]!);
      if (directive[1] === 'include') {
        readOptionFile(target, groups, result, depth + 1);
      } else {
        for (const name of safeReaddir(target).filter((entry) => entry.endsWith('.cnf')).sort()) {
          readOptionFile(path.join(target, name), groups, result, depth + 1);
        }
      }
      continue;
    }
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) section = header[1]!.trim();
    chunk.push(line);
  }
  flush();
}

function mergeGroups(parsed: Record<string, unknown>, groups: ReadonlySet<string>, file: string, result: OptionFilesRead): void {
  for (const [group, options] of Object.entries(parsed)) {
    if (!groups.has(group) || !options || typeof options !== 'object') continue;
    for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
      const key = name.trim().replace(/_/g, '-');
      if (typeof value === 'string' || value === true) {
        result.values[key] = value;
        result.origins[key] = file;
      }
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
