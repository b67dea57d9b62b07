// Every command, one module each; each module exports `register(program)`.
// Modules are imported lazily: a run loads only the module of the command it names, so a git hook
// or `status` does not pay for the libraries of every other command.
import type { Command } from 'commander';

type CommandModule = { register(program: Command): void };

/** Command name → its module. To add a command: one line here, one file beside this one. */
export const COMMAND_MODULES: Record<string, () => Promise<CommandModule>> = {
  status: () => import('./status.js'),
  doctor: () => import('./doctor.js'),
  drift: () => import('./drift.js'),
  deploy: () => import('./deploy.js'),
  backup: () => import('./backup.js'),
  'restore-backup': () => import('./restore-backup.js'),
  install: () => import('./install.js'),
  uninstall: () => import('./uninstall.js'),
  hook: () => import('./hook.js'),
  check: () => import('./check.js'),
  'restore-from-prod': () => import('./restore-from-prod.js'),
};

/** Registers the command named in argv, or every command when none is named (help, usage errors). */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const named = argv.slice(2).find((arg) => Object.hasOwn(COMMAND_MODULES, arg));
  const names = named ? [named] : Object.keys(COMMAND_MODULES);
  const modules = await Promise.all(names.map((name) => COMMAND_MODULES[name]!()));
  for (const module of modules) module.register(program);
}
