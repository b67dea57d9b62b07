// Extra migrate arguments: --fake and anything that would leave migrations unapplied is refused.
import { describe, expect, it } from 'vitest';
import { checkMigrateArgs } from '../../../src/deploy/preflight/migrate-args-check.js';

describe('checkMigrateArgs', () => {
  it('accepts no arguments and harmless options', () => {
    expect(checkMigrateArgs([]).ok).toBe(true);
    expect(checkMigrateArgs(['--verbosity', '2', '--traceback', '-v', '3', '--verbosity=1', '-v2']).ok).toBe(true);
  });

  it('refuses --fake and --fake-initial, saying why', () => {
    for (const args of [['--fake'], ['--fake-initial'], ['--fake=1'], ['--fak'], ['--fa'], ['--fake-init'], ['--fake-initial=yes'], ['--verbosity', '--fake'], ['-v', '--fake'], ['-v2', '--fake-i'], ['--verbosity=2', '--fake']]) {
      const check = checkMigrateArgs(args);
      expect(check.ok).toBe(false);
      expect(check.summary).toContain('records migrations as applied without changing the schema');
    }
  });

  it('refuses targets, --database and unknown options', () => {
    expect(checkMigrateArgs(['catalog', '0004']).summary).toContain('"catalog": deploy migrates every app to its latest migration');
    expect(checkMigrateArgs(['--database', 'other']).summary).toContain('--database: the backup, restore and checks cover the configured database only');
    expect(checkMigrateArgs(['--data', 'other']).summary).toContain('--data: the backup, restore and checks cover the configured database only');
    expect(checkMigrateArgs(['--plan']).summary).toContain('--plan is not an option deploy passes to migrate');
  });
});
