// Remembers what Django's settings said (django-settings.ts) so that status need not boot Python every
// run, without ever writing the database password, or a plain hash of it, to disk.
//
// The answer stays valid while manage.py and the settings' own files are unchanged and every environment
// variable the settings read has the value it had. Those values are kept as salted hashes, except for a
// variable that holds the password: of it only the text around the password is kept (e.g. "mysql://app:"
// and "@db/app"), and the password is taken from the variable's current value on every run.
import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load-config.js';
import { projectCacheDir } from '../config/local-state.js';
import { readJsonFile, rememberJsonFile } from '../fs/json-file.js';
import { packageVersion } from '../package-version.js';
import { djangoEnv } from './django-env.js';
import type { DjangoSettings } from './django-settings.js';

const FORMAT = 1;

/** How one environment variable the settings read is recognised next time. */
type RememberedVariable =
  | { name: string; unset: true }
  | { name: string; hash: string }
  /** It holds the password: its value is prefix + password (URL-encoded when `encoded`) + suffix. */
  | { name: string; prefix: string; suffix: string; encoded: boolean };

interface RememberedSettings {
  format: number;
  version: string;
  python: string;
  settingsModule: string | null;
  salt: string;
  files: { path: string; identity: string }[];
  variables: RememberedVariable[];
  /** The settings without the password (it is rebuilt from the variables marked as holding it). */
  settings: DjangoSettings;
}

// One answer per process: status asks for the connection and the installed apps at once, and must not
// read the cache, or start Python, twice for them.
const answered = new WeakMap<NodeJS.ProcessEnv, Map<string, Promise<DjangoSettings>>>();

/** The project's Django settings for `alias`: remembered when still valid, else asked of Django (and remembered). */
export function loadDjangoSettings(config: ResolvedConfig, alias: string, env: NodeJS.ProcessEnv): Promise<DjangoSettings> {
  let byProject = answered.get(env);
  if (!byProject) answered.set(env, (byProject = new Map()));
  const key = [config.python.path, config.managePy, config.settingsModule ?? '', cacheFile(config, alias)].join('\0');
  let settings = byProject.get(key);
  if (!settings) byProject.set(key, (settings = loadOnce(config, alias, env)));
  return settings;
}

async function loadOnce(config: ResolvedConfig, alias: string, env: NodeJS.ProcessEnv): Promise<DjangoSettings> {
  const file = cacheFile(config, alias);
  const childEnv = djangoEnv(config, {}, env);
  const remembered = readJsonFile<RememberedSettings>(file);
  const valid = remembered && recall(remembered, config, childEnv);
  if (valid) return valid;
  // Loaded only when Python must be asked: the remembered path never pays for execa.
  const { readDjangoSettings } = await import('./ask-django.js');
  const settings = await readDjangoSettings(config, alias, env);
  const entry = remember(settings, config);
  if (entry) rememberJsonFile(file, entry);
  return settings;
}

function cacheFile(config: ResolvedConfig, alias: string): string {
  return path.join(projectCacheDir(config), `django-settings.${alias.replace(/[^\w-]/g, '_')}.json`);
}

function fileIdentity(file: string): string | null {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  } catch {
    return null;
  }
}

function saltedHash(salt: string, value: string): string {
  return createHash('sha256').update(salt).update('\0').update(value).digest('hex');
}

/** The entry to write for `settings`, or null when it cannot be remembered without its password. */
function remember(settings: DjangoSettings, config: ResolvedConfig): RememberedSettings | null {
  if (settings.environmentIterated) return null;
  const params = settings.databases[settings.alias]?.params;
  const password = params?.password ?? params?.passwd;
  const salt = randomBytes(16).toString('hex');
  const variables: RememberedVariable[] = [];
  let passwordFound = !password;
  for (const [name, value] of Object.entries(settings.environmentRead)) {
    if (value === null) {
      variables.push({ name, unset: true });
      continue;
    }
    const holder = password ? splitAroundPassword(value, password) : null;
    if (holder) {
      variables.push({ name, ...holder });
      passwordFound = true;
    } else {
      variables.push({ name, hash: saltedHash(salt, value) });
    }
  }
  // A password written in the settings themselves (or computed there) is not remembered: ask Django each time.
  if (!passwordFound) return null;
  const files = settings.files.map((file) => ({ path: file, identity: fileIdentity(file) }));
  if (files.some((file) => file.identity === null)) return null;
  const withoutPassword: DjangoSettings = structuredClone(settings);
  const rememberedParams = withoutPassword.databases[settings.alias]?.params;
  if (rememberedParams) {
    delete rememberedParams.password;
    delete rememberedParams.passwd;
  }
  withoutPassword.environmentRead = {};
  return {
    format: FORMAT,
    version: packageVersion(),
    python: config.python.path,
    settingsModule: config.settingsModule,
    salt,
    files: files as { path: string; identity: string }[],
    variables,
    settings: withoutPassword,
  };
}

/** How `value` holds `password`, once, as itself or URL-encoded; null when it does not. */
function splitAroundPassword(value: string, password: string): { prefix: string; suffix: string; encoded: boolean } | null {
  for (const [form, encoded] of [
    [password, false],
    [encodeURIComponent(password), true],
  ] as const) {
    const at = value.indexOf(form);
    if (at < 0) continue;
    const prefix = value.slice(0, at);
    const suffix = value.slice(at + form.length);
    // Held twice (or also around it): the text kept would contain it.
    if (prefix.includes(form) || suffix.includes(form) || prefix.includes(password) || suffix.includes(password)) return null;
    return { prefix, suffix, encoded };
  }
  return null;
}

/** The remembered settings with today's password, or null when anything they depend on changed. */
function recall(entry: RememberedSettings, config: ResolvedConfig, childEnv: NodeJS.ProcessEnv): DjangoSettings | null {
  if (entry.format !== FORMAT || entry.version !== packageVersion() || entry.python !== config.python.path || entry.settingsModule !== config.settingsModule) return null;
  if (entry.files.some((file) => fileIdentity(file.path) !== file.identity)) return null;
  let password: string | undefined;
  for (const variable of entry.variables) {
    const value = childEnv[variable.name];
    if ('unset' in variable) {
      if (value !== undefined) return null;
    } else if ('hash' in variable) {
      if (value === undefined || saltedHash(entry.salt, value) !== variable.hash) return null;
    } else {
      const held = passwordHeldIn(value, variable);
      if (held === null || (password !== undefined && held !== password)) return null;
      password = held;
    }
  }
  const settings = structuredClone(entry.settings);
  const params = settings.databases[settings.alias]?.params;
  if (params && password !== undefined) params.password = password;
  return settings;
}

function passwordHeldIn(value: string | undefined, variable: { prefix: string; suffix: string; encoded: boolean }): string | null {
  if (value === undefined || value.length < variable.prefix.length + variable.suffix.length) return null;
  if (!value.startsWith(variable.prefix) || !value.endsWith(variable.suffix)) return null;
  const middle = value.slice(variable.prefix.length, value.length - variable.suffix.length);
  if (!middle) return null;
  try {
    return variable.encoded ? decodeURIComponent(middle) : middle;
  } catch {
    return null;
  }
}
