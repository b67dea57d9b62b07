// The words of the configuration that code outside validation needs (roles, example values for
// messages), kept apart from the schema so that reading them does not load zod.

export const ROLES = ['development', 'staging', 'production'] as const;
export type Role = (typeof ROLES)[number];

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
