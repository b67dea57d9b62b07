// `migration-guard install`: husky hooks in the Django repository, the Python they use, and .gitignore.
import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openRepository } from '../../git/repository.js';
import { readLocalState, writeLocalState } from '../../config/local-state.js';
import { HOOK_NAMES } from '../../hooks/entry.js';
import { installHookFile } from '../../hooks/installation/hook-files.js';
import { ensurePrepareScript, missingDependencies, readPackageJson, writePackageJson } from '../../hooks/installation/package-json.js';
import { ensureIgnored } from '../../hooks/installation/gitignore.js';
import { hooksPath, runHusky } from '../../hooks/installation/husky.js';
import { probePython } from '../../django/python-discovery.js';
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
        'existing ones), adds "prepare": "husky || true" to package.json, adds .migration-guard/ to .gitignore and runs husky.\n' +
        'Safe to run again. Undo with: migration-guard uninstall.\n' +
        'Exit codes: 0 installed, 2 cannot install (no package.json, husky missing, not a git repository).',
    )
    .action(async (options: InstallOptions, command: Command) => {
      const context = await commandContext(command);
      const { config } = context;
      const repository = await openRepository(config.repoRoot);
      const root = repository.root;
      const say = (line: string) => process.stdout.write(`${line}\n`);

      const pkg = await readPackageJson(root);
      const previousPrepare = ensurePrepareScript(pkg);
      if (previousPrepare !== null) {
        await writePackageJson(pkg);
        say(`package.json: "prepare" now runs husky (fresh clones get the hooks on npm install).`);
      }

      const huskyDir = path.join(root, '.husky');
      const outcomes = await Promise.all(HOOK_NAMES.map(async (name) => [name, await installHookFile(huskyDir, name)] as const));
      for (const [name, outcome] of outcomes) {
        if (outcome !== 'already-present') say(`.husky/${name}: ${outcome === 'created' ? 'created' : 'our line appended to your script'}`);
      }
      if (outcomes.every(([, outcome]) => outcome === 'already-present')) say('.husky/: hooks already installed.');

      // A relative --python is relative to where the command runs: the -C directory when given.
      const probe = probePython(options.python ? path.resolve(context.cwd, options.python) : config.python.path);
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

      const previousHooksPath = hooksPath(root);
      const huskySaid = runHusky(root);
      if (huskySaid) throw new UserError(`husky did not set up the hooks: ${huskySaid}`, { fix: huskySaid.includes('HUSKY=0') ? 'unset HUSKY and run migration-guard install again' : `cd ${root} && npx husky` });
      const nowHooksPath = hooksPath(root);
      say(`git: core.hooksPath = ${nowHooksPath}`);

      await updateInstallRecord(config.repoRoot, {
        ...(previousPrepare !== null ? { previousPrepare } : {}),
        ...(gitignoreAdded ? { gitignoreAdded } : {}),
        ...(previousHooksPath !== nowHooksPath ? { previousHooksPath } : {}),
        ...(pythonRecorded ? { pythonRecorded } : {}),
      });

      const missing = missingDependencies(pkg);
      if (missing.length) {
        process.stderr.write(`${style.yellow('warning:')} package.json does not list ${missing.join(' and ')}: a fresh clone's npm install will not set up the hooks.\n  fix: npm install --save-dev ${missing.join(' ')}\n`);
      }
      say(style.green('migration-guard hooks installed.') + ' Commit .husky/, package.json and .gitignore so everyone gets them.');
      process.exitCode = ExitCode.ok;
    });
}
