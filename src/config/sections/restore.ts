// `restore` section: where restore-from-prod fetches production's dump and media (issue: restore-from-prod).
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);
const nonEmpty = z.string().min(1);

/** How to reach the production host with the system `ssh` (which also honours ~/.ssh/config). */
const sshFields = {
  /** Host name or alias from ~/.ssh/config. */
  host: nonEmpty,
  /** Login user; default: ssh's own choice (~/.ssh/config or the local user name). */
  user: nonEmpty.optional(),
  port: port.optional(),
  /** Private key file (`ssh -i`), relative to the config file or absolute. */
  identityFile: nonEmpty.optional(),
  /** Extra `ssh -o` options, e.g. ["StrictHostKeyChecking=yes", "UserKnownHostsFile=~/.ssh/prod_known_hosts"]. */
  sshOptions: z.array(z.string().regex(/^[A-Za-z]+=.+$/, 'must look like Option=value')).default([]),
};

/** A file on the production host, streamed back over ssh (`cat`). */
const sshFileSource = z.object({ kind: z.literal('ssh'), ...sshFields, path: nonEmpty }).strict();

/** A consistent dump taken on the production host (mariadb-dump/mysqldump --single-transaction), streamed back. */
const sshDumpSource = z
  .object({
    kind: z.literal('ssh-dump'),
    ...sshFields,
    /** Production's database name. */
    database: nonEmpty,
    /**
     * An option file ON the production host holding the dump's credentials ([client] user=, password=).
     * Default: the dump program's own defaults, e.g. ~/.my.cnf of the ssh user. Never a password here.
     */
    defaultsFile: nonEmpty.optional(),
    /** Extra options for the dump program, e.g. ["--ignore-table=shop.sessions"]. */
    dumpOptions: z.array(z.string().regex(/^--[a-z][a-z0-9-]*(=.*)?$/, 'must be a long option like --ignore-table=db.table')).default([]),
    /** Where production's database server is, as seen from here: for the "target is production" check. Default: `host`. */
    databaseHost: nonEmpty.optional(),
    databasePort: port.optional(),
  })
  .strict();

/** A file on this machine (or a mounted share). */
const localFileSource = z.object({ kind: z.literal('file'), path: nonEmpty }).strict();

/** An HTTP(S) URL; headers come from environment variables so tokens stay out of the config file. */
const httpSource = z
  .object({
    kind: z.literal('http'),
    url: z.string().regex(/^https?:\/\//, 'must start with http:// or https://'),
    /** Header name → environment variable holding its value, e.g. { "Authorization": "PROD_BACKUP_AUTH" }. */
    headersFromEnv: z.record(z.string(), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')).default({}),
  })
  .strict();

/** A source as an object, or as a string: a path, an http(s) URL, ssh://user@host[:port]/path or ssh-dump://user@host[:port]/database. */
export const restoreSourceSchema = z.union([
  z.discriminatedUnion('kind', [sshFileSource, sshDumpSource, localFileSource, httpSource]),
  nonEmpty,
]);

/** A sanitize rule: a SQL statement, or a column rewritten in every row. */
const sanitizeRule = z.union([
  z.object({ sql: nonEmpty }).strict(),
  z
    .object({
      table: nonEmpty,
      column: nonEmpty,
      /** New value: null, or a template where {column} is that row's value, e.g. "user{id}@example.invalid". */
      value: z.string().nullable(),
      /** Optional SQL condition limiting the rows, e.g. "is_staff = 0". */
      where: nonEmpty.optional(),
    })
    .strict(),
]);

export const restoreSection = z
  .object({
    database: z
      .object({
        source: restoreSourceSchema.optional(),
        /** Production's database (host as seen from here, port, name), for the "target is production" check of file/http/ssh sources. */
        production: z.object({ host: nonEmpty, port: port.optional(), database: nonEmpty }).strict().optional(),
        /** Tables that must exist in the restored copy before it replaces yours (django_migrations always must). */
        expectedTables: z.array(nonEmpty).default([]),
        /** Connections loading the dump at once: 1 = one mariadb client (like `mysql db < dump`); more split tables' rows across clients. */
        parallel: z.number().int().min(1).max(16).default(1),
      })
      .strict()
      .prefault({}),
    media: z
      .object({
        source: restoreSourceSchema.optional(),
        /** Leading path components to drop from tarball entries (like tar --strip-components), e.g. 1 for media/… entries. */
        stripComponents: z.number().int().min(0).max(16).default(0),
      })
      .strict()
      .prefault({}),
    /** Seconds without a byte from a source (while the restore waits for one) before the transfer counts as stalled and is stopped. */
    stallTimeout: z.number().int().min(1).max(86_400).default(120),
    /** Applied to the restored copy before it replaces yours, in order. */
    sanitize: z.array(sanitizeRule).default([]),
  })
  .strict()
  .prefault({});

export type RestoreSourceConfig = z.output<typeof restoreSourceSchema>;
export type SanitizeRule = z.output<typeof sanitizeRule>;
