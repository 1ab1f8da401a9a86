/**
 * Per-component CPU cost of the server's request path (docs/performance.md, "Signed API requests" and
 * issue 10): request-target parsing (path-style, and a V4-presigned URL), V4 verification (header-signed
 * and presigned), authorisation, the store's object and bucket reads — each in a tight loop on compiled
 * code, as CPU µs per call (process.cpuUsage: stays comparable while other work shares the machine).
 *
 *   npx tsx bench/api-parts.ts [--dist DIR] [--calls N]
 *
 * `--dist` measures another checkout's build (e.g. ../before/dist) with the same loops; run both in one
 * sitting, alternately, to compare. Run `npm run build` first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import OSS from 'ali-oss';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const N = Number(arg('calls', '30000'));
const dist = path.resolve(arg('dist', path.join(import.meta.dirname, '../dist')));
// The modules of the build under test, typed as this checkout's (the compared build has the same API).
const { buildConfig, DEFAULTS, defaultBaseDomains } = (await import(
  path.join(dist, 'config.js')
)) as typeof import('../dist/config.js');
const { authenticate } = (await import(
  path.join(dist, 'protocol/authenticate.js')
)) as typeof import('../dist/protocol/authenticate.js');
const { parseRequestTarget } = (await import(
  path.join(dist, 'protocol/request-target.js')
)) as typeof import('../dist/protocol/request-target.js');
const { signV4 } = (await import(
  path.join(dist, 'protocol/sign-client.js')
)) as typeof import('../dist/protocol/sign-client.js');
const { startServer } = (await import(path.join(dist, 'server.js'))) as typeof import('../dist/server.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-parts-'));
const config = buildConfig({
  ...DEFAULTS,
  port: 0,
  dataDir: dir,
  logLevel: 'silent',
  baseDomains: defaultBaseDomains(DEFAULTS.region),
});
const s = await startServer(config);
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const results: Record<string, number> = {};
try {
  const bucket = await s.store.createBucket({
    name: 'parts',
    owner: s.root.accountId,
    acl: 'private',
    storageClass: 'Standard',
  });
  await s.store.putObject({ bucket: 'parts', key: 'k/o.txt', body: Readable.from([Buffer.from('x')]) });
  const signed = signV4({
    method: 'HEAD',
    bucket: 'parts',
    key: 'k/o.txt',
    accessKeyId: s.root.accessKeyId,
    secret: s.root.secret,
    region: DEFAULTS.region,
    date: new Date(),
  });
  const headers: Record<string, string> = { host: 'localhost' };
  for (const [k, v] of Object.entries(signed)) headers[k.toLowerCase()] = v;
  const deps = {
    lookupKey: (id: string) => s.iam.findAccessKey(id),
    clock: s.clock,
    region: DEFAULTS.region,
  };
  const target = parseRequestTarget({
    rawUrl: '/parts/k/o.txt',
    host: 'localhost',
    baseDomains: ['localhost'],
  });
  const presignedUrl = await presignedPath(s.root.accessKeyId, s.root.secret);
  const presigned = parseRequestTarget({
    rawUrl: presignedUrl,
    host: 'localhost',
    baseDomains: ['localhost'],
  });
  const principal = await authenticate({ method: 'HEAD', target, headers }, deps);
  const time = async (name: string, f: () => unknown): Promise<void> => {
    for (let i = 0; i < 2000; i++) await f();
    const start = cpuUs();
    for (let i = 0; i < N; i++) await f();
    results[name] = Math.round(((cpuUs() - start) / N) * 100) / 100;
  };
  await time('parseRequestTarget', () =>
    parseRequestTarget({ rawUrl: '/parts/k/o.txt', host: 'localhost', baseDomains: ['localhost'] }),
  );
  await time('parseRequestTarget (presigned V4)', () =>
    parseRequestTarget({ rawUrl: presignedUrl, host: 'localhost', baseDomains: ['localhost'] }),
  );
  await time('authenticate (V4 header)', () => authenticate({ method: 'HEAD', target, headers }, deps));
  await time('authenticate (V4 presigned)', () =>
    authenticate({ method: 'GET', target: presigned, headers: { host: 'localhost' } }, deps),
  );
  await time('authorize', () =>
    s.iam.authorize({
      principal,
      action: 'oss:GetObject',
      resource: `acs:oss:${DEFAULTS.region}:${bucket.owner}:parts/k/o.txt`,
      bucket,
      resourceOwner: bucket.owner,
      context: { secureTransport: false, currentTime: Date.now() },
    }),
  );
  await time('store.headObject', () => s.store.headObject('parts', 'k/o.txt'));
  await time('store.getBucket', () => s.store.getBucket('parts'));
  console.log(JSON.stringify({ dist, calls: N, loadavg_1m: os.loadavg()[0]?.toFixed(1), cpu_us: results }));
} finally {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/** `/parts/k/o.txt?x-oss-…` as ali-oss signs a V4 presigned GET (signatureUrlV4), valid for an hour. */
async function presignedPath(accessKeyId: string, secret: string): Promise<string> {
  const client = new OSS({
    endpoint: 'http://localhost',
    accessKeyId,
    accessKeySecret: secret,
    region: `oss-${DEFAULTS.region}`,
    authorizationV4: true,
    bucket: 'parts',
    ...{ sldEnable: true }, // path-style; not in @types/ali-oss
  });
  const url = new URL(await client.signatureUrlV4('GET', 3600, { headers: {} }, 'k/o.txt'));
  return url.pathname + url.search;
}
