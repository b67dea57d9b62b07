// The Django repository's package.json: the `prepare: husky` script and the dev dependencies a fresh
// clone needs for `npm install` to set the hooks up.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface PackageJsonFile {
  file: string;
  data: PackageJson;
  indent: string;
}

/** Reads package.json at the repository root; a missing one is a UserError with the command that makes it. */
export async function readPackageJson(root: string): Promise<PackageJsonFile> {
  const file = path.join(root, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`No package.json at the repository root (${root}): husky, which installs the hooks, is an npm package.`, {
      fix: `cd ${root} && npm init -y && npm install --save-dev migration-guard husky && npx migration-guard install`,
    });
  }
  try {
    const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  ';
    return { file, data: JSON.parse(text) as PackageJson, indent };
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${(error as Error).message}`, { fix: `Fix the JSON in ${file}.` });
  }
}

export async function writePackageJson(pkg: PackageJsonFile): Promise<void> {
  await writeFile(pkg.file, `${JSON.stringify(pkg.data, null, pkg.indent)}\n`);
}

/** Makes `prepare` run husky; returns the previous value ('' when there was none), or null when it already did. */
export function ensurePrepareScript(pkg: PackageJsonFile): string | null {
  const scripts = (pkg.data.scripts ??= {});
  const previous = scripts.prepare;
  if (previous && /\bhusky\b/.test(previous)) return null;
  scripts.prepare = previous ? `${previous} && husky` : 'husky';
  return previous ?? '';
}

/** Puts `prepare` back to what it was before install changed it. */
export function restorePrepareScript(pkg: PackageJsonFile, previous: string): boolean {
  const scripts = pkg.data.scripts;
  if (!scripts?.prepare) return false;
  const ours = previous ? `${previous} && husky` : 'husky';
  if (scripts.prepare !== ours) return false; // changed since: leave it to the user
  if (previous) scripts.prepare = previous;
  else delete scripts.prepare;
  if (Object.keys(scripts).length === 0) delete pkg.data.scripts;
  return true;
}

/** The packages a fresh clone's `npm install` needs for working hooks, when package.json lacks them. */
export function missingDevDependencies(pkg: PackageJsonFile): string[] {
  const declared = { ...pkg.data.dependencies, ...pkg.data.devDependencies };
  return ['migration-guard', 'husky'].filter((name) => !(name in declared));
}
