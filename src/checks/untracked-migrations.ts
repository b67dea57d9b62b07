// Migration files made with makemigrations but never `git add`ed (pure logic).
import type { Problem } from './problem.js';
import { migrationOf, type MigrationPath, type ProjectPaths } from './project-paths.js';
import { shellQuote } from './shell-quote.js';

/** The untracked paths that are migration modules of guarded apps. */
export function findUntrackedMigrations(untracked: readonly string[], project: ProjectPaths): MigrationPath[] {
  return untracked.map((file) => migrationOf(file, project)).filter((migration): migration is MigrationPath => migration !== null);
}

/** One blocking problem naming every untracked migration, with the `git add` that fixes it. */
export function untrackedMigrationProblem(migrations: readonly MigrationPath[]): Problem | null {
  if (migrations.length === 0) return null;
  const files = migrations.map((migration) => migration.path);
  return {
    code: 'untracked-migration',
    severity: 'block',
    title: `${migrations.length === 1 ? 'A migration is' : `${migrations.length} migrations are`} not tracked by git (made with makemigrations, never added)`,
    files,
    why: 'Committed models without their migration reach others as a schema nobody can migrate to.',
    fix: `git add ${files.map(shellQuote).join(' ')}   (or delete ${files.length === 1 ? 'it' : 'them'} if unwanted)`,
  };
}
