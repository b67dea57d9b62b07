// `hooks` section: how the git hooks and `check` behave (issue: git hooks).
import { z } from 'zod';

export const hooksSection = z
  .object({
    /**
     * When Django's verdict cannot be obtained (no Python with Django, settings that do not import), block
     * (the default). false lets such commits and pushes through with a warning: for teams where some
     * developers have no Python environment (frontend only); the summary then says Django was not asked.
     */
    failClosed: z.boolean().default(true),
    /** Warn on MySQL-risky migrations (several DDL operations in one, DDL mixed with RunPython/RunSQL). */
    mysqlWarnings: z.boolean().default(true),
    /**
     * check and pre-commit: run the migrations being committed on a scratch database of the developer's own
     * server (when one is reachable) and warn about statements that block writes and NOT NULL columns added
     * without a default, as Django's SQL and the server say. Costs a Django boot and a replay, only when
     * migrations are staged.
     */
    lockSafetyWarnings: z.boolean().default(true),
    /**
     * Its time limit: the replay grows with the migrations the staged ones depend on (0.7 s on a small project,
     * 2.5 s for 300 migrations, 90 s for 5,000); past the limit it stops, says so, and the commit goes on.
     */
    lockSafetyTimeoutSeconds: z.number().positive().default(10),
    /** Turn the MySQL warnings into blocking problems. */
    mysqlWarningsBlock: z.boolean().default(false),
    /** Untracked files the settings need (e.g. ".env"), copied into the snapshot Django runs on; relative to the config file. */
    snapshotFiles: z.array(z.string().min(1)).default([]),
    /** After pull/checkout/rebase: ask to run migrate on a terminal (false: only print the command). */
    offerMigrate: z.boolean().default(true),
  })
  .strict()
  .prefault({});
