// deploy is for servers: the checkout's role must be staging or production.
import type { ResolvedConfig } from '../../config/load-config.js';
import type { PreflightCheck } from './preflight-check.js';

const DEPLOY_ROLES = ['staging', 'production'];

/** Passes for role staging/production (config "role" or MIGRATION_GUARD_ROLE). */
export function checkRole(config: ResolvedConfig): PreflightCheck {
  if (DEPLOY_ROLES.includes(config.role)) return { name: 'role', ok: true, summary: `${config.role} (from ${config.roleSource})` };
  return {
    name: 'role',
    ok: false,
    summary: `deploy runs only on staging or production checkouts; this one is "${config.role}" (from ${config.roleSource})`,
    fix: 'On the server: export MIGRATION_GUARD_ROLE=production (or staging), or set "role" in the server\'s configuration.',
  };
}
