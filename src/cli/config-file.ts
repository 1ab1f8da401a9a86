import path from 'node:path';
import type { Command } from 'commander';
import { OssBatchClient } from '../client/client.js';
import type { SignVersion } from '../client/transport.js';
import {
  checkProfileName,
  DEFAULT_PROFILE,
  parseSignVersion,
  readProfiles,
  validateSettings,
  writeProfiles,
} from './config-ini.js';
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

/** `--config-file`, else $OSSBATCH_CONFIG (tests point it at a temp dir), else ~/.ossbatch/config. */
export function configPath(io: CliIo, flag?: string): string {
  return flag ?? io.env['OSSBATCH_CONFIG'] ?? path.join(io.homeDir, '.ossbatch', 'config');
}

/** `--profile`, else $OSSBATCH_PROFILE, else `default`. */
export function profileName(io: CliIo, flag?: string): string {
  return checkProfileName(flag ?? (io.env['OSSBATCH_PROFILE'] || DEFAULT_PROFILE));
}

/** One profile of the INI file (default `[default]`); a missing file or profile is an empty config. */
export function readConfigFile(file: string, profile = DEFAULT_PROFILE): PartialSettings {
  return { ...(readProfiles(file).get(profile) ?? {}) };
}

/** Writes (merging with what is there) one profile; other profiles are kept. The file is 0600. */
export function writeConfigFile(file: string, settings: PartialSettings, profile = DEFAULT_PROFILE): void {
  const profiles = readProfiles(file);
  profiles.set(profile, { ...(profiles.get(profile) ?? {}), ...dropUndefined(settings) });
  writeProfiles(file, profiles);
}

function dropUndefined(s: PartialSettings): PartialSettings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== ''));
}

export interface ConnectionFlags {
  readonly endpoint?: string | undefined;
  readonly accessKeyId?: string | undefined;
  readonly accessKeySecret?: string | undefined;
  readonly region?: string | undefined;
  readonly signVersion?: string | undefined;
  readonly configFile?: string | undefined;
  readonly profile?: string | undefined;
}

/** Merges flags > env (OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_ENDPOINT, OSS_REGION) > config file. */
export function resolveConnection(flags: ConnectionFlags, io: CliIo): ConnectionSettings {
  const profile = profileName(io, flags.profile);
  const file = readConfigFile(configPath(io, flags.configFile), profile);
  if (flags.profile !== undefined && Object.keys(file).length === 0) {
    throw new CliExit(
      `no profile "${profile}" in ${configPath(io, flags.configFile)}; create it with ossbatch config --profile ${profile} …`,
      2,
    );
  }
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
    .option('--config-file <path>', 'config file (default $OSSBATCH_CONFIG or ~/.ossbatch/config)')
    .option('--profile <name>', 'config file profile to use (default $OSSBATCH_PROFILE or default)');
}

export function clientFor(flags: ConnectionFlags, io: CliIo): OssBatchClient {
  const s = resolveConnection(flags, io);
  try {
    return new OssBatchClient({ ...s, now: io.now, sleep: io.sleep });
  } catch (err) {
    throw new CliExit((err as Error).message, 2);
  }
}

function showProfile(io: CliIo, file: string, profile: string): void {
  const s = readConfigFile(file, profile);
  const secret = s.accessKeySecret ? `${s.accessKeySecret.slice(0, 3)}****` : '';
  io.stdout.write(
    `config file: ${file}\nprofile: ${profile}\nendpoint = ${s.endpoint ?? ''}\naccess_key_id = ${s.accessKeyId ?? ''}\n`,
  );
  io.stdout.write(
    `access_key_secret = ${secret}\nregion = ${s.region ?? ''}\nsign_version = ${s.signVersion ?? ''}\n`,
  );
}

/**
 * `ossbatch config`: stores endpoint, keys, region and sign version in one profile of the config file
 * (0600), after checking them (validateSettings: an ftp:// endpoint is refused, exit 2, nothing written).
 */
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
    .option('--profile <name>', 'profile (INI section) to write or show (default: default)')
    .option('--show', 'print the stored settings (secret masked) instead of writing')
    .action((o: ConnectionFlags & { show?: boolean }) =>
      guarded(() => {
        const file = configPath(io, o.configFile);
        const profile = profileName(io, o.profile);
        if (o.show) return showProfile(io, file, profile);
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
        validateSettings(settings);
        writeConfigFile(file, settings, profile);
        io.stdout.write(`wrote profile ${profile} to ${file}\n`);
      }),
    );
}
