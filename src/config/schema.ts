// The configuration file's shape: `migration-guard.config.json` or the `migrationGuard` key of package.json.
import { z } from 'zod';
import { hooksSection } from './sections/hooks.js';
import { restoreSection } from './sections/restore.js';
import { deploySection } from './sections/deploy.js';
import { driftSection } from './sections/drift.js';

export const ROLES = ['development', 'staging', 'production'] as const;
export type Role = (typeof ROLES)[number];

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const configSchema = z
  .object({
    /** Django project root (where manage.py lives), relative to the config file. Default: discovered. */
    projectRoot: z.string().optional(),
    /** manage.py, relative to the config file. Default: <projectRoot>/manage.py. */
    managePy: z.string().optional(),
    /** Python interpreter. Default: $VIRTUAL_ENV/bin/python, .venv/bin/python, venv/bin/python, python3. */
    python: z.string().optional(),
    /** DJANGO_SETTINGS_MODULE. Default: read from manage.py. */
    settingsModule: z.string().optional(),
    /** Apps to guard (labels, or paths relative to the project root). Default: every first-party app with migrations/. */
    apps: z.array(z.string().min(1)).optional(),
    /** settings.AUTH_USER_MODEL, for swappable dependencies. Default: read from the settings file, else auth.User. */
    authUserModel: z.string().regex(/^\w+\.\w+$/, 'must look like app_label.ModelName').optional(),
    /** Where the database connection comes from: environment variables the settings already read, or a URL variable. */
    database: z
      .object({
        env: z
          .object({
            name: envVarName,
            user: envVarName.optional(),
            password: envVarName.optional(),
            host: envVarName.optional(),
            port: envVarName.optional(),
            socket: envVarName.optional(),
          })
          .strict()
          .optional(),
        urlEnv: envVarName.default('DATABASE_URL'),
      })
      .strict()
      .prefault({}),
    /** The media directory: an environment variable naming it, or a path relative to the config file. */
    media: z
      .object({ env: envVarName.optional(), path: z.string().optional() })
      .strict()
      .prefault({}),
    /** What this checkout is. Overridable with MIGRATION_GUARD_ROLE. */
    role: z.enum(ROLES).default('development'),
    /** Keep max_migration.txt per app (compatible with django-linear-migrations). */
    linear: z.boolean().default(false),
    hooks: hooksSection,
    restore: restoreSection,
    deploy: deploySection,
    drift: driftSection,
  })
  .strict();

export type RawConfig = z.output<typeof configSchema>;

/** Example values used in error messages, per top-level key. */
export const CONFIG_EXAMPLES: Record<string, string> = {
  projectRoot: '"projectRoot": "."',
  managePy: '"managePy": "manage.py"',
  python: '"python": ".venv/bin/python"',
  settingsModule: '"settingsModule": "mysite.settings"',
  apps: '"apps": ["catalog", "orders"]',
  authUserModel: '"authUserModel": "accounts.User"',
  database:
    '"database": { "env": { "name": "HCAT_DB", "user": "HCAT_USER", "password": "HCAT_PASSWORD", "host": "HCAT_HOST", "port": "HCAT_PORT" } }',
  media: '"media": { "env": "HCAT_MEDIA" }',
  role: '"role": "development"   (or "staging", "production")',
  linear: '"linear": true',
  hooks: '"hooks": { "failClosed": true }',
  restore: '"restore": { "database": { "source": "ssh://deploy@prod.example.com/var/backups/hcat/latest.sql.gz" }, "media": { "source": "ssh://deploy@prod.example.com/var/backups/hcat/media.tar.gz" } }   (see docs/restore-from-prod.md)',
  deploy: '"deploy": { "backupDir": "/var/backups/hcat", "keep": 10, "serviceStop": "sudo service httpd stop", "serviceStart": "sudo service httpd start" }   (see docs/deploy.md)',
  drift: '"drift": { "setup": [["migrate", "sites"]] }   (see docs/drift.md)',
};
