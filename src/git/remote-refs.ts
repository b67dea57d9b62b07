// What the remotes have, as far as the remote-tracking branches know (as of the last fetch).
import { existingObjects } from './tree-entries.js';
import { git } from './run-git.js';
import type { Repository } from './repository.js';

/** Remote-tracking branches (refs/remotes/...), of one remote or all; symbolic ones (origin/HEAD) left out. */
export async function listRemoteTrackingRefs(repository: Repository, remote?: string): Promise<string[]> {
  const output = await git(repository.root, ['for-each-ref', '--format=%(refname)%00%(symref)', remote ? `refs/remotes/${remote}/` : 'refs/remotes/']);
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\0'))
    .filter(([, symref]) => !symref)
    .map(([ref]) => ref!);
}

/** The paths (relative to the root) that exist on at least one remote-tracking branch, with one such branch each. */
export async function findPublishedPaths(repository: Repository, paths: string[], remote?: string): Promise<Map<string, string>> {
  const published = new Map<string, string>();
  if (paths.length === 0) return published;
  const refs = await listRemoteTrackingRefs(repository, remote);
  const names: string[] = [];
  for (const ref of refs) for (const file of paths) names.push(`${ref}:${file}`);
  const found = await existingObjects(repository, names);
  for (const ref of refs) {
    for (const file of paths) {
      if (!published.has(file) && found.has(`${ref}:${file}`)) published.set(file, ref.replace(/^refs\/remotes\//, ''));
    }
  }
  return published;
}

/** The remote's default branch as a ref (refs/remotes/origin/main), from origin/HEAD or the usual names; null if unknown. */
export async function remoteDefaultBranch(repository: Repository, remote: string): Promise<string | null> {
  const symbolic = (await git(repository.root, ['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`], { okExitCodes: [1, 128] })).trim();
  if (symbolic) return symbolic;
  const refs = await listRemoteTrackingRefs(repository, remote);
  for (const name of ['main', 'master', 'develop', 'trunk']) {
    const ref = `refs/remotes/${remote}/${name}`;
    if (refs.includes(ref)) return ref;
  }
  return null;
}
