// Prints problems the way every hook and `check` shows them: what, files, why, fix; the bypass last.
import { errorStyle } from '../ui/style.js';
import { blocking, type Problem } from '../checks/problem.js';

export interface ReportOptions {
  /** What is being stopped: "commit", "push", "check". */
  action: string;
  /** How to bypass, mentioned once and last ("git commit --no-verify"); omitted for `check`. */
  bypass?: string;
}

/** Lines describing the problems; empty when there are none. */
export function renderProblems(problems: readonly Problem[], options: ReportOptions): string[] {
  if (problems.length === 0) return [];
  const c = errorStyle;
  const blockers = blocking(problems);
  const warnings = problems.filter((problem) => problem.severity === 'warn');
  const lines: string[] = [];
  if (blockers.length) {
    lines.push(c.red(c.bold(`migration-guard: ${options.action} blocked: ${count(blockers.length, 'problem')}${warnings.length ? `, ${count(warnings.length, 'warning')}` : ''}.`)));
  } else {
    lines.push(c.yellow(`migration-guard: ${count(warnings.length, 'warning')} (not blocking the ${options.action}).`));
  }
  for (const problem of [...blockers, ...warnings]) {
    lines.push('');
    const mark = problem.severity === 'block' ? c.red('✗') : c.yellow('!');
    lines.push(`${mark} ${problem.title}`);
    for (const file of problem.files) lines.push(`    ${file}`);
    for (const detail of problem.details ?? []) lines.push(`  ${detail}`);
    if (problem.why) lines.push(`  ${c.dim('why:')} ${problem.why}`);
    if (problem.fix) lines.push(`  ${c.bold('fix:')} ${problem.fix}`);
  }
  if (blockers.length && options.bypass) {
    lines.push('');
    lines.push(c.dim(`To bypass these checks (not recommended): ${options.bypass}`));
  }
  return lines;
}

/** Writes the report to stderr (git shows hook output there). */
export function printProblems(problems: readonly Problem[], options: ReportOptions): void {
  const lines = renderProblems(problems, options);
  if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
