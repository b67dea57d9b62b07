// Extra `migrate` arguments (config "deploy.migrateArgs" and after `--`): only options that do not change what is migrated.
// Read the way Django's argparse reads them: a long option may be abbreviated (`--fak` is `--fake`), take
// its value after `=`, and an option's value is the next argument only when that does not look like an option.
import type { PreflightCheck } from './preflight-check.js';

const ALLOWED_FLAGS = new Set(['--traceback', '--no-color', '--force-color', '--run-syncdb', '--skip-checks', '--noinput', '--no-input']);
const ALLOWED_WITH_VALUE = new Set(['--verbosity', '-v']);
// Options that record migrations as applied without running them.
const FAKE_OPTIONS = ['--fake', '--fake-initial'];

/** Whether argparse could read `flag` as --fake or --fake-initial (exact, or an abbreviation of either). */
function spellsFake(flag: string): boolean {
  return flag.startsWith('--f') && FAKE_OPTIONS.some((option) => option.startsWith(flag));
}

/** Refuses --fake/--fake-initial in any spelling (and anything else that would make the verify step meaningless). */
export function checkMigrateArgs(args: string[]): PreflightCheck {
  const problems: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    const flag = arg.startsWith('--') ? arg.split('=')[0]! : arg.startsWith('-v') ? '-v' : arg;
    if (spellsFake(flag)) {
      const spelled = FAKE_OPTIONS.includes(flag) ? flag : `${arg} (read by migrate as ${FAKE_OPTIONS.filter((option) => option.startsWith(flag)).join(' or ')})`;
      problems.push(`${spelled} records migrations as applied without changing the schema, so django_migrations and the tables stop agreeing`);
    } else if (ALLOWED_WITH_VALUE.has(flag)) {
      const attached = arg.includes('=') || (flag === '-v' && arg.length > 2);
      // argparse takes the next argument as the value only when it does not look like an option.
      if (!attached && index + 1 < args.length && !args[index + 1]!.startsWith('-')) index += 1;
    } else if (ALLOWED_FLAGS.has(flag)) {
      // fine
    } else if (flag === '--database' || (flag.startsWith('--d') && '--database'.startsWith(flag))) {
      problems.push(`${flag}: the backup, restore and checks cover the configured database only`);
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
