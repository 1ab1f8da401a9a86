import fs from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULTS, buildConfig, defaultBaseDomains, type Config } from '../config.js';
import { DatabaseConfigError } from '../db/database-error.js';
import type { RunningServer } from '../server.js';
import { CliError } from './ram.js';

interface ServerFlags {
  host: string;
  port: number;
  dataDir: string;
  db?: string;
  region: string;
  restoreDurationMs: number;
  logLevel: string;
  baseDomain?: string[];
  store?: string;
  storeConcurrency?: number;
  leaseMs: number;
  bodyIdleTimeoutMs: number;
  bodyMinRate: number;
  bodyTimeoutMs: number;
  jobWriteSignature: string;
  minFreeBytes: number;
}

function intFlag(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a non-negative integer.`);
    return Number(value);
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Flags + environment → one validated Config (config.ts); a bad value is a one-line CliError (exit 2). */
export function serverConfig(flags: ServerFlags, env: NodeJS.ProcessEnv): Config {
  // Config mistakes the server would only hit while starting (exit 1) are refused here as config (exit 2).
  if (Boolean(env.OSSBATCH_ROOT_ACCESS_KEY_ID) !== Boolean(env.OSSBATCH_ROOT_ACCESS_KEY_SECRET)) {
    throw new CliError(
      'set both OSSBATCH_ROOT_ACCESS_KEY_ID and OSSBATCH_ROOT_ACCESS_KEY_SECRET, or neither',
    );
  }
  if (fs.existsSync(flags.dataDir) && !fs.statSync(flags.dataDir).isDirectory()) {
    throw new CliError(`invalid --data-dir: ${flags.dataDir} is not a directory`);
  }
  try {
    return buildConfig({
      ...DEFAULTS,
      host: flags.host,
      port: flags.port,
      dataDir: flags.dataDir,
      // --db wins over OSSBATCH_DB; neither (or empty): SQLite in the data dir.
      db: flags.db ?? (env.OSSBATCH_DB || undefined),
      region: flags.region,
      restoreDurationMs: flags.restoreDurationMs,
      logLevel: flags.logLevel,
      baseDomains: flags.baseDomain ?? defaultBaseDomains(flags.region),
      rootAccessKeyId: env.OSSBATCH_ROOT_ACCESS_KEY_ID || undefined,
      rootAccessKeySecret: env.OSSBATCH_ROOT_ACCESS_KEY_SECRET || undefined,
      accountId: env.OSSBATCH_ACCOUNT_ID || undefined,
      store: flags.store ?? (env.OSSBATCH_STORE || DEFAULTS.store),
      storeAccessKeyId: env.OSSBATCH_STORE_ACCESS_KEY_ID || undefined,
      storeAccessKeySecret: env.OSSBATCH_STORE_ACCESS_KEY_SECRET || undefined,
      storeRegion: env.OSSBATCH_STORE_REGION || undefined,
      storeConcurrency: flags.storeConcurrency ?? DEFAULTS.storeConcurrency,
      bodyIdleTimeoutMs: flags.bodyIdleTimeoutMs,
      bodyTimeoutMs: flags.bodyTimeoutMs,
      bodyMinRate: flags.bodyMinRate,
      jobWriteSignature: flags.jobWriteSignature,
      // From the environment only: a token on the command line shows in `ps` to every local user.
      metricsToken: env.OSSBATCH_METRICS_TOKEN || undefined,
      minFreeBytes: flags.minFreeBytes,
      leaseMs: flags.leaseMs,
    });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** The once-only banner when the root key was just generated: credentials + a ready-to-paste ali-oss client. */
export function rootBanner(server: RunningServer): string {
  const { root, config, port } = server;
  return [
    `Generated root credentials (stored in ${config.db.kind === 'sqlite' ? 'the data dir' : 'the database'}; shown only this once):`,
    `  AccountId:       ${root.accountId}`,
    `  AccessKeyId:     ${root.accessKeyId}`,
    `  AccessKeySecret: ${root.secret}`,
    '',
    'ali-oss:',
    "  const OSS = require('ali-oss');",
    '  const client = new OSS({',
    `    endpoint: 'http://localhost:${port}',`,
    `    accessKeyId: '${root.accessKeyId}',`,
    `    accessKeySecret: '${root.secret}',`,
    `    region: 'oss-${config.region}',`,
    '    sldEnable: true,',
    '    authorizationV4: true,',
    '  });',
    '',
  ].join('\n');
}

/** SIGTERM/SIGINT: stop accepting, finish in-flight requests, stop the engine, close the DB, exit 0. */
function handleSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`ossbatch: shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function runServer(flags: ServerFlags): Promise<void> {
  const config = serverConfig(flags, process.env);
  // Loaded here, not at the top: the server pulls in fastify, the AWS SDK and every store (~1 s of CPU),
  // which every other command (`ossbatch ls`, `ossbatch --version`, a test spawning the CLI) would pay.
  const [{ ConfigConflictError, startServer }, { StoreUnavailableError }] = await Promise.all([
    import('../server.js'),
    import('../store/remote/store-unavailable.js'),
  ]);
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    // A database that cannot be used as configured (unreachable, login refused) is a configuration
    // mistake like a bad flag: its message is complete, one line, and exits 2 (issue 7).
    if (
      err instanceof ConfigConflictError ||
      err instanceof StoreUnavailableError ||
      err instanceof DatabaseConfigError
    ) {
      throw new CliError(err.message);
    }
    const e = err as NodeJS.ErrnoException;
    const reason =
      e.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use` : e.message;
    throw new CliError(`cannot start the server: ${reason}`, 1);
  }
  handleSignals(server);
  if (server.rootGenerated) process.stdout.write(rootBanner(server));
  process.stdout.write(`ossbatch listening on ${server.url}\n`);
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the OSS-compatible server with batch operations')
    .option('--host <host>', 'interface to listen on', DEFAULTS.host)
    .option('--port <port>', 'TCP port (0 = any free port)', intFlag('--port'), DEFAULTS.port)
    .option('--data-dir <dir>', 'data directory (SQLite database + object files)', DEFAULTS.dataDir)
    .option(
      '--db <url>',
      'jobs/IAM database: postgres://user[:password]@host:port/dbname (default: OSSBATCH_DB, else SQLite in --data-dir)',
    )
    .option('--region <region>', 'region id, e.g. cn-hangzhou', DEFAULTS.region)
    .option(
      '--restore-duration-ms <ms>',
      'how long a RestoreObject takes',
      intFlag('--restore-duration-ms'),
      DEFAULTS.restoreDurationMs,
    )
    .option(
      '--log-level <level>',
      'fatal|error|warn|info|debug|trace|silent',
      process.env.OSSBATCH_LOG_LEVEL ?? DEFAULTS.logLevel,
    )
    .option('--base-domain <domain>', 'host suffix for virtual-hosted buckets (repeatable)', collect)
    .option(
      '--store <url>',
      'object store: builtin, s3+http(s)://host[:port] or oss+http(s)://host[:port] (env OSSBATCH_STORE)',
    )
    .option(
      '--lease-ms <ms>',
      "chunk, planning and settling lease TTL: a dead node's work is taken over after this long",
      intFlag('--lease-ms'),
      DEFAULTS.leaseMs,
    )
    .option(
      '--store-concurrency <n>',
      'remote store calls in flight at once in this process',
      intFlag('--store-concurrency'),
    )
    .option(
      '--body-idle-timeout-ms <ms>',
      'longest pause between request body bytes (then 400 RequestTimeout)',
      intFlag('--body-idle-timeout-ms'),
      DEFAULTS.bodyIdleTimeoutMs,
    )
    .option(
      '--body-timeout-ms <ms>',
      'longest time to receive a whole request body (then 400 RequestTimeout)',
      intFlag('--body-timeout-ms'),
      DEFAULTS.bodyTimeoutMs,
    )
    .option(
      '--body-min-rate <bytes-per-second>',
      'slowest average request body rate tolerated after 30 s (then 400 RequestTimeout); 0 turns it off',
      intFlag('--body-min-rate'),
      DEFAULTS.bodyMinRate,
    )
    .option(
      '--job-write-signature <v4|any>',
      'v4: refuse V1-signed CreateJob/UpdateJobPriority/UpdateJobStatus (V1 replay risk)',
      DEFAULTS.jobWriteSignature,
    )
    .option(
      '--min-free-bytes <bytes>',
      'refuse new object bytes (507 InsufficientStorage) below this much free space in the data dir',
      intFlag('--min-free-bytes'),
      DEFAULTS.minFreeBytes,
    )
    .action((flags: ServerFlags) => runServer(flags));
}
