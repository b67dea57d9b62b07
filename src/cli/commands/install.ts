// `migration-guard install`: husky hooks in the Django repository (package.json at the git root or in a
// subdirectory, husky's documented set-up), the Python they use, and .gitignore.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { ExitCode } from '../../exit-codes.js';
import { openRepository } from '../../git/repository.js';
import { readLocalState, writeLocalState } from '../../config/local-state.js';
import { HOOK_NAMES } from '../../hooks/hook-names.js';
import { installHookFile } from '../../hooks/installation/hook-files.js';
import { ensurePrepareScript, findPackageDir, missingDependencies, readPackageJson, writePackageJson } from '../../hooks/installation/package-json.js';
import { ensureIgnored, ensureNodeModulesIgnored } from '../../hooks/installation/gitignore.js';
import { hooksPath, runHusky } from '../../hooks/installation/husky.js';
import { probePython } from '../../django/project-python.js';
import { updateInstallRecord } from '../../hooks/installation/install-record.js';
import { UserError } from '../../errors.js';
import { style } from '../../ui/style.js';

interface InstallOptions {
  python?: string;
}

export function register(program: Command): void {
  program
    .command('install')
    .description('install the git hooks (through husky) in this Django repository and record its Python interpreter')
    .option('--python <path>', "the project's Python (default: the configured one, else $VIRTUAL_ENV, .venv, venv, python3)")
    .addHelpText(
      'after',
      '\nWrites .husky/pre-commit, pre-merge-commit, pre-push, post-merge, post-checkout, post-rewrite (appending to\n' +
        'existing ones), adds "prepare": "husky" to package.json, adds .migration-guard/ to .gitignore and runs husky.\n' +
        'Safe to run again. Undo with: migration-guard uninstall.\n' +
        'Exit codes: 0 installed, 2 cannot install (no package.json, husky missing, not a git repository).',
    )
    .action(async (options: InstallOptions, command: Command) => {
      const context = await commandContext(command);
      const { config } = context;
      const repository = await openRepository(config.repoRoot);
      const root = repository.root;
      const say = (line: string) => process.stdout.write(`${line}\n`);

      // The package.json that governs where the command runs: the git root's, or a subdirectory's (frontend/).
      const packageDir = findPackageDir(context.cwd, root);
      const packageRel = path.relative(root, packageDir).split(path.sep).join('/');
      const huskyRel = packageRel ? `${packageRel}/.husky` : '.husky';
      if (!existsSync(path.join(packageDir, 'package.json'))) {
        // Run at the root of a repository whose package.json is in a subdirectory: say where to run it.
        const sub = readdirSync(root, { withFileTypes: true }).find((entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.') && existsSync(path.join(root, entry.name, 'package.json')));
        if (sub) throw new UserError(`No package.json in ${path.relative(root, context.cwd) || 'the repository root'}; ${sub.name}/package.json is the project's.`, { fix: `cd ${path.join(path.relative(context.cwd, root), sub.name)} && npx migration-guard install` });
      }
      const pkg = await readPackageJson(packageDir);
      const previousPrepare = ensurePrepareScript(pkg, packageRel);
      if (previousPrepare !== null) {
        await writePackageJson(pkg);
        say(`${packageRel ? `${packageRel}/` : ''}package.json: "prepare" now runs husky (fresh clones get the hooks on npm install; npm ci --omit=dev still works).`);
      }

      const huskyDir = path.join(root, huskyRel);
      const binDir = packageRel ? `${packageRel}/node_modules/.bin` : '';
      const outcomes = await Promise.all(HOOK_NAMES.map(async (name) => [name, await installHookFile(huskyDir, name, binDir)] as const));
      for (const [name, outcome] of outcomes) {
        if (outcome !== 'already-present') say(`${huskyRel}/${name}: ${outcome === 'created' ? 'created' : 'our line appended to your script'}`);
      }
      if (outcomes.every(([, outcome]) => outcome === 'already-present')) say(`${huskyRel}/: hooks already installed.`);

      // A relative --python is relative to where the command runs: the -C directory when given.
      const probe = await probePython(options.python ? path.resolve(context.cwd, options.python) : config.python.path);
      let pythonRecorded = false;
      if (probe.ok) {
        writeLocalState(config.repoRoot, { ...readLocalState(config.repoRoot), python: probe.executable });
        pythonRecorded = true;
        say(`Python: ${probe.executable} (Django ${probe.djangoVersion}) recorded in .migration-guard/local.json for the hooks.`);
      } else if (options.python) {
        throw new UserError(`The Python given with --python cannot run Django: ${probe.problem}.`, { fix: 'Pass the virtualenv\'s interpreter, e.g. --python .venv/bin/python' });
      } else {
        process.stderr.write(`${style.yellow('warning:')} ${probe.problem}; the hooks will report this instead of checking with Django.\n  fix: migration-guard install --python .venv/bin/python\n`);
      }

      const gitignoreAdded = await ensureIgnored(root);
      if (gitignoreAdded) say('.gitignore: .migration-guard/ added (per-checkout state, never committed).');
      if (await ensureNodeModulesIgnored(root, packageDir)) say('.gitignore: node_modules/ added (npm installs it in every checkout).');

      const previousHooksPath = hooksPath(root);
      const huskySaid = runHusky(root, huskyRel, packageDir);
      if (huskySaid) throw new UserError(`husky did not set up the hooks: ${huskySaid}`, { fix: huskySaid.includes('HUSKY=0') ? 'unset HUSKY and run migration-guard install again' : `cd ${root} && npx husky${packageRel ? ` ${huskyRel}` : ''}` });
      const nowHooksPath = hooksPath(root);
      say(`git: core.hooksPath = ${nowHooksPath}`);

      await updateInstallRecord(config.repoRoot, {
        ...(previousPrepare !== null ? { previousPrepare } : {}),
        ...(gitignoreAdded ? { gitignoreAdded } : {}),
        ...(previousHooksPath !== nowHooksPath ? { previousHooksPath } : {}),
        ...(pythonRecorded ? { pythonRecorded } : {}),
        ...(packageRel ? { packageRel } : {}),
      });

      const missing = missingDependencies(pkg);
      if (missing.length) {
        process.stderr.write(`${style.yellow('warning:')} ${packageRel ? `${packageRel}/` : ''}package.json does not list ${missing.join(' and ')}: a fresh clone's npm install will not set up the hooks.\n  fix: install them as the README's "Adopting it in a Django repository" section shows\n`);
      }
      // What to commit so everyone gets the hooks: every file install wrote or relies on that exists.
      const inPackage = (file: string) => (packageRel ? `${packageRel}/${file}` : file);
      const toCommit = [huskyRel, inPackage('package.json'), inPackage('package-lock.json'), '.gitignore', ...(config.configFile ? [path.relative(root, config.configFile).split(path.sep).join('/')] : [])]
        .filter((file, index, all) => all.indexOf(file) === index && existsSync(path.join(root, file)));
      say(`${style.green('migration-guard hooks installed.')} Commit these so everyone gets them:`);
      const fromHere = toCommit.map((file) => path.relative(context.cwd, path.join(root, file)) || '.');
      say(`  git add ${fromHere.join(' ')} && git commit -m "migration-guard hooks"`);
      process.exitCode = ExitCode.ok;
    });
}
