// A developer's checkout of the fixture project with migration-guard installed through husky, the
// way a team uses it: package.json, node_modules linked to this build (no downloads), a bare origin.
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { CLI, PROJECT_ROOT, createFixtureRepo, gitEnv } from '../../helpers/fixture-project.js';

export interface GitResult {
  exitCode: number;
  /** stdout and stderr interleaved, as a user sees them. */
  output: string;
}

export interface Checkout {
  dir: string;
  /** Runs git with the hooks active; no terminal (as from a GUI client or CI); never rejects. */
  git(args: string[], options?: { env?: Record<string, string> }): Promise<GitResult>;
  /** Runs git and throws when it fails (scenario set-up). */
  gitOk(...args: string[]): Promise<string>;
  write(file: string, content: string): Promise<void>;
  read(file: string): Promise<string>;
  /** Inserts a line into catalog/models.py's Product class (before `sku = `). */
  addProductField(line: string): Promise<void>;
  /** Runs the real makemigrations in the working tree (as a developer would). */
  makemigrations(app: string, name: string): Promise<string>;
}

export interface HookedRepo extends Checkout {
  /** The bare repository acting as origin. */
  origin: string;
  /** A second developer's clone of origin, hooks set up by `npm run prepare` (what npm install runs). */
  clone(name: string): Promise<Checkout>;
  remove(): Promise<void>;
}

export interface HookedRepoOptions {
  /** Changes to migration-guard.config.json before the first commit. */
  config?: (config: Record<string, unknown>) => Record<string, unknown>;
  /** Environment every git command gets (e.g. HCAT_* database variables). */
  env?: Record<string, string>;
  /** Arguments to `migration-guard install` in the first checkout (e.g. ['--python', '/usr/bin/python3']). */
  installArgs?: string[];
}

/** Starts a test on its own branch from main, the checkout clean (nothing left by an earlier test). */
export async function freshBranch(checkout: Checkout, name: string): Promise<void> {
  await checkout.gitOk('checkout', '-q', '-f', 'main');
  await checkout.gitOk('clean', '-q', '-fd', '--', 'catalog', 'orders');
  await checkout.gitOk('checkout', '-q', '-b', name);
}

/** Creates the checkout, installs the hooks with `migration-guard install`, commits, pushes to origin. */
export async function createHookedRepo(options: HookedRepoOptions = {}): Promise<HookedRepo> {
  const fixture = await createFixtureRepo({ commit: false });
  const root = await mkdtemp(path.join(os.tmpdir(), 'mg-hooked-'));
  const dir = fixture.dir;
  const origin = path.join(root, 'origin.git');
  const baseEnv = { ...gitEnv(), NO_COLOR: '1', ...options.env };

  if (options.config) {
    const file = path.join(dir, 'migration-guard.config.json');
    await writeFile(file, JSON.stringify(options.config(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>), null, 2));
  }
  await writeFile(path.join(dir, '.gitignore'), 'node_modules/\n__pycache__/\n');
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'hcat', private: true, devDependencies: { 'migration-guard': `file:${PROJECT_ROOT}`, husky: '^9.1.7' } }, null, 2)}\n`,
  );
  await linkNodeModules(dir);
  const main = checkout(dir, baseEnv);
  const install = await execa(path.join(dir, 'node_modules/.bin/migration-guard'), ['install', ...(options.installArgs ?? [])], { cwd: dir, env: baseEnv, reject: false, all: true });
  if (install.exitCode !== 0) throw new Error(`migration-guard install failed: ${install.all}`);
  await main.gitOk('add', '-A');
  await main.gitOk('commit', '-q', '-m', 'Fixture project with migration-guard hooks');
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin], { env: baseEnv });
  await main.gitOk('remote', 'add', 'origin', origin);
  await main.gitOk('push', '-q', '--no-verify', '-u', 'origin', 'main');
  await main.gitOk('remote', 'set-head', 'origin', 'main');

  return {
    ...main,
    origin,
    async clone(name: string) {
      const cloneDir = path.join(root, name);
      await execa('git', ['clone', '-q', origin, cloneDir], { env: baseEnv });
      await linkNodeModules(cloneDir);
      // What `npm install` does after a clone: run the prepare script (husky).
      const prepare = await execa('npm', ['run', '--silent', 'prepare'], { cwd: cloneDir, env: baseEnv, reject: false, all: true });
      if (prepare.exitCode !== 0) throw new Error(`npm run prepare failed: ${prepare.all}`);
      return checkout(cloneDir, baseEnv);
    },
    async remove() {
      await rm(root, { recursive: true, force: true });
      await fixture.remove();
    },
  };
}

/** node_modules as npm would lay it out, linked to this build instead of downloaded. */
export async function linkNodeModules(dir: string): Promise<void> {
  const modules = path.join(dir, 'node_modules');
  await mkdir(path.join(modules, '.bin'), { recursive: true });
  await symlink(PROJECT_ROOT, path.join(modules, 'migration-guard'));
  await symlink(path.join(PROJECT_ROOT, 'node_modules/husky'), path.join(modules, 'husky'));
  // npm marks bin targets executable; the build output is not, so the bins are tiny launchers.
  const launcher = (script: string) => `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`;
  await writeFile(path.join(modules, '.bin/migration-guard'), launcher(CLI));
  await writeFile(path.join(modules, '.bin/husky'), launcher(path.join(PROJECT_ROOT, 'node_modules/husky/bin.js')));
  await chmod(path.join(modules, '.bin/migration-guard'), 0o755);
  await chmod(path.join(modules, '.bin/husky'), 0o755);
}

function checkout(dir: string, baseEnv: Record<string, string>): Checkout {
  const self: Checkout = {
    dir,
    async git(args, options = {}) {
      // detached: a new session without a controlling terminal, so /dev/tty cannot be opened.
      const result = await execa('git', args, { cwd: dir, env: { ...baseEnv, ...options.env }, reject: false, all: true, detached: true, stdin: 'ignore' });
      return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
    },
    async gitOk(...args) {
      const result = await execa('git', args, { cwd: dir, env: baseEnv, reject: false, all: true, detached: true, stdin: 'ignore' });
      if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed (${result.exitCode}):\n${result.all}`);
      return result.stdout;
    },
    async write(file, content) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), content);
    },
    read: (file) => readFile(path.join(dir, file), 'utf8'),
    async addProductField(line) {
      const file = path.join(dir, 'catalog/models.py');
      const source = await readFile(file, 'utf8');
      if (!source.includes('    sku = ')) throw new Error('catalog/models.py has no sku field to insert before');
      await writeFile(file, source.replace('    sku = ', `    ${line}\n    sku = `));
    },
    async makemigrations(app, name) {
      const result = await execa('/usr/bin/python3', ['manage.py', 'makemigrations', app, '-n', name, '--noinput'], {
        cwd: dir,
        env: { ...baseEnv, PYTHONDONTWRITEBYTECODE: '1', HCAT_HOST: '127.0.0.1', HCAT_PORT: '9' },
        reject: false,
        all: true,
      });
      if (result.exitCode !== 0) throw new Error(`makemigrations failed: ${result.all}`);
      const match = /(\S+\/migrations\/\S+\.py)/.exec(result.stdout);
      if (!match) throw new Error(`makemigrations wrote nothing: ${result.all}`);
      return match[1]!;
    },
  };
  return self;
}
