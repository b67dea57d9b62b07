// `drift` section: where the reference schema is built and which setup steps run first (issue: drift).
import { z } from 'zod';

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const managePyArgs = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const driftSection = z
  .object({
    /** Name of the scratch database the reference is migrated into; {database} is the configured database, {random} 8 hex digits. */
    scratchDatabase: z.string().includes('{random}', { message: 'must contain {random} (two runs must never share a scratch database)' }).default('{database}__drift_{random}'),
    /** Build the reference on another server: the variable holding its URL, mysql://user:password@host:port (no database needed). */
    scratchServer: z.object({ urlEnv: envVarName }).strict().optional(),
    /** manage.py commands run on the scratch database before `migrate`, e.g. [["migrate", "sites"]] or ["migrate sites"]. */
    setup: z.array(managePyArgs).default([]),
    /** What the comparison leaves out. `*` matches any run of characters. */
    ignore: z
      .object({
        /** Table and view names, e.g. "celery_*". */
        tables: z.array(z.string().min(1)).default([]),
        /** "table.column", e.g. "auth_user.last_login". */
        columns: z.array(z.string().regex(/^[^.]+\.[^.]+$/, 'must look like table.column')).default([]),
        /** Always match indexes and constraints by definition, not name (as --ignore-names). */
        names: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** Keep the reference schema in .migration-guard/cache/ keyed by the migration files (false: build every run). */
    cache: z.boolean().default(true),
    /** How long `migrate` may take on the scratch database. */
    migrateTimeoutSeconds: z.number().int().positive().default(900),
  })
  .strict()
  .prefault({});
