// The Django repository's package.json (at the git root, or in a subdirectory such as frontend/, as
// husky documents): the `prepare` script that runs husky and the dependencies a fresh clone needs
// for `npm install` to set the hooks up.
import { existsSync } from 'node:fs';
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

/**
 * The directory of the package.json that governs `cwd`: the nearest one from `cwd` up to the git
 * root `root` (npm's own rule); `root` when there is none (readPackageJson then says how to make one).
 */
export function findPackageDir(cwd: string, root: string): string {
  let dir = path.resolve(cwd);
  const inside = (candidate: string) => candidate === root || candidate.startsWith(`${root}${path.sep}`);
  while (inside(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === root) break;
    dir = path.dirname(dir);
  }
  return root;
}

/** Reads package.json in `root`; a missing one is a UserError with the command that makes it. */
export async function readPackageJson(root: string): Promise<PackageJsonFile> {
  const file = path.join(root, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`No package.json at the repository root (${root}): husky, which installs the hooks, is an npm package.`, {
      fix: `cd ${root} && npm init -y   then install migration-guard as the README's "Adopting it" section shows, and run npx migration-guard install`,
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

/**
 * The husky command of `prepare`, for a package.json `packageRel` below the git root ('' at the root).
 * husky must run at the git root; `|| true` keeps `npm ci --omit=dev` working on servers where husky,
 * a development tool, is not installed (husky's documented recipe).
 */
export function huskyCommand(packageRel: string): string {
  if (!packageRel) return 'husky || true';
  const up = packageRel.split('/').map(() => '..').join('/');
  return `cd ${up} && (husky ${packageRel}/.husky || true)`;
}

/** Makes `prepare` run husky; returns the previous value ('' when there was none), or null when it already did. */
export function ensurePrepareScript(pkg: PackageJsonFile, packageRel = ''): string | null {
  const scripts = (pkg.data.scripts ??= {});
  const previous = scripts.prepare;
  // What earlier versions wrote: a bare `husky` fails `npm ci --omit=dev`; it becomes the current form.
  if (previous && /\bhusky\b/.test(previous) && previous !== 'husky') return null;
  const ours = huskyCommand(packageRel);
  scripts.prepare = previous && previous !== 'husky' ? `${previous} && ${ours.includes('&&') ? ours : `(${ours})`}` : ours;
  return previous === 'husky' ? '' : (previous ?? '');
}

/** Puts `prepare` back to what it was before install changed it. */
export function restorePrepareScript(pkg: PackageJsonFile, previous: string, packageRel = ''): boolean {
  const scripts = pkg.data.scripts;
  if (!scripts?.prepare) return false;
  const ours = huskyCommand(packageRel);
  const expected = previous ? `${previous} && ${ours.includes('&&') ? ours : `(${ours})`}` : ours;
  if (scripts.prepare !== expected) return false; // changed since: leave it to the user
  if (previous) scripts.prepare = previous;
  else delete scripts.prepare;
  if (Object.keys(scripts).length === 0) delete pkg.data.scripts;
  return true;
}

/** The packages a fresh clone's `npm install` needs for working hooks, when package.json lacks them. */
export function missingDependencies(pkg: PackageJsonFile): string[] {
  const declared = { ...pkg.data.dependencies, ...pkg.data.devDependencies };
  return ['migration-guard', 'husky'].filter((name) => !(name in declared));
}
