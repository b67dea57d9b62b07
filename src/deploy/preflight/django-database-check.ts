// Preflight: the database deploy backs up and verifies is the one Django's migrate will change — the same
// server, database and account, as each side's own connection reports them.
import type { ResolvedConfig } from '../../config/load-config.js';
import { withConnection } from '../../db/connect.js';
import type { ConnectionSettings } from '../../db/connection-settings.js';
import { describeIdentity, identifyConnection, sameIdentity } from '../../db/connection-identity.js';
import { identifyDjangoConnection } from '../../django/ask-django.js';
import type { PreflightCheck } from './preflight-check.js';

/** Fails unless Django's connection for `alias` and ours are the same server, database and account. */
export async function checkDjangoReachesSameDatabase(config: ResolvedConfig, settings: ConnectionSettings, env: NodeJS.ProcessEnv, alias: string): Promise<PreflightCheck> {
  const name = 'same database as Django';
  try {
    const [ours, theirs] = await Promise.all([withConnection(settings, identifyConnection), identifyDjangoConnection(config, alias, env)]);
    if (sameIdentity(ours, theirs)) return { name, ok: true, summary: `Django's migrate and this backup both reach ${describeIdentity(ours)}` };
    return {
      name,
      ok: false,
      summary: `the backup would be of ${describeIdentity(ours)}, but Django's migrate reaches ${describeIdentity(theirs)}`,
      fix: 'Remove "database" from migration-guard.config.json so the backup follows Django\'s DATABASES (or make it name the same database), then: migration-guard doctor',
    };
  } catch (error) {
    return { name, ok: false, summary: `could not ask Django where it connects: ${(error as Error).message}`, fix: (error as { fix?: string }).fix ?? 'Run: migration-guard doctor' };
  }
}
