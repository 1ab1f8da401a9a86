import { z } from 'zod';
import { DatabaseUrlSchema } from './db/database-url.js';
import { parseStoreUrl } from './store/remote/store-url.js';

/** The one configuration schema: validated once at start-up, frozen, passed down (house style 6.7). */
export const ConfigSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    dataDir: z.string().min(1),
    /**
     * Where jobs, IAM, sessions and the node registry live (`--db` / OSSBATCH_DB): absent = SQLite in the
     * data dir; `postgres://user[:password]@host:port/dbname`. The built-in object store stays in the data dir.
     */
    db: DatabaseUrlSchema,
    region: z.string().regex(/^[a-z0-9-]+$/, 'a region id such as cn-hangzhou'),
    /** Host suffixes under which `<bucket>.<suffix>` is a virtual-hosted bucket request. */
    baseDomains: z.array(z.string().min(1)),
    /** How long a RestoreObject takes to complete (real OSS: hours). */
    restoreDurationMs: z.number().int().min(0),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Root credentials from the environment; generated and persisted when absent. */
    rootAccessKeyId: z.string().min(1).optional(),
    rootAccessKeySecret: z.string().min(1).optional(),
    accountId: z
      .string()
      .regex(/^\d{1,20}$/, 'digits only')
      .optional(),
    /** Request body timeouts (RequestTimeout): longest pause between bytes, longest whole body. */
    bodyIdleTimeoutMs: z.number().int().min(1),
    bodyTimeoutMs: z.number().int().min(1),
    /** Slowest average body rate tolerated after the grace period (bytes/s; 0 = off). */
    bodyMinRate: z.number().int().min(0),
    /** How long a body may start slowly before the rate floor applies. */
    bodyMinRateGraceMs: z.number().int().min(0),
    /** `v4`: CreateJob / UpdateJobPriority / UpdateJobStatus signed with V1 are refused (docs/permissions.md). */
    jobWriteSignature: z.enum(['v4', 'any']),
    /** Bearer token for GET /-/metrics; absent = loopback callers only. */
    metricsToken: z.string().min(16, 'at least 16 characters').optional(),
    /** New object bytes are refused (507 InsufficientStorage) while the data dir has less free space. */
    minFreeBytes: z.number().int().min(0),
    /** Engine tuning. */
    workers: z.number().int().min(1).max(64),
    chunkSize: z.number().int().min(1).max(1_000_000),
    leaseMs: z.number().int().min(100),
    /**
     * How often the bucket-inventory scheduler looks for due runs (real time). Whether a run is due is
     * decided by the injected clock, so this only bounds how late a run starts.
     */
    inventoryCheckMs: z.number().int().min(10).default(60_000),
    /**
     * How long a node serves a bucket's cached owner, ACL and policy (http/bucket-cache.ts). A change made on
     * another node drops the entry at once by the Backend's `bucket-changed` notification; this bounds the
     * staleness only when a notification is lost (issue 8: every node within 1 s).
     */
    bucketCacheMs: z.number().int().min(0).default(1000),
    /** `builtin`, `s3+http(s)://host[:port]` or `oss+http(s)://host[:port]` (docs/operations.md). */
    store: z.string().superRefine((value, ctx) => {
      const parsed = parseStoreUrl(value);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    }),
    /** The remote store's credentials (the service's own; RAM decides what callers may do). */
    storeAccessKeyId: z.string().min(1).optional(),
    storeAccessKeySecret: z.string().min(1).optional(),
    storeRegion: z.string().min(1).optional(),
    /** Remote store calls in flight at once in this process. */
    storeConcurrency: z.number().int().min(1).max(4096),
  })
  .superRefine((c, ctx) => {
    if (c.store === 'builtin') return;
    if (c.storeAccessKeyId === undefined || c.storeAccessKeySecret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['store'],
        message: 'a remote store needs OSSBATCH_STORE_ACCESS_KEY_ID and OSSBATCH_STORE_ACCESS_KEY_SECRET',
      });
    }
  });

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 9600,
  dataDir: './ossbatch-data',
  region: 'cn-hangzhou',
  restoreDurationMs: 2000,
  logLevel: 'info',
  // Chunks processed at once; batches still run one per event-loop turn. Each chunk's closing shard flush
  // and commit overlap the next chunk's start without a worker of their own (engine.ts fillWorkers). A
  // third worker measured a wash on 2 cores within this machine's ±30% run-to-run noise (bench/jobs.ts:
  // 300k objects ~70k vs ~90k tasks/s, 1M objects 84k vs 70k) and cost ~18 MB peak RSS at 1M (272 → 290
  // MB against the 300 MB target), so two it stays.
  workers: 2,
  // nginx's client_body_timeout is 60 s; 30 s of silence mid-body is already far beyond any live client.
  bodyIdleTimeoutMs: 30_000,
  // A 5 GiB PutObject (the largest OSS accepts) needs ~1.5 MB/s to finish within the hour.
  bodyTimeoutMs: 3_600_000,
  // A trickle (1 byte every 5 s) is never idle for 30 s, so only a rate floor ends it before the hour.
  // 1 KiB/s averaged from the start, checked once bodyMinRateGraceMs has passed, is far below any live link
  // (Kestrel's MinRequestBodyDataRate is 240 B/s after 5 s; ours is gentler on start-up, stricter after).
  bodyMinRate: 1024,
  // TCP slow start and a client busy reading its source: the floor would be unfair in the first seconds.
  bodyMinRateGraceMs: 30_000,
  jobWriteSignature: 'any',
  // Deletes, metadata writes and the engine's bookkeeping need a few MB at most; 64 MiB leaves them room
  // without refusing uploads on a small disk long before it is actually full.
  minFreeBytes: 64 * 1024 * 1024,
  chunkSize: 5000,
  // A dead node's chunk, planning and settling leases are taken over after this long (issue 7: ≤ 30 s);
  // progress commits renew a chunk lease every batch, so live work never comes near it.
  leaseMs: 10_000,
  store: 'builtin',
  // issue 8: 64 remote calls in flight per process by default (--store-concurrency).
  storeConcurrency: 64,
} as const;

export function defaultBaseDomains(region: string): string[] {
  return ['localhost', `oss-${region}.aliyuncs.com`, `oss-${region}-internal.aliyuncs.com`];
}

/** Parses raw values into a frozen Config, or throws an Error whose message is one human line. */
export function buildConfig(raw: Record<string, unknown>): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.');
    // The database URL is named as the operator typed it (--db or OSSBATCH_DB both land here).
    const where = path === 'db' ? '--db' : (path ?? 'config');
    throw new Error(`invalid ${where}: ${issue?.message ?? 'invalid value'}`);
  }
  return Object.freeze(result.data);
}
