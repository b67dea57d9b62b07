// The result of one preflight check: printed by `deploy` and `deploy --plan`, journaled as part of the preflight step.

export interface PreflightCheck {
  name: string;
  ok: boolean;
  /** What was found, in a few words (printed for passing checks too). */
  summary: string;
  /** For a failing check: the command or step that fixes it. */
  fix?: string;
  /** Passing, but worth saying (e.g. no service command configured). */
  warning?: string;
}

/** The failing checks as one error message. */
export function describeFailures(checks: PreflightCheck[]): string {
  return checks
    .filter((check) => !check.ok)
    .map((check) => `${check.name}: ${check.summary}${check.fix ? `\n  fix: ${check.fix}` : ''}`)
    .join('\n');
}
