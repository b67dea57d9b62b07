// `deploy` section: backups, service commands and retention for `deploy`, `backup` and `restore-backup`.
import { z } from 'zod';

const shellCommand = z.string().min(1, 'must be a shell command');

export const deploySection = z
  .object({
    /** Where backups, their .state.json/.pending.sql records, the deploy journals and deploy.lock live (relative to the config file). */
    backupDir: z.string().min(1).default('.migration-guard/backups'),
    /** Retention: backups of this database to keep (the newest N); older ones are deleted after a new one is verified. */
    keep: z.number().int().min(1).default(10),
    /** Shell command that stops the application before the deploy (e.g. "sudo service httpd stop"). */
    serviceStop: shellCommand.optional(),
    /** Shell command that starts it again, whatever happened (unless --leave-stopped). */
    serviceStart: shellCommand.optional(),
    /** Shell command that switches a maintenance page on (instead of, or before, serviceStop). */
    maintenanceOn: shellCommand.optional(),
    /** Shell command that switches it off again (after serviceStart). */
    maintenanceOff: shellCommand.optional(),
    /** Seconds a service/maintenance command may take before it counts as failed. */
    commandTimeout: z.number().positive().default(300),
    /** Run `git pull --ff-only` (false: deploy what is checked out; same as --no-pull). */
    pull: z.boolean().default(true),
    /** Remote to pull from. Default: the branch's upstream remote, else "origin". */
    remote: z.string().min(1).optional(),
    /** Branch to pull. Default: the branch's upstream branch, else the current branch's name. */
    branch: z.string().min(1).optional(),
    /** Seconds to wait for the database lock held by another deploy before refusing. */
    lockTimeout: z.number().int().min(0).default(5),
    /** Extra arguments for `manage.py migrate` (options only; --fake/--fake-initial/--database and targets are refused). */
    migrateArgs: z.array(z.string()).default([]),
    /** Refuse a deploy whose DDL would block writes (copy the table) on a table with more rows than this (estimate); --allow-blocking accepts it. */
    maxBlockingCopyRows: z.number().int().min(0).default(100_000),
    /** Seconds migrate may wait for a table's metadata lock before the watchdog stops it (or, with --kill-blockers, kills the blockers). */
    lockWaitSeconds: z.number().positive().default(10),
  })
  .strict()
  .superRefine((section, context) => {
    for (const [first, second] of [
      ['serviceStop', 'serviceStart'],
      ['maintenanceOn', 'maintenanceOff'],
    ] as const) {
      if (Boolean(section[first]) !== Boolean(section[second])) {
        const missing = section[first] ? second : first;
        context.addIssue({ code: 'custom', path: [missing], message: `must be set together with "${section[first] ? first : second}" (a deploy that stops something must be able to start it again)` });
      }
    }
  })
  .prefault({});

export type DeploySettings = z.output<typeof deploySection>;
