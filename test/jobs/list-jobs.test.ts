import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNode, type XmlNode } from '../../src/protocol/xml.js';
import { T0, createJob, createJobsEnv, fail, ok, parse, type JobsEnv } from './jobs-env.js';

function descriptors(result: XmlNode): XmlNode[] {
  const jobs = result['Jobs'];
  if (jobs === '' || jobs === undefined) return [];
  if (!isNode(jobs)) throw new Error('Jobs is not a container');
  const d = jobs['JobListDescriptor'];
  const list = d === undefined ? [] : Array.isArray(d) ? d : [d];
  return list.map((x) => {
    if (!isNode(x)) throw new Error('bad descriptor');
    return x;
  });
}

describe('ListJobs', () => {
  let env: JobsEnv;
  /** Job ids in the order ListJobs must return them: newest first, ties by JobId descending. */
  let expectedOrder: string[];
  beforeAll(async () => {
    env = await createJobsEnv();
    const created: { id: string; at: number }[] = [];
    for (let i = 0; i < 250; i += 1) {
      if (i % 3 === 0) env.clock.advance(1_000); // three jobs per millisecond-identical timestamp: exercises the tiebreak
      created.push({ id: await createJob(env), at: env.clock.now() });
    }
    expectedOrder = [...created].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((c) => c.id);
    // Another account's job must never show up.
    await env.repo.createJob({
      jobId: 'Zm9yZWlnbg==',
      accountId: '999',
      spec: (await env.repo.getJobById(expectedOrder[0] ?? ''))!.spec,
      requestHash: 'x',
      now: env.clock.now() + 10,
    });
  }, 60_000);
  afterAll(async () => {
    await env.close();
  });

  it('pages newest first through 250 jobs with NextToken, 100 per page by default', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let token: string | undefined;
    do {
      const xml = await ok(env, 'listJobs', token ? { 'continuation-token': token } : {});
      const result = parse(xml, 'ListJobsResult');
      const page = descriptors(result).map((d) => d['JobId'] as string);
      pageSizes.push(page.length);
      seen.push(...page);
      const next = result['NextToken'];
      token = typeof next === 'string' ? next : undefined;
      if (token) {
        expect(xml).toMatch(
          /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListJobsResult><NextToken>[A-Za-z0-9_-]+<\/NextToken><Jobs>/,
        );
      }
    } while (token);
    expect(pageSizes).toEqual([100, 100, 50]);
    expect(seen).toEqual(expectedOrder);
  });

  it('max-keys 1000 returns all without NextToken; max-keys 7 pages by 7', async () => {
    const all = parse(await ok(env, 'listJobs', { 'max-keys': '1000' }), 'ListJobsResult');
    expect(all).not.toHaveProperty('NextToken');
    expect(descriptors(all).map((d) => d['JobId'])).toEqual(expectedOrder);
    const first = parse(await ok(env, 'listJobs', { 'max-keys': '7' }), 'ListJobsResult');
    const second = parse(
      await ok(env, 'listJobs', { 'max-keys': '7', 'continuation-token': first['NextToken'] as string }),
      'ListJobsResult',
    );
    expect(descriptors(second).map((d) => d['JobId'])).toEqual(expectedOrder.slice(7, 14));
  });

  it('exactly max-keys jobs left → no NextToken', async () => {
    const r = parse(await ok(env, 'listJobs', { 'max-keys': '250' }), 'ListJobsResult');
    expect(descriptors(r)).toHaveLength(250);
    expect(r).not.toHaveProperty('NextToken');
  });

  it('descriptor shape: Operation as a name, -1 counts, TerminationDate only when terminal', async () => {
    const xml = await ok(env, 'listJobs', { 'max-keys': '1' });
    const id = expectedOrder[0];
    expect(xml).toContain(
      `<JobListDescriptor><CreationTime>${Math.floor((T0 + 84_000) / 1000)}</CreationTime><Description>tag them</Description><JobId>${id}</JobId>` +
        '<Operation>PutObjectTagging</Operation><Priority>10</Priority><ProgressSummary><NumberOfTasksFailed>-1</NumberOfTasksFailed>' +
        '<NumberOfTasksSucceeded>-1</NumberOfTasksSucceeded><Timers><ElapsedTimeInActiveSeconds>0</ElapsedTimeInActiveSeconds></Timers>' +
        '<TotalNumberOfTasks>-1</TotalNumberOfTasks></ProgressSummary><Status>New</Status></JobListDescriptor>',
    );
  });

  it('filters by statuses: `Active | Cancelled` with spaces, `Active|Complete` without', async () => {
    const [a, b, c, d] = expectedOrder.slice(10, 14) as [string, string, string, string];
    const now = env.clock.now();
    for (const id of [a, b]) {
      await env.repo.transition({ jobId: id, from: ['New'], to: 'Preparing', now });
      await env.repo.transition({ jobId: id, from: ['Preparing'], to: 'Ready', now });
      await env.repo.transition({ jobId: id, from: ['Ready'], to: 'Active', now });
    }
    await env.repo.transition({ jobId: c, from: ['New'], to: 'Cancelling', now });
    await env.repo.transition({ jobId: c, from: ['Cancelling'], to: 'Cancelled', now });
    await env.repo.transition({ jobId: d, from: ['New'], to: 'Cancelling', now });
    const ids = async (statuses: string, extra: Record<string, string> = {}) =>
      descriptors(
        parse(await ok(env, 'listJobs', { batchJobStatuses: statuses, ...extra }), 'ListJobsResult'),
      ).map((x) => x['JobId']);
    expect(await ids('Active | Cancelled')).toEqual([a, b, c]);
    expect(await ids('Active|Complete')).toEqual([a, b]);
    expect(await ids(' Cancelling ')).toEqual([d]);
    expect(await ids('Active | Active')).toEqual([a, b]);
    const limited = parse(
      await ok(env, 'listJobs', { batchJobStatuses: 'Active | Cancelled', 'max-keys': '2' }),
      'ListJobsResult',
    );
    expect(descriptors(limited).map((x) => x['JobId'])).toEqual([a, b]);
    expect(await ids('Active | Cancelled', { 'continuation-token': limited['NextToken'] as string })).toEqual(
      [c],
    );
    const cancelled = await ok(env, 'listJobs', { batchJobStatuses: 'Cancelled' });
    expect(cancelled).toMatch(
      /<Status>Cancelled<\/Status><TerminationDate>\d{10}<\/TerminationDate><\/JobListDescriptor>/,
    );
    expect(await ok(env, 'listJobs', { batchJobStatuses: 'Failed' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListJobsResult><Jobs></Jobs></ListJobsResult>',
    );
  });

  it('refuses unknown or mis-cased statuses', async () => {
    for (const [statuses, bad] of [
      ['Running', 'Running'],
      ['active', 'active'],
      ['Active|', ''],
      ['Active||Failed', ''],
    ] as const) {
      const err = await fail(env, 'listJobs', { batchJobStatuses: statuses });
      expect([err.code, err.status]).toEqual(['InvalidArgument', 400]);
      expect(err.message).toBe(
        `The batchJobStatuses value "${bad}" is not a job status; use New, Preparing, Ready, Suspended, Active, Pausing, Paused, Completing, Complete, Cancelling, Cancelled, Failing, Failed, separated by |.`,
      );
    }
  });

  it('refuses max-keys outside 1..1000 or not an integer', async () => {
    for (const v of ['0', '1001', 'abc', '', '-1', '1.5', '10 ']) {
      const err = await fail(env, 'listJobs', { 'max-keys': v });
      expect([err.code, err.status, err.message]).toEqual([
        'InvalidArgument',
        400,
        `The max-keys value ${JSON.stringify(v)} is invalid; it must be an integer from 1 to 1000.`,
      ]);
    }
  });

  it('refuses a continuation-token it did not issue', async () => {
    const forged = Buffer.from('abc:def').toString('base64url');
    for (const t of ['OTY2NzU4', 'not a token', forged, 'x'.repeat(1025)]) {
      const err = await fail(env, 'listJobs', { 'continuation-token': t });
      expect([err.code, err.status]).toEqual(['InvalidArgument', 400]);
      expect(err.message).toMatch(
        /^The continuation-token ".*" is invalid; pass the NextToken of a previous ListJobs reply\.$/,
      );
    }
  });
});
