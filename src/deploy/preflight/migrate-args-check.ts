// Extra `migrate` arguments (config "deploy.migrateArgs" and after `--`): only options that do not change what is migrated.
import type { PreflightCheck } from './preflight-check.js';

const ALLOWED_FLAGS = new Set(['--traceback', '--no-color', '--force-color', '--run-syncdb', '--skip-checks', '--noinput', '--no-input']);
const ALLOWED_WITH_VALUE = new Set(['--verbosity', '-v']);

/** Refuses --fake/--fake-initial (and anything else that would make the verify step meaningless). */
export function checkMigrateArgs(args: string[]): PreflightCheck {
  const problems: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    const flag = arg.split('=')[0]!;
    if (flag === '--fake' || flag === '--fake-initial') {
      problems.push(`${flag} records migrations as applied without changing the schema, so django_migrations and the tables stop agreeing`);
    } else if (ALLOWED_WITH_VALUE.has(flag)) {
      if (!arg.includes('=')) index += 1;
    } else if (ALLOWED_FLAGS.has(flag)) {
      // fine
    } else if (flag === '--database') {
      problems.push('--database: the backup, restore and checks cover the configured database only');
    } else if (!arg.startsWith('-')) {
      problems.push(`"${arg}": deploy migrates every app to its latest migration; a target would leave migrations unapplied and fail the verify step`);
    } else {
      problems.push(`${flag} is not an option deploy passes to migrate (allowed: ${[...ALLOWED_WITH_VALUE, ...ALLOWED_FLAGS].join(', ')})`);
    }
  }
  if (problems.length === 0) return { name: 'migrate arguments', ok: true, summary: args.length ? args.join(' ') : 'none' };
  return {
    name: 'migrate arguments',
    ok: false,
    summary: problems.join('; '),
    fix: 'Remove them from "deploy.migrateArgs" and the command line. To apply a single migration by hand: migration-guard backup, then python manage.py migrate APP NAME.',
  };
}
