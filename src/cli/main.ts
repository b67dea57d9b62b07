#!/usr/bin/env node
// Entry point of the `migration-guard` bin. Git hooks (`hook <name>`) run on every commit: they take
// a path that loads no command-line machinery before deciding whether there is anything to do.
import { runHookFromArgv } from '../hooks/entry.js';

if (!(await runHookFromArgv(process.argv.slice(2)))) {
  const { buildProgram } = await import('./program.js');
  const { runMain } = await import('./run-main.js');
  await runMain(await buildProgram());
}
