// The configuration file's shape: `migration-guard.config.json` or the `migrationGuard` key of package.json.
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { hooksSection } from './sections/hooks.js';
import { restoreSection } from './sections/restore.js';
import { deploySection } from './sections/deploy.js';
import { driftSection } from './sections/drift.js';
import { CONFIG_EXAMPLES, ROLES } from './vocabulary.js';

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
    /** Where the database connection comes from, when not from Django's DATABASES: environment variables, or a URL variable. */
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
        urlEnv: envVarName.optional(),
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

/** Validates configuration data; any problem is a ConfigError naming key, file and an example. */
export function validateConfig(data: unknown, fileLabel: string): RawConfig {
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is named by its full path (`restore.sanitise`), not by the section holding it.
  const key = unrecognizedKey(issue) ?? (issue.path.length ? issue.path.join('.') : '(top level)');
  const topKey = key.split('.')[0]!;
  const example = CONFIG_EXAMPLES[topKey] ?? `see the "Configuration" section of migration-guard's README (known keys: ${Object.keys(CONFIG_EXAMPLES).join(', ')})`;
  throw new ConfigError(key, fileLabel, describeIssue(issue), example);
}

function unrecognizedKey(issue: z.core.$ZodIssue): string | undefined {
  return issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]].join('.') : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return 'is not a known setting';
  return issue.message.replace(/^Invalid input: /, 'is wrong: ');
}
