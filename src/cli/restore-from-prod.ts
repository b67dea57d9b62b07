#!/usr/bin/env node
// Entry point of the `restore-from-prod` bin: an alias for `migration-guard restore-from-prod`.
import { buildProgram } from './program.js';
import { runMain } from './run-main.js';

const argv = [process.argv[0]!, process.argv[1]!, 'restore-from-prod', ...process.argv.slice(2)];
await runMain(await buildProgram(argv), argv);
