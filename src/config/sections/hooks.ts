// `hooks` section: how the git hooks and `check` behave (issue: git hooks).
import { z } from 'zod';

export const hooksSection = z
  .object({
    /** When Python/Django cannot run, block the commit instead of passing what could not be checked (use in CI). */
    failClosed: z.boolean().default(false),
    /** Warn on MySQL-risky migrations (several DDL operations in one, DDL mixed with RunPython/RunSQL). */
    mysqlWarnings: z.boolean().default(true),
    /** Turn the MySQL warnings into blocking problems. */
    mysqlWarningsBlock: z.boolean().default(false),
    /** Untracked files the settings need (e.g. ".env"), copied into the snapshot Django runs on; relative to the config file. */
    snapshotFiles: z.array(z.string().min(1)).default([]),
    /** After pull/checkout/rebase: ask to run migrate on a terminal (false: only print the command). */
    offerMigrate: z.boolean().default(true),
  })
  .strict()
  .prefault({});
