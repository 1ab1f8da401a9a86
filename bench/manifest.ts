/**
 * Manifest planning/reading throughput (not a test): `npx tsx test/fixtures/manifests/bench-manifest.ts [rows] [plain|quoted|encoded]`.
 * Plans a CSV manifest of `rows` rows (chunkSize 5000) through a real built-in store, then reads every chunk
 * (batchSize 1000); prints one JSON line per round (3 rounds).
 */
import { createEnv, csvJob, makeBucket, put } from '../test/engine/manifest-env.js';
import { planManifest, readChunkTasks } from '../src/engine/manifest/index.js';
import type { ChunkDescriptor } from '../src/engine/manifest/index.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const variant = process.argv[3] ?? 'plain';
const env = await createEnv();
await makeBucket(env, 'manifests');
const line = (i: number): string =>
  variant === 'quoted'
    ? `"bucket-a","some/prefix/object-${i}.dat"`
    : variant === 'encoded'
      ? `bucket-a,some/prefix/%E4%B8%AD-${i}.dat`
      : `bucket-a,some/prefix/object-${i}.dat`;
const parts: string[] = [];
for (let i = 0; i < rows; i++) parts.push(line(i));
const body = Buffer.from(parts.join('\n') + '\n');
await put(env, 'manifests', 'big.csv', body);
const job = csvJob(env, 'big.csv');
for (let round = 0; round < 3; round++) {
  const chunks: ChunkDescriptor[] = [];
  const rss0 = process.memoryUsage().rss;
  let t = process.hrtime.bigint();
  const { totalTasks } = await planManifest(env.deps, job, 5000, (c) => chunks.push(c));
  const planMs = Number(process.hrtime.bigint() - t) / 1e6;
  const rss1 = process.memoryUsage().rss;
  t = process.hrtime.bigint();
  let n = 0;
  for (const c of chunks) for await (const b of readChunkTasks(env.deps, job, c, 0, 1000)) n += b.length;
  const readMs = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(
    JSON.stringify({
      variant,
      rows,
      bytes: body.length,
      totalTasks,
      read: n,
      planPerSec: Math.round((totalTasks / planMs) * 1000),
      readPerSec: Math.round((n / readMs) * 1000),
      planMs: Math.round(planMs),
      readMs: Math.round(readMs),
      rssDeltaMB: Math.round((rss1 - rss0) / 1e6),
    }),
  );
}
await env.close();
