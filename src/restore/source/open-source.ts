// Picks the source implementation for a normalized source description.
import { httpSource } from './http.js';
import { localFileSource } from './local-file.js';
import type { SourceSpec } from './source-spec.js';
import { sshFileSource } from './ssh-file.js';
import { sshLiveDumpSource } from './ssh-live-dump.js';
import type { ByteSource, ProductionIdentity } from './types.js';

/** The ByteSource for `spec`; `production` is the configured identity of production's database, if any. */
export function byteSource(spec: SourceSpec, env: NodeJS.ProcessEnv, production?: ProductionIdentity): ByteSource {
  const source = pickSource(spec, env, production);
  // Probing costs a round trip (an ssh login, an HTTP request): once per run is enough.
  let probed: ReturnType<ByteSource['probe']> | undefined;
  return { ...source, probe: () => (probed ??= source.probe()) };
}

function pickSource(spec: SourceSpec, env: NodeJS.ProcessEnv, production?: ProductionIdentity): ByteSource {
  switch (spec.kind) {
    case 'file':
      return localFileSource(spec.path, production);
    case 'http':
      return httpSource(spec, env, production);
    case 'ssh':
      return sshFileSource(spec, production);
    case 'ssh-dump':
      return sshLiveDumpSource(spec);
  }
}
