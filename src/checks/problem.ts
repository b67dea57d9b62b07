// What a check reports: one problem, with the files, why it matters and the command that fixes it.

/** `block` stops the commit or push; `warn` is printed and lets it through. */
export type Severity = 'block' | 'warn';

export type ProblemCode =
  | 'models-without-migration'
  | 'non-null-field-needs-default'
  | 'staged-code-does-not-import'
  | 'django-could-not-run'
  | 'untracked-migration'
  | 'published-migration-changed'
  | 'squash-lifecycle'
  | 'conflicting-leaves'
  | 'duplicate-migration-number'
  | 'missing-dependency'
  | 'unreadable-migration'
  | 'mysql-several-schema-operations'
  | 'mysql-schema-and-data-operations'
  | 'mysql-not-null-without-default'
  | 'mysql-blocking-alter'
  | 'linear-max-migration';

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** One line: what is wrong. */
  title: string;
  /** Files concerned, relative to the repository root. */
  files: string[];
  /** Further lines worth showing (e.g. the operations Django would write). */
  details?: string[];
  /** Why it matters, when that is not obvious (MySQL has no transactional DDL). */
  why?: string;
  /** The command (or step) that fixes it. */
  fix?: string;
}

/** Problems that stop the operation. */
export function blocking(problems: readonly Problem[]): Problem[] {
  return problems.filter((problem) => problem.severity === 'block');
}
