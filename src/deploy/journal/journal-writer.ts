// Appends journal lines durably (write + fdatasync per line), so `kill -9` leaves a readable record.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fsyncDirectory } from '../../fs/durable-files.js';
import { redactSecrets } from '../../ui/redact-secrets.js';
import { JOURNAL_PREFIX, JOURNAL_SUFFIX, type JournalEntry } from './journal-entry.js';

export interface JournalWriter {
  id: string;
  file: string;
  /** Appends a line; throws when it cannot be written (before migrating, that stops the deploy). */
  append(entry: Omit<JournalEntry, 'time' | 'deploy'>): void;
  /** Appends a line, reporting (not throwing) a write failure: for the clean-up path, which must go on. */
  appendBestEffort(entry: Omit<JournalEntry, 'time' | 'deploy'>): void;
  close(): void;
}

/** A new deploy id; milliseconds keep ids in start order even when a rerun follows a killed deploy within a second. */
export function newJournalId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '')}-${process.pid}`;
}

/** The journal file of deploy `id` in `dir`. */
export function journalPath(dir: string, id: string): string {
  return path.join(dir, `${JOURNAL_PREFIX}${id}${JOURNAL_SUFFIX}`);
}

/** Creates the journal of deploy `id` in `dir`. */
export async function createJournal(dir: string, id: string, secrets: string[], warn: (message: string) => void): Promise<JournalWriter> {
  const file = journalPath(dir, id);
  const fd = openSync(file, 'a', 0o600);
  await fsyncDirectory(dir);
  return journalAt(file, id, fd, secrets, warn);
}

/** Opens an existing journal to append to it (e.g. to record that a later deploy resolved it). */
export function openJournalForAppend(file: string, id: string, secrets: string[], warn: (message: string) => void): JournalWriter {
  return journalAt(file, id, openSync(file, 'a', 0o600), secrets, warn);
}

function journalAt(file: string, id: string, fd: number, secrets: string[], warn: (message: string) => void): JournalWriter {
  let open = true;
  const write = (entry: Omit<JournalEntry, 'time' | 'deploy'>) => {
    const line = redactSecrets(JSON.stringify({ time: new Date().toISOString(), deploy: id, ...entry }), secrets);
    writeSync(fd, `${line}\n`);
    fdatasyncSync(fd);
  };
  return {
    id,
    file,
    append: write,
    appendBestEffort(entry) {
      try {
        write(entry);
      } catch (error) {
        warn(`could not write to the journal ${file}: ${(error as Error).message}`);
      }
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
