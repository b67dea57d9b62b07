#!/usr/bin/env node
// Entry point of the `migration-guard` bin.
import { buildProgram } from './program.js';
import { runMain } from './run-main.js';

await runMain(await buildProgram());
