/**
 * Per-component CPU cost of one signed HeadObject on the server's path (docs/performance.md, "Signed API
 * requests"): request-target parsing, V4 verification, authorisation, the store's object read and bucket
 * read, each in a tight loop on the compiled dist/ code (run `npm run build` first).
 *
 *   npx tsx bench/api-parts.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buildConfig, DEFAULTS, defaultBaseDomains } from '../dist/config.js';
import { authenticate } from '../dist/protocol/authenticate.js';
import { parseRequestTarget } from '../dist/protocol/request-target.js';
import { signV4 } from '../dist/protocol/sign-client.js';
import { startServer } from '../dist/server.js';

const N = 20_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-parts-'));
const config = buildConfig({
  ...DEFAULTS,
  port: 0,
  dataDir: dir,
  logLevel: 'silent',
  baseDomains: defaultBaseDomains(DEFAULTS.region),
});
const s = await startServer(config);
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
  const principal = await authenticate({ method: 'HEAD', target, headers }, deps);
  const time = async (name: string, f: () => unknown): Promise<void> => {
    for (let i = 0; i < 2000; i++) await f();
    const start = performance.now();
    for (let i = 0; i < N; i++) await f();
    console.log(`${name.padEnd(20)} ${(((performance.now() - start) * 1000) / N).toFixed(1)} µs`);
  };
  await time('parseRequestTarget', () =>
    parseRequestTarget({ rawUrl: '/parts/k/o.txt', host: 'localhost', baseDomains: ['localhost'] }),
  );
  await time('authenticate (V4)', () => authenticate({ method: 'HEAD', target, headers }, deps));
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
} finally {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
