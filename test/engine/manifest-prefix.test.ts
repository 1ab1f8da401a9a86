import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/engine/manifest/index.js';
import type { JobRecord } from '../../src/jobs/model.js';
import { createEnv, job, makeBucket, plan, planAndRead, readAll, type ManifestEnv } from './manifest-env.js';

let env: ManifestEnv;
beforeEach(async () => {
  env = await createEnv();
  await makeBucket(env, 'src');
});
afterEach(async () => {
  await env.close();
});

const prefixJob = (prefix: string, roleArn = env.roleArn, sourceBucket = 'src'): JobRecord =>
  job({ roleArn, keyPrefix: { sourceBucket, prefix } });

/** 2,500 keys under data/ (incl. 50 `dir/` placeholders) plus 10 outside the prefix. */
async function seed(): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < 2450; i++) keys.push(`data/f${String(i).padStart(5, '0')}`);
  for (let i = 0; i < 50; i++) keys.push(`data/d${String(i).padStart(3, '0')}/`);
  await env.store.seedObjects(
    'src',
    [...keys, ...Array.from({ length: 10 }, (_, i) => `other/${i}`)].map((key) => ({ key })),
  );
  return keys.sort();
}

async function failure(p: Promise<unknown>): Promise<ManifestError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ManifestError);
  return e as ManifestError;
}

describe('KeyPrefixManifestGenerator', () => {
  it('plans 2,500 keys into chunks of 1000 and reads each exactly once, dir/ keys included', async () => {
    const keys = await seed();
    const j = prefixJob('data/');
    const { totalTasks, chunks } = await plan(env, j, 1000);
    expect(totalTasks).toBe(2500);
    expect(chunks.map((c) => [c.index, c.firstTask, c.taskCount])).toEqual([
      [0, 0, 1000],
      [1, 1000, 1000],
      [2, 2000, 500],
    ]);
    const tasks = await planAndRead(env, j, 1000);
    expect(tasks.map((t) => t.key)).toEqual(keys);
    expect(tasks.every((t) => t.bucket === 'src' && t.versionId === undefined)).toBe(true);
    expect(tasks.filter((t) => t.key.endsWith('/'))).toHaveLength(50);
  });

  it('resumes a chunk with skip and batches', async () => {
    const keys = await seed();
    const j = prefixJob('data/');
    const { chunks } = await plan(env, j, 1000);
    const batches = await readAll(env, j, chunks[1]!, 990, 4);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat().map((t) => t.key)).toEqual(keys.slice(1990, 2000));
  });

  it('never yields more than the planned count when keys are added inside a range', async () => {
    await seed();
    const j = prefixJob('data/');
    const { chunks } = await plan(env, j, 1000);
    await env.store.seedObjects('src', [{ key: 'data/f00000a' }]);
    const first = (await readAll(env, j, chunks[0]!)).flat();
    expect(first).toHaveLength(1000);
    // The new key is picked up and the planned last key of the range (data/f00949) is displaced.
    expect(first[51]?.key).toBe('data/f00000a');
    expect(first.at(-1)?.key).toBe('data/f00948');
  });

  it('plans the whole bucket for an empty prefix and 0 tasks / 0 chunks for a prefix matching nothing', async () => {
    await seed();
    expect((await plan(env, prefixJob(''), 1000)).totalTasks).toBe(2510);
    expect(await plan(env, prefixJob('nothing/'), 1000)).toEqual({ totalTasks: 0, chunks: [] });
  });

  it('fails NoSuchBucket and AccessDenied (no oss:ListObjects)', async () => {
    expect((await failure(plan(env, prefixJob('', env.roleArn, 'nope'), 10))).failureCode).toBe(
      'NoSuchBucket',
    );
    expect((await failure(plan(env, prefixJob('data/', env.bareRoleArn), 10))).failureCode).toBe(
      'AccessDenied',
    );
  });
});
