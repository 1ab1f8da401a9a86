import fs from 'node:fs';
import path from 'node:path';
import { parseEndpoint } from '../client/options.js';
import type { SignVersion } from '../client/transport.js';
import { CliExit } from './output.js';

/** The settings one profile of the config file holds. */
export interface ProfileSettings {
  endpoint?: string | undefined;
  accessKeyId?: string | undefined;
  accessKeySecret?: string | undefined;
  region?: string | undefined;
  signVersion?: SignVersion | undefined;
}

/** INI keys in the config file ↔ settings. */
export const FILE_KEYS: Readonly<Record<string, keyof ProfileSettings>> = {
  endpoint: 'endpoint',
  access_key_id: 'accessKeyId',
  access_key_secret: 'accessKeySecret',
  region: 'region',
  sign_version: 'signVersion',
};

export const DEFAULT_PROFILE = 'default';
/** Profile names become INI section headers: keep them to characters that cannot break the file. */
const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new CliExit(
      `--profile: "${name}" is not a valid profile name (letters, digits, _ . -; up to 64)`,
      2,
    );
  }
  return name;
}

/** Every section of the INI file; a missing file is an empty config. Unknown keys are ignored. */
export function readProfiles(file: string): Map<string, ProfileSettings> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new CliExit(`cannot read config file ${file}: ${(err as Error).message}`, 2);
  }
  const profiles = new Map<string, ProfileSettings>();
  let current: ProfileSettings = {};
  profiles.set(DEFAULT_PROFILE, current);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const name = header[1]?.trim() ?? '';
      current = profiles.get(name) ?? {};
      profiles.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    const name = FILE_KEYS[line.slice(0, eq).trim()];
    if (eq < 0 || name === undefined) continue;
    (current as Record<string, string>)[name] = line.slice(eq + 1).trim();
  }
  if (Object.keys(profiles.get(DEFAULT_PROFILE) ?? {}).length === 0 && profiles.size > 1)
    profiles.delete(DEFAULT_PROFILE);
  return profiles;
}

/** Writes every profile back (0600: it holds secrets), `[default]` first. */
export function writeProfiles(file: string, profiles: ReadonlyMap<string, ProfileSettings>): void {
  const names = [...profiles.keys()].sort((a, b) =>
    a === DEFAULT_PROFILE ? -1 : b === DEFAULT_PROFILE ? 1 : a.localeCompare(b),
  );
  const lines: string[] = [];
  for (const name of names) {
    if (lines.length > 0) lines.push('');
    lines.push(`[${name}]`);
    const p = profiles.get(name) ?? {};
    for (const [fileKey, key] of Object.entries(FILE_KEYS)) {
      const v = p[key];
      if (v !== undefined && v !== '') lines.push(`${fileKey} = ${v}`);
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

export function parseSignVersion(v: string | undefined, where: string): SignVersion | undefined {
  if (v === undefined || v === '') return undefined;
  const lower = v.toLowerCase();
  if (lower === 'v1' || lower === 'v4') return lower;
  throw new CliExit(`${where}: sign version must be v1 or v4, not "${v}"`, 2);
}

/**
 * What `ossbatch config` refuses to store (issue 11): an endpoint that is not http(s) or has a path, query
 * or credentials; a region that is not a region id; keys with spaces or control characters. Exit 2,
 * nothing written.
 */
export function validateSettings(s: ProfileSettings): void {
  if (s.endpoint !== undefined) {
    let url: URL;
    try {
      url = parseEndpoint(s.endpoint);
    } catch (err) {
      throw new CliExit(`--endpoint: ${(err as Error).message.replace(/^Invalid URL.*/, 'not a URL')}`, 2);
    }
    if (
      url.username !== '' ||
      url.password !== '' ||
      url.search !== '' ||
      !['', '/'].includes(url.pathname)
    ) {
      throw new CliExit(
        `--endpoint ${s.endpoint}: give only scheme, host and port, e.g. http://127.0.0.1:9600`,
        2,
      );
    }
  }
  if (s.region !== undefined && !/^(oss-)?[a-z]{2}-[a-z0-9-]+$/.test(s.region)) {
    throw new CliExit(`--region: "${s.region}" is not a region id like cn-hangzhou`, 2);
  }
  for (const [flag, v] of [
    ['--access-key-id', s.accessKeyId],
    ['--access-key-secret', s.accessKeySecret],
  ] as const) {
    if (v !== undefined && !/^[\x21-\x7e]+$/.test(v))
      throw new CliExit(`${flag}: must be printable ASCII without spaces`, 2);
  }
}
