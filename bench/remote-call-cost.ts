/**
 * What one remote store call costs the node that makes it: CPU-µs per PutObjectTagging the way the OSS
 * driver sends it (ali-oss: sign, urllib 2, node:http), against the floor of the same PUT sent with bare
 * node:http on a keep-alive agent with headers signed once, both to a real store process (an embedded
 * ossbatch server that verifies every signature), 64 calls in flight as a node makes them.
 *
 *   npx tsx bench/remote-call-cost.ts [--calls 8000] [--json]
 *
 * The two alternate (A B A B …) so that the machine's noise falls on both; each figure is the bench
 * process's own CPU (process.cpuUsage) per call, the store's being another process's. The difference is
 * what any change to the driver's request path (signing, transport) can win per task (docs/performance.md).
 */
import http from 'node:http';
import OSS from 'ali-oss';
import pLimit from 'p-limit';
import type { AliOssRaw } from '../src/store/remote/oss/ali-oss-client.js';
import { aliOssEndpoint } from '../src/store/remote/oss/oss-endpoint.js';
import { putTagging } from '../src/store/remote/oss/oss-tagging.js';
import { keyOf } from '../test/cluster/cluster-harness.js';
import { STORE_KEY } from '../test/store/remote/remote-harness.js';
import { spawnBenchChild } from './bench-child.js';
import { ownCpuSeconds } from './proc-cpu.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const cArg = args.indexOf('--calls');
const CALLS = cArg >= 0 ? Number(args[cArg + 1]) : 8_000;
const OBJECTS = 1000;
const IN_FLIGHT = 64;
const ROUNDS = 3;
const TAGS = [{ key: 'run', value: 'cost' }];

/** CPU-µs per call over `calls` calls of `one`, IN_FLIGHT at a time. */
async function measure(calls: number, one: (i: number) => Promise<unknown>): Promise<number> {
  const limit = pLimit(IN_FLIGHT);
  const cpu0 = ownCpuSeconds();
  await Promise.all(Array.from({ length: calls }, (_, i) => limit(() => one(i))));
  return ((ownCpuSeconds() - cpu0) * 1e6) / calls;
}

const store = await spawnBenchChild('store-process.ts', [String(OBJECTS), '0']);
try {
  const { agent, endpoint } = aliOssEndpoint({
    kind: 'oss',
    url: `http://127.0.0.1:${store.port}`,
    host: '127.0.0.1',
    secure: false,
    accessKeyId: STORE_KEY.id,
    accessKeySecret: STORE_KEY.secret,
    region: undefined,
    maxSockets: IN_FLIGHT * 2,
  });
  const client = new OSS({
    endpoint,
    agent,
    accessKeyId: STORE_KEY.id,
    accessKeySecret: STORE_KEY.secret,
    bucket: 'data',
    sldEnable: true,
    retryMax: 0,
  } as unknown as OSS.Options) as unknown as AliOssRaw;
  const aliOss = (i: number): Promise<void> => putTagging(client, keyOf(i % OBJECTS), TAGS);

  // The floor: one request signed by ali-oss once (OSS accepts a signature for 15 minutes), then sent again
  // and again with node:http alone.
  let signed: { url: string; headers: Record<string, string>; body: string } | undefined;
  const capture = new OSS({
    endpoint,
    agent,
    accessKeyId: STORE_KEY.id,
    accessKeySecret: STORE_KEY.secret,
    bucket: 'data',
    sldEnable: true,
    urllib: {
      request: (url: string, p: { headers: Record<string, string | number>; content: string }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(p.headers)) headers[k.toLowerCase()] = String(v);
        signed = { url, headers, body: p.content };
        return Promise.resolve({ status: 200, headers: {}, data: Buffer.alloc(0), res: { headers: {} } });
      },
    },
  } as unknown as OSS.Options) as unknown as AliOssRaw;
  await putTagging(capture, keyOf(0), TAGS);
  const req = signed as NonNullable<typeof signed>;
  const bare = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const r = http.request(req.url, { method: 'PUT', headers: req.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode}`))));
      });
      r.on('error', reject);
      r.end(req.body);
    });

  await measure(2000, aliOss);
  await measure(2000, bare);
  const got = { aliOss: [] as number[], bare: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    got.aliOss.push(await measure(CALLS, aliOss));
    got.bare.push(await measure(CALLS, bare));
  }
  const median = (xs: number[]): number => Math.round([...xs].sort((a, b) => a - b)[1] ?? NaN);
  const out = {
    calls_per_round: CALLS,
    in_flight: IN_FLIGHT,
    ali_oss_cpu_us_per_call: median(got.aliOss),
    bare_http_cpu_us_per_call: median(got.bare),
    rounds_cpu_us: { ali_oss: got.aliOss.map(Math.round), bare_http: got.bare.map(Math.round) },
  };
  process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
} finally {
  await store.close();
}
