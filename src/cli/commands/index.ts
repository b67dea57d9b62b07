// Every command, one module each. Each module exports `register(program)`.
import type { Command } from 'commander';
import { register as registerStatus } from './status.js';
import { register as registerDoctor } from './doctor.js';

/** Adds all commands to the program. */
export function registerCommands(program: Command): void {
  registerStatus(program);
  registerDoctor(program);
}
