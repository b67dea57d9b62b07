// Which Python and which Django a verdict came from, checked with a few stat() calls instead of
// starting Python: part of the verdict cache key.
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile, writeJsonFileAtomically } from '../fs/json-file.js';

export interface PythonIdentity {
  /** The interpreter as configured, resolved on PATH when it has no slash. */
  python: string;
  binary: { realpath: string; mtimeMs: number; size: number };
  /** django/__init__.py as that Python imports it: a Django upgrade rewrites it. */
  django: { file: string; mtimeMs: number; size: number; version: string };
}

function identityFile(stateDir: string, python: string): string {
  return path.join(stateDir, 'python', `${createHash('sha256').update(python).digest('hex').slice(0, 16)}.json`);
}

function statOf(file: string): { mtimeMs: number; size: number } | null {
  try {
    const info = statSync(file);
    return { mtimeMs: info.mtimeMs, size: info.size };
  } catch {
    return null;
  }
}

/** The recorded identity of `python`, when the interpreter and its Django are unchanged since; else null. */
export async function currentPythonIdentity(stateDir: string, python: string): Promise<PythonIdentity | null> {
  const identity = readJsonFile<PythonIdentity>(identityFile(stateDir, python));
  if (!identity) return null;
  let realpath: string;
  try {
    realpath = realpathSync(python);
  } catch {
    return null;
  }
  const binary = statOf(realpath);
  const django = statOf(identity.django.file);
  if (!binary || !django || realpath !== identity.binary.realpath) return null;
  if (binary.mtimeMs !== identity.binary.mtimeMs || binary.size !== identity.binary.size) return null;
  if (django.mtimeMs !== identity.django.mtimeMs || django.size !== identity.django.size) return null;
  return identity;
}

/** Records what a Django run reported about itself; returns the identity, or null when it cannot be stat'ed. */
export async function recordPythonIdentity(stateDir: string, python: string, djangoFile: string, djangoVersion: string): Promise<PythonIdentity | null> {
  try {
    const realpath = realpathSync(python);
    const binary = statOf(realpath);
    const django = statOf(djangoFile);
    if (!binary || !django) return null;
    const identity: PythonIdentity = { python, binary: { realpath, ...binary }, django: { file: djangoFile, ...django, version: djangoVersion } };
    writeJsonFileAtomically(identityFile(stateDir, python), identity);
    return identity;
  } catch {
    return null;
  }
}
