// For `check` and pre-commit (not wired in yet): the migrations not yet applied to the developer's own database,
// classified by that server, as warnings that never block. Unreachable database or Django failing: no warnings,
// quietly — this must never stand in a commit's way.
import type { ResolvedConfig } from '../config/load-config.js';
import type { ConnectionSettings } from '../db/connection-settings.js';
import { withConnection } from '../db/connect.js';
import { probeMigrations } from '../django/migration-probe.js';
import type { Problem } from '../checks/problem.js';
import { assessPendingDdl } from './assess-pending-ddl.js';
import { describeStatement } from './report-lines.js';

export interface LockSafetyWarningsInput {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  settings: ConnectionSettings;
  alias: string;
  /** "app.name" of the migrations to report on (e.g. the staged ones); all pending ones when absent. */
  only?: ReadonlySet<string>;
  /** migration "app.name" → its file, relative to the repository root, for the problems' `files`. */
  fileOf?: (migration: string) => string | undefined;
}

/** One warning per statement that would block writes (copy or locked in-place rebuild); [] when nothing can be asked. */
export async function lockSafetyWarnings(input: LockSafetyWarningsInput): Promise<Problem[]> {
  try {
    await withConnection(input.settings, (connection) => connection.query('SELECT 1'));
  } catch {
    return [];
  }
  try {
    const probe = await probeMigrations(input.config, { sql: false, env: input.env, alias: input.alias });
    const pending = probe.pending.filter((item) => !input.only || input.only.has(`${item.app}.${item.name}`));
    if (!pending.length) return [];
    const report = await assessPendingDdl({ config: input.config, env: input.env, settings: input.settings, alias: input.alias, probe, secrets: [input.settings.password] });
    return report.assessed
      .filter((item) => item.blocksWrites && (!input.only || input.only.has(item.migration)))
      .map((item): Problem => {
        const file = input.fileOf?.(item.migration);
        return {
          code: 'mysql-blocking-alter',
          severity: 'warn',
          title: `${item.migration} ${item.statement.kind === 'copy' ? 'copies' : 'rebuilds'} \`${item.statement.table}\` with writes blocked (as ${report.replay.server ?? 'your server'} says)`,
          files: file ? [file] : [],
          details: [describeStatement(item)],
          why: 'On a large production table, writes wait for the whole copy; deploy refuses it over "deploy.maxBlockingCopyRows".',
          fix: 'Split the migration so this statement runs alone, or use an online schema-change tool with migrations.SeparateDatabaseAndState; deploy --allow-blocking accepts it.',
        };
      });
  } catch {
    return [];
  }
}
