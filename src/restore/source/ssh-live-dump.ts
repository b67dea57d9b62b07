// A consistent dump taken on the production host and streamed back; credentials stay on that host.
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import { remoteShCommand, sshArgs } from './ssh-command.js';
import { explainSshOutcome } from './ssh-errors.js';
import { runCaptured, spawnSource, type SpawnedOutcome } from './spawned-source.js';
import { describeSpec, sshLabel, type SourceSpec } from './source-spec.js';
import type { ByteSource } from './types.js';

type SshDumpSpec = Extract<SourceSpec, { kind: 'ssh-dump' }>;

const EXIT_MARKER = 'mg-restore-dump-exit:';
const NOT_INSTALLED = 127;
const UNREADABLE = 66;

// $1 database, $2 option file on that host ('' = the program's own defaults, e.g. ~/.my.cnf), then options.
// The option file goes first, as the client programs require; the password never appears in argv.
const PRELUDE = `db=$1; defaults=$2; shift 2
prog=$(command -v mariadb-dump || command -v mysqldump) || { echo "neither mariadb-dump nor mysqldump is installed" >&2; exit ${NOT_INSTALLED}; }
case $defaults in "~/"*) defaults=$HOME/\${defaults#"~/"};; esac
if [ -n "$defaults" ]; then
  [ -r "$defaults" ] || { echo "the option file $defaults is not readable" >&2; exit ${UNREADABLE}; }
  set -- "--defaults-extra-file=$defaults" "$@"
fi`;

// The dump's own exit status travels on stderr, since a pipe into gzip would hide it.
const DUMP_SCRIPT = `${PRELUDE}
if command -v gzip >/dev/null 2>&1; then
  { "$prog" "$@" -- "$db"; echo "${EXIT_MARKER}$?" >&2; } | gzip -1
else
  "$prog" "$@" -- "$db"; echo "${EXIT_MARKER}$?" >&2
fi`;

// Connects and reads the schema list only: proves credentials and database before anything is replaced.
const PROBE_SCRIPT = `${PRELUDE}
"$prog" "$@" --no-data --no-create-info --skip-triggers -- "$db" >/dev/null`;

const DUMP_OPTIONS = ['--single-transaction', '--quick', '--routines', '--triggers', '--no-tablespaces', '--default-character-set=utf8mb4'];

/** mariadb-dump/mysqldump of production's database, run on the production host. */
export function sshLiveDumpSource(spec: SshDumpSpec): ByteSource {
  const args = (extra: string[]) => [spec.database, spec.defaultsFile ?? '', ...DUMP_OPTIONS, ...spec.dumpOptions, ...extra];
  return {
    description: describeSpec(spec),
    production: { host: spec.databaseHost ?? spec.host, port: spec.databasePort, database: spec.database },
    async probe() {
      const outcome = await runCaptured('ssh', sshArgs(spec, remoteShCommand(PROBE_SCRIPT, args([]))));
      const problem = explainDumpOutcome(spec, outcome, 'connecting to production\'s database', ExitCode.cannotRun);
      if (problem) throw problem;
      return {};
    },
    async open() {
      return spawnSource('ssh', sshArgs(spec, remoteShCommand(DUMP_SCRIPT, args([]))), (outcome) => explainDumpOutcome(spec, outcome, 'dumping production\'s database', ExitCode.findings));
    },
  };
}

function explainDumpOutcome(spec: SshDumpSpec, outcome: SpawnedOutcome, what: string, exitCode: number): UserError | null {
  const marker = new RegExp(`${EXIT_MARKER}(\\d+)`).exec(outcome.stderr);
  const messages = outcome.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith(EXIT_MARKER));
  const detail = messages[messages.length - 1] ?? 'no message';
  const where = sshLabel(spec);
  const dumpExit = marker ? Number(marker[1]) : outcome.code;
  if (outcome.code === 255 || outcome.signal) return explainSshOutcome(spec, what, outcome);
  if (outcome.code === NOT_INSTALLED) {
    return new UserError(`${where} has neither mariadb-dump nor mysqldump on its PATH.`, { fix: `Install the MariaDB/MySQL client on ${spec.host}, or use a dump file source (ssh://…/dump.sql.gz).`, exitCode: ExitCode.cannotRun });
  }
  if (dumpExit === 0 && outcome.code === 0) return null;
  const credentials = spec.defaultsFile ? `the option file ${spec.defaultsFile} on ${spec.host}` : `~/.my.cnf of ${spec.user ?? 'the ssh user'} on ${spec.host}`;
  const fix = /access denied|1045/i.test(detail)
    ? `Check the [client] user and password in ${credentials} (they never leave that host).`
    : `Run the dump by hand on ${spec.host} to see the whole message: ssh ${spec.host} mariadb-dump --no-data ${spec.database} >/dev/null`;
  return new UserError(`${what} on ${where} failed (exit ${dumpExit}): ${detail}`, { fix, exitCode: outcome.code === UNREADABLE ? ExitCode.cannotRun : exitCode });
}
