// Builds `ssh` command lines: the system ssh (so ~/.ssh/config applies), never prompting, noticing dead links.
import type { SshTarget } from './source-spec.js';

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The remote command line running a POSIX sh `script` with positional arguments, whatever the login shell is. */
export function remoteShCommand(script: string, args: string[]): string {
  return ['sh', '-c', shellQuote(script), 'mg-restore', ...args.map(shellQuote)].join(' ');
}

/** Arguments for `ssh` that run `remoteCommand` on the target. */
export function sshArgs(target: SshTarget, remoteCommand: string): string[] {
  return [
    // No password or passphrase prompts (a restore runs unattended), no tty (binary-safe), and a dead
    // connection is noticed within about a minute instead of hanging forever.
    '-T',
    '-o', 'BatchMode=yes',
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=4',
    '-o', 'ConnectTimeout=20',
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.identityFile ? ['-i', target.identityFile, '-o', 'IdentitiesOnly=yes'] : []),
    ...(target.user ? ['-l', target.user] : []),
    ...target.sshOptions.flatMap((option) => ['-o', option]),
    '--',
    target.host,
    remoteCommand,
  ];
}

// Resolves "~/…" against the remote home inside the remote script ($1 is the path).
export const REMOTE_PATH_PRELUDE = 'f=$1; case $f in "~/"*) f=$HOME/${f#"~/"};; esac';
