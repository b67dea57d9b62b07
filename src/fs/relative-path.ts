// Paths as git and our messages write them: relative to a root, with forward slashes on every system.
import path from 'node:path';

/** Repository-relative path of an absolute one, with forward slashes. */
export function relativePath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}
