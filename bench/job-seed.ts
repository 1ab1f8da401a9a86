/**
 * Seeds the jobs bench's data dir before its server starts, in the bench process, through the dist store
 * and backend the server itself opens (the same factories as src/server.ts), then closes them: the root
 * account, buckets `bench` and `reports`, N metadata-only objects (ObjectStore.seedObjects), an N-row CSV
 * manifest and the role the jobs run as. The seeding's garbage and arrays stay out of the server's RSS.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { DatabaseUrl } from '../src/db/database-url.js';

const TRUST = JSON.stringify({
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

export const keyOf = (i: number): string => `data/${String(i).padStart(10, '0')}.bin`;

/** `dist/` of this tree, or of another checkout (`--dist`) for a before/after with the same harness. */
export const distDirOf = (dist: string | undefined): string =>
  path.resolve(dist ?? path.join(import.meta.dirname, '..', 'dist'));

/** Returns the role ARN the jobs run as. */
export async function seedJobData(opts: {
  distDir: string;
  dataDir: string;
  db: DatabaseUrl;
  region: string;
  n: number;
}): Promise<string> {
  const load = (file: string): Promise<any> => import(pathToFileURL(path.join(opts.distDir, file)).href);
  const [{ createBackend }, { createBuiltinStoreFor }, { systemClock }] = await Promise.all([
    load('db/backend.js'),
    load('server.js'),
    load('protocol/clock.js'),
  ]);
  const backend = await createBackend({ db: opts.db, dataDir: opts.dataDir });
  try {
    const root = await backend.iamAdmin.ensureRootAccount({}, systemClock);
    const builtin = await createBuiltinStoreFor(backend, {
      dataDir: opts.dataDir,
      clock: systemClock,
      region: opts.region,
      restoreDurationMs: 0,
    });
    try {
      const store = builtin.store;
      for (const b of ['bench', 'reports'])
        await store.createBucket({
          name: b,
          owner: root.accountId,
          acl: 'private',
          storageClass: 'Standard',
        });
      for (let from = 0; from < opts.n; from += 50_000) {
        await store.seedObjects(
          'bench',
          Array.from({ length: Math.min(50_000, opts.n - from) }, (_, j) => ({ key: keyOf(from + j) })),
        );
      }
      const n = opts.n;
      function* manifest(): Generator<Buffer> {
        for (let from = 0; from < n; from += 10_000) {
          let s = '';
          for (let i = from; i < Math.min(n, from + 10_000); i++) s += `bench,${keyOf(i)}\n`;
          yield Buffer.from(s);
        }
      }
      await store.putObject({ bucket: 'bench', key: 'manifest.csv', body: Readable.from(manifest()) });
    } finally {
      await builtin.close();
    }
    const iam = backend.iamAdmin.admin(root.accountId, systemClock);
    await iam.createRole({ roleName: 'bench', assumeRolePolicyDocument: TRUST });
    await iam.createPolicy({
      policyName: 'bench-all',
      policyDocument: JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
      }),
    });
    await iam.attachPolicyToRole('bench-all', 'bench');
    return `acs:ram::${root.accountId}:role/bench`;
  } finally {
    await backend.close();
  }
}
