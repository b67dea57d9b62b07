// `migration-guard uninstall`: removes what `install` added, and nothing else.
import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { openRepository } from '../../git/repository.js';
import { readLocalState, writeLocalState } from '../../config/local-state.js';
import { HOOK_NAMES } from '../../hooks/hook-names.js';
import { removeEmptyHuskyDir, uninstallHookFile } from '../../hooks/installation/hook-files.js';
import { readPackageJson, restorePrepareScript, writePackageJson } from '../../hooks/installation/package-json.js';
import { removeIgnoreEntry } from '../../hooks/installation/gitignore.js';
import { hooksPath, setHooksPath, unsetHooksPath } from '../../hooks/installation/husky.js';
import { readInstallRecord, removeInstallRecord } from '../../hooks/installation/install-record.js';

export function register(program: Command): void {
  program
    .command('uninstall')
    .description('remove the hook lines, prepare script, .gitignore entry and recorded Python that install added')
    .addHelpText('after', '\nLines and files you wrote yourself stay. Exit codes: 0 done, 2 cannot run.')
    .action(async (_options: unknown, command: Command) => {
      const { config } = await commandContext(command);
      const repository = await openRepository(config.repoRoot);
      const root = repository.root;
      const record = await readInstallRecord(config.repoRoot);
      const say = (line: string) => process.stdout.write(`${line}\n`);

      // A package.json in a subdirectory (recorded by install) keeps its hooks beside it.
      const packageRel = record.packageRel ?? '';
      const huskyRel = packageRel ? `${packageRel}/.husky` : '.husky';
      const huskyDir = path.join(root, huskyRel);
      for (const name of HOOK_NAMES) {
        const outcome = await uninstallHookFile(huskyDir, name);
        if (outcome === 'removed-file') say(`${huskyRel}/${name}: removed`);
        if (outcome === 'removed-line') say(`${huskyRel}/${name}: our line removed, your script kept`);
      }
      const huskyGone = await removeEmptyHuskyDir(huskyDir);

      if (record.previousPrepare !== undefined) {
        const pkg = await readPackageJson(path.join(root, packageRel)).catch(() => null);
        if (pkg && restorePrepareScript(pkg, record.previousPrepare, packageRel)) {
          await writePackageJson(pkg);
          say('package.json: "prepare" restored.');
        }
      }
      if (record.gitignoreAdded && (await removeIgnoreEntry(root))) say('.gitignore: .migration-guard/ entry removed.');
      if (record.previousHooksPath !== undefined && huskyGone && hooksPath(root) === `${huskyRel}/_`) {
        if (record.previousHooksPath === null) unsetHooksPath(root);
        else setHooksPath(root, record.previousHooksPath);
        say('git: core.hooksPath restored.');
      }
      if (record.pythonRecorded) {
        const state = readLocalState(config.repoRoot);
        delete state.python;
        writeLocalState(config.repoRoot, state);
      }
      await removeInstallRecord(config.repoRoot);
      say('migration-guard hooks uninstalled.');
    });
}
