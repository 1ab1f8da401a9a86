import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { OssBatchClient } from '../client/client.js';
import type { SignVersion } from '../client/transport.js';
import { CliExit, guarded, processIo, type CliIo } from './output.js';

/** What a command needs to reach the server. Precedence: flags > environment > config file. */
export interface ConnectionSettings {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly region?: string | undefined;
  readonly signVersion?: SignVersion | undefined;
}

type Partial2<T> = { -readonly [K in keyof T]?: T[K] | undefined };
export type PartialSettings = Partial2<ConnectionSettings>;

/** INI keys in the config file ↔ settings. */
const FILE_KEYS: Readonly<Record<string, keyof ConnectionSettings>> = {
  endpoint: 'endpoint',
  access_key_id: 'accessKeyId',
  access_key_secret: 'accessKeySecret',
  region: 'region',
  sign_version: 'signVersion',
};

/** `--config-file`, else $OSSBATCH_CONFIG (tests point it at a temp dir), else ~/.ossbatch/config. */
export function configPath(io: CliIo, flag?: string): string {
  return flag ?? io.env['OSSBATCH_CONFIG'] ?? path.join(io.homeDir, '.ossbatch', 'config');
}

/** Reads the `[default]` section of the INI file; a missing file is an empty config. */
export function readConfigFile(file: string): PartialSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliExit(`cannot read config file ${file}: ${(err as Error).message}`, 2);
  }
  const out: PartialSettings = {};
  let section = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]?.trim() ?? '';
      continue;
    }
    const eq = line.indexOf('=');
    const name = FILE_KEYS[line.slice(0, eq).trim()];
    if (section !== 'default' || eq < 0 || name === undefined) continue;
    (out as Record<string, string>)[name] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Writes (merging with what is there) the `[default]` section; the file is 0600 because it holds a secret. */
export function writeConfigFile(file: string, settings: PartialSettings): void {
  const merged: PartialSettings = { ...readConfigFile(file), ...dropUndefined(settings) };
  const lines = ['[default]'];
  for (const [fileKey, name] of Object.entries(FILE_KEYS)) {
    const v = merged[name];
    if (v !== undefined && v !== '') lines.push(`${fileKey} = ${v}`);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

function dropUndefined(s: PartialSettings): PartialSettings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== ''));
}

function parseSignVersion(v: string | undefined, where: string): SignVersion | undefined {
  if (v === undefined || v === '') return undefined;
  const lower = v.toLowerCase();
  if (lower === 'v1' || lower === 'v4') return lower;
  throw new CliExit(`${where}: sign version must be v1 or v4, not "${v}"`, 2);
}

export interface ConnectionFlags {
  readonly endpoint?: string | undefined;
  readonly accessKeyId?: string | undefined;
  readonly accessKeySecret?: string | undefined;
  readonly region?: string | undefined;
  readonly signVersion?: string | undefined;
  readonly configFile?: string | undefined;
}

/** Merges flags > env (OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_ENDPOINT, OSS_REGION) > config file. */
export function resolveConnection(flags: ConnectionFlags, io: CliIo): ConnectionSettings {
  const file = readConfigFile(configPath(io, flags.configFile));
  const env = io.env;
  const pick = (
    flag: string | undefined,
    envName: string,
    fromFile: string | undefined,
  ): string | undefined => [flag, env[envName], fromFile].find((v) => v !== undefined && v !== '');
  const endpoint = pick(flags.endpoint, 'OSS_ENDPOINT', file.endpoint);
  const accessKeyId = pick(flags.accessKeyId, 'OSS_ACCESS_KEY_ID', file.accessKeyId);
  const accessKeySecret = pick(flags.accessKeySecret, 'OSS_ACCESS_KEY_SECRET', file.accessKeySecret);
  const missing = [
    endpoint === undefined && '--endpoint (or OSS_ENDPOINT)',
    accessKeyId === undefined && '--access-key-id (or OSS_ACCESS_KEY_ID)',
    accessKeySecret === undefined && '--access-key-secret (or OSS_ACCESS_KEY_SECRET)',
  ].filter((m): m is string => typeof m === 'string');
  if (endpoint === undefined || accessKeyId === undefined || accessKeySecret === undefined) {
    throw new CliExit(`missing ${missing.join(', ')}; or run \`ossbatch config\` once`, 2);
  }
  return {
    endpoint,
    accessKeyId,
    accessKeySecret,
    region: pick(flags.region, 'OSS_REGION', file.region),
    signVersion: parseSignVersion(
      pick(flags.signVersion, 'OSS_SIGN_VERSION', file.signVersion),
      'sign version',
    ),
  };
}

/** The connection flags every command that talks to the server takes. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', 'server endpoint, e.g. http://127.0.0.1:9600 (env OSS_ENDPOINT)')
    .option('--access-key-id <id>', 'AccessKey ID (env OSS_ACCESS_KEY_ID)')
    .option('--access-key-secret <secret>', 'AccessKey secret (env OSS_ACCESS_KEY_SECRET)')
    .option('--region <region>', 'region id for V4 signing, e.g. cn-hangzhou (env OSS_REGION)')
    .option('--sign-version <v1|v4>', 'signature version (default v4)')
    .option('--config-file <path>', 'config file (default $OSSBATCH_CONFIG or ~/.ossbatch/config)');
}

export function clientFor(flags: ConnectionFlags, io: CliIo): OssBatchClient {
  const s = resolveConnection(flags, io);
  try {
    return new OssBatchClient({ ...s, now: io.now, sleep: io.sleep });
  } catch (err) {
    throw new CliExit((err as Error).message, 2);
  }
}

/** `ossbatch config`: stores endpoint, keys, region and sign version in the config file (0600). */
export function registerConfigCommand(program: Command, io: CliIo = processIo()): Command {
  return program
    .command('config')
    .description(
      'write the connection settings to ~/.ossbatch/config (or $OSSBATCH_CONFIG); --show prints them',
    )
    .option('--endpoint <url>', 'server endpoint, e.g. http://127.0.0.1:9600')
    .option('--access-key-id <id>', 'AccessKey ID')
    .option('--access-key-secret <secret>', 'AccessKey secret')
    .option('--region <region>', 'region id, e.g. cn-hangzhou')
    .option('--sign-version <v1|v4>', 'signature version')
    .option('--config-file <path>', 'config file to write')
    .option('--show', 'print the stored settings (secret masked) instead of writing')
    .action((o: ConnectionFlags & { show?: boolean }) =>
      guarded(() => {
        const file = configPath(io, o.configFile);
        if (o.show) {
          const s = readConfigFile(file);
          const secret = s.accessKeySecret ? `${s.accessKeySecret.slice(0, 3)}****` : '';
          io.stdout.write(
            `config file: ${file}\nendpoint = ${s.endpoint ?? ''}\naccess_key_id = ${s.accessKeyId ?? ''}\n`,
          );
          io.stdout.write(
            `access_key_secret = ${secret}\nregion = ${s.region ?? ''}\nsign_version = ${s.signVersion ?? ''}\n`,
          );
          return;
        }
        const settings: PartialSettings = {
          endpoint: o.endpoint,
          accessKeyId: o.accessKeyId,
          accessKeySecret: o.accessKeySecret,
          region: o.region,
          signVersion: parseSignVersion(o.signVersion, '--sign-version'),
        };
        if (Object.values(settings).every((v) => v === undefined)) {
          throw new CliExit(
            'nothing to write: pass --endpoint, --access-key-id, --access-key-secret, --region or --sign-version',
            2,
          );
        }
        writeConfigFile(file, settings);
        io.stdout.write(`wrote ${file}\n`);
      }),
    );
}
