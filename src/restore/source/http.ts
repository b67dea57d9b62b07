// A dump or tarball served over HTTP(S); header values (tokens) come from environment variables.
import http from 'node:http';
import https from 'node:https';
import { PassThrough } from 'node:stream';
import { ExitCode } from '../../exit-codes.js';
import { UserError } from '../../errors.js';
import { describeSpec, type SourceSpec } from './source-spec.js';
import { SourceStoppedError } from './spawned-source.js';
import type { ByteSource, OpenedSource, ProductionIdentity } from './types.js';

type HttpSpec = Extract<SourceSpec, { kind: 'http' }>;

const MAX_REDIRECTS = 5;

/** An http(s) URL, following up to five redirects. */
export function httpSource(spec: HttpSpec, env: NodeJS.ProcessEnv, production?: ProductionIdentity): ByteSource {
  const label = describeSpec(spec);
  const headers: Record<string, string> = {};
  for (const [name, variable] of Object.entries(spec.headersFromEnv)) {
    const value = env[variable];
    if (!value) throw new UserError(`The header ${name} for ${label} comes from ${variable}, which is not set.`, { fix: `export ${variable}=…`, exitCode: ExitCode.cannotRun });
    headers[name] = value;
  }
  return {
    description: label,
    production,
    async probe() {
      const response = await request(spec.url, headers, label);
      response.destroy();
      const length = Number(response.headers['content-length']);
      return { size: Number.isFinite(length) && length > 0 ? length : undefined };
    },
    async open(): Promise<OpenedSource> {
      const response = await request(spec.url, headers, label);
      const expected = Number(response.headers['content-length']);
      let received = 0;
      const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
      const finished = new Promise<void>((resolve, reject) => {
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.once('error', (error) => {
          const problem = new UserError(`Downloading ${label} failed after ${received} bytes: ${error.message}.`, { fix: 'Check the connection to the server, then run the restore again.', exitCode: ExitCode.findings });
          reject(problem);
          stream.destroy(problem);
        });
        response.once('end', () => {
          if (Number.isFinite(expected) && received !== expected) reject(new UserError(`Downloading ${label} ended after ${received} of ${expected} bytes.`, { fix: 'The server cut the transfer short: check the connection and the server, then run the restore again.', exitCode: ExitCode.findings }));
          else resolve();
        });
      });
      finished.catch(() => {});
      response.pipe(stream);
      let stopFinished: (error: Error) => void = () => {};
      const stopped = new Promise<void>((_resolve, reject) => (stopFinished = reject));
      stopped.catch(() => {});
      return {
        stream,
        // A destroyed response emits neither 'end' nor 'error': cancel() settles the verdict itself, or whoever awaits it hangs.
        finished: Promise.race([finished, stopped]),
        cancel: () => {
          const error = new SourceStoppedError(`Downloading ${label}`);
          stopFinished(error);
          response.destroy();
          stream.destroy();
        },
      };
    },
  };
}

function request(url: string, headers: Record<string, string>, label: string, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    const client = parsed.protocol === 'https:' ? https : http;
    const auth = parsed.username ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` : undefined;
    parsed.username = '';
    parsed.password = '';
    const req = client.get(parsed, { headers, auth, timeout: 30_000 }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new UserError(`${label} redirects more than ${MAX_REDIRECTS} times.`, { fix: 'Use the URL the redirects end at as the restore source (curl -sIL URL shows them).', exitCode: ExitCode.cannotRun }));
        return resolve(request(new URL(response.headers.location, parsed).toString(), headers, label, redirects + 1));
      }
      if (status !== 200) {
        response.resume();
        const fix = status === 401 || status === 403 ? 'Check the credentials (restore source "headersFromEnv" or the URL).' : 'Check the URL of the restore source.';
        return reject(new UserError(`${label} answered HTTP ${status} ${response.statusMessage ?? ''}`.trim() + '.', { fix, exitCode: ExitCode.cannotRun }));
      }
      response.setTimeout(0);
      resolve(response);
    });
    req.once('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.once('error', (error) => reject(new UserError(`Cannot download ${label}: ${error.message}.`, { fix: 'Check the URL and that the server is reachable from here.', exitCode: ExitCode.cannotRun })));
  });
}
