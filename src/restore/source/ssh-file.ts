// A dump or tarball stored on the production host, streamed back with `cat` over ssh.
import { UserError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { REMOTE_PATH_PRELUDE, remoteShCommand, sshArgs } from './ssh-command.js';
import { explainSshOutcome } from './ssh-errors.js';
import { lastLine, runCaptured, spawnSource } from './spawned-source.js';
import { describeSpec, sshLabel, type SourceSpec } from './source-spec.js';
import type { ByteSource, ProductionIdentity } from './types.js';

const MISSING = 66; // EX_NOINPUT

// A named pipe is accepted too (a backup job may write into one); it has no size.
const PROBE_SCRIPT = `${REMOTE_PATH_PRELUDE}
if [ ! -e "$f" ]; then echo "$f does not exist" >&2; exit ${MISSING}; fi
if [ -p "$f" ]; then exit 0; fi
if [ ! -f "$f" ] || [ ! -r "$f" ]; then echo "$f is not a readable file" >&2; exit ${MISSING}; fi
wc -c < "$f"`;

const FETCH_SCRIPT = `${REMOTE_PATH_PRELUDE}
exec cat -- "$f"`;

/** A file on the production host. */
export function sshFileSource(spec: Extract<SourceSpec, { kind: 'ssh' }>, production?: ProductionIdentity): ByteSource {
  return {
    description: describeSpec(spec),
    production: production ?? { host: spec.host },
    async probe() {
      const outcome = await runCaptured('ssh', sshArgs(spec, remoteShCommand(PROBE_SCRIPT, [spec.path])));
      if (outcome.code === MISSING) {
        throw new UserError(`The file ${spec.path} is not there on ${sshLabel(spec)}: ${lastLine(outcome.stderr)}.`, {
          fix: `Check the path (ssh ${spec.host} ls -l ${spec.path}) and the restore source in the config or on the command line.`,
          exitCode: ExitCode.cannotRun,
        });
      }
      const problem = explainSshOutcome(spec, `checking ${spec.path}`, outcome);
      if (problem) throw problem;
      const size = outcome.stdout.trim() === '' ? NaN : Number(outcome.stdout.trim());
      return { size: Number.isFinite(size) ? size : undefined };
    },
    async open() {
      return spawnSource('ssh', sshArgs(spec, remoteShCommand(FETCH_SCRIPT, [spec.path])), (outcome) => explainSshOutcome(spec, `reading ${spec.path}`, outcome));
    },
  };
}
