// The lines git writes to a pre-push hook's stdin: one per ref being pushed.
import { isNullCommit } from './repository.js';

export interface PushedRef {
  localRef: string;
  localCommit: string;
  remoteRef: string;
  remoteCommit: string;
  /** The remote ref is being deleted (local commit is all zeros). */
  deletion: boolean;
  /** The remote ref is new there (remote commit is all zeros). */
  creation: boolean;
  tag: boolean;
}

/** Parses `<local ref> <local sha> <remote ref> <remote sha>` lines. */
export function parsePrePushInput(text: string): PushedRef[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [localRef = '', localCommit = '', remoteRef = '', remoteCommit = ''] = line.split(/\s+/);
      return {
        localRef,
        localCommit,
        remoteRef,
        remoteCommit,
        deletion: isNullCommit(localCommit),
        creation: isNullCommit(remoteCommit),
        tag: remoteRef.startsWith('refs/tags/') || localRef.startsWith('refs/tags/'),
      };
    });
}

/** Reads all of stdin (git closes it after the ref lines); empty when stdin is a terminal. */
export async function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stream.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
