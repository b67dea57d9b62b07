// migration-guard's own version, from its package.json (for --version and for cache keys).
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The installed migration-guard's version. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
