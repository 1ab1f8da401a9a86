/**
 * Issue 11 in Chromium: "Retry failed tasks" on an ended job creates the retry as the signed-in principal
 * and lands on its page; a job over a prefix that matched nothing says "no objects matched" (no full
 * green bar). Skipped, with the reason, without /usr/bin/chromium. Screenshots: test-artifacts/console/.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUserWithPolicy } from '../helpers/server.js';
import {
  browserSignIn,
  createConsoleEnv,
  HAS_CHROMIUM,
  launchBrowser,
  NO_CHROMIUM_REASON,
  screenshot,
  waitForStatus,
  type ConsoleEnv,
} from './console-env.js';

const LIVE_MS = 15_000;

describe.skipIf(!HAS_CHROMIUM)(
  `console retry in Chromium${HAS_CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`,
  () => {
    let env: ConsoleEnv;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      env = await createConsoleEnv();
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await env?.close();
    });
    beforeEach(async () => {
      context = await browser.newContext();
      page = await context.newPage();
      errors.length = 0;
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
    });
    afterEach(async () => {
      await context?.close();
    });
    const jobUrl = (jobId: string): string => `${env.url}/-/console/job?id=${encodeURIComponent(jobId)}`;

    it('retries the tasks of a cancelled job from its page', async () => {
      const jobId = await env.prefixJob({ prefix: 'retry/', count: 1500, confirm: true, report: true });
      await waitForStatus(env, jobId, ['Suspended']);
      await env.client.updateJobStatus(jobId, 'Cancelled', 'retry test');
      await waitForStatus(env, jobId, ['Cancelled']);
      await browserSignIn(page, env.url, env.ts.root.accessKeyId, env.ts.root.secret);
      await page.goto(jobUrl(jobId));
      const button = page.getByRole('button', { name: 'Retry failed tasks' });
      await button.waitFor({ state: 'visible', timeout: LIVE_MS });
      await expect
        .poll(() => page.locator('#retry-text').textContent())
        .toMatch(/0\s+failed and\s+1,500\s+never-run/);
      await screenshot(page, 'retry-offered');
      await button.click();
      await page.waitForURL(/done=retried/);
      const newId = new URL(page.url()).searchParams.get('id') ?? '';
      expect(newId).not.toBe(jobId);
      await expect
        .poll(() => page.locator('#job-status [data-status]').getAttribute('data-status'), {
          timeout: LIVE_MS,
        })
        .toBe('Complete');
      await expect.poll(() => page.locator('#c-succeeded').textContent()).toBe('1,500');
      await expect(page.getByRole('status').first().textContent()).resolves.toContain(
        'retry job was created',
      );
      await screenshot(page, 'retry-created');
      const retried = await env.client.describeJob(newId);
      expect(retried.progress).toMatchObject({ totalTasks: 1500, succeededTasks: 1500, failedTasks: 0 });
      expect(errors).toEqual([]);
    });

    it('offers no retry to a principal who may not create jobs, nor on a job with nothing left', async () => {
      const jobId = await env.prefixJob({ prefix: 'ro/', count: 10, confirm: true, report: true });
      await env.client.updateJobStatus(jobId, 'Cancelled', 'read-only test');
      await waitForStatus(env, jobId, ['Cancelled']);
      const reader = await createUserWithPolicy(env.ts, 'retry-reader', {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:ListJobs', 'oss:DescribeJob'], Resource: ['*'] }],
      });
      await browserSignIn(page, env.url, reader.accessKeyId, reader.secret);
      await page.goto(jobUrl(jobId));
      await expect(page.locator('#retry-form').isHidden()).resolves.toBe(true);
      const done = await env.prefixJob({ prefix: 'ro/', count: 0, report: true });
      await waitForStatus(env, done, ['Complete']);
      await context.clearCookies();
      await browserSignIn(page, env.url, env.ts.root.accessKeyId, env.ts.root.secret);
      await page.goto(jobUrl(done));
      await expect(page.locator('#retry-form').isHidden()).resolves.toBe(true);
    });

    it('lists failed tasks by error code from the report, as the signed-in principal, with a CSV download', async () => {
      await env.ts.server.store.seedObjects('data', [{ key: 'f/present', size: 1 }]);
      const rows = ['data,f%2Fpresent', ...Array.from({ length: 1200 }, (_, i) => `data,f%2Fmissing-${i}`)];
      const put = await env.client.putObject('data', 'f/manifest.csv', `${rows.join('\n')}\n`);
      const { jobId } = await env.client.createJob({
        operation: { type: 'PutObjectTagging', tags: [{ key: 'x', value: 'y' }] },
        source: {
          kind: 'manifest',
          bucket: 'data',
          object: 'f/manifest.csv',
          etag: put.etag,
          format: 'OSS_BatchOperations_CSV_20250611',
          fields: 'Bucket,Key',
        },
        roleArn: env.roleArn,
        report: { enabled: true, bucket: 'reports', prefix: 'r/', scope: 'FailedTasksOnly' },
      });
      await waitForStatus(env, jobId, ['Complete', 'Failed']);
      await browserSignIn(page, env.url, env.ts.root.accessKeyId, env.ts.root.secret);
      await page.goto(jobUrl(jobId));
      await page.getByRole('link', { name: 'Failed tasks by error code' }).click();
      await page.waitForURL(/\/job\/failures\?id=/);
      const job = await env.client.describeJob(jobId);
      const failed = job.progress.failedTasks;
      expect(failed).toBeGreaterThan(0);
      expect(await page.locator('#failed-total').textContent()).toBe(
        `${failed.toLocaleString('en-US')} failed tasks, read from the job's report.`,
      );
      expect(await page.locator('#failure-codes tbody tr').first().textContent()).toMatch(
        new RegExp(`NoSuchKey\\s*${failed.toLocaleString('en-US')}`),
      );
      expect(await page.locator('#failed-keys tbody tr').count()).toBe(Math.min(50, failed));
      expect(await page.locator('#failed-keys tbody tr').first().textContent()).toContain(
        'oss://data/f/missing-',
      );
      await screenshot(page, 'failures-view');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#failed-csv').click(),
      ]);
      const csv = await new Promise<string>((resolve, reject) => {
        void download.createReadStream().then((stream) => {
          let text = '';
          stream.on('data', (c: Buffer) => (text += c.toString()));
          stream.on('end', () => resolve(text));
          stream.on('error', reject);
        }, reject);
      });
      expect(csv.trim().split('\n')).toHaveLength(failed);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);

      // A principal who may describe jobs but not read the report bucket is told so, not shown the keys.
      const reader = await createUserWithPolicy(env.ts, 'failures-reader', {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:ListJobs', 'oss:DescribeJob'], Resource: ['*'] }],
      });
      await context.clearCookies();
      await browserSignIn(page, env.url, reader.accessKeyId, reader.secret);
      await page.goto(`${env.url}/-/console/job/failures?id=${encodeURIComponent(jobId)}`);
      expect(await page.getByRole('alert').textContent()).toMatch(/not allowed to read oss:\/\/reports\//);
      expect(errors).toEqual([]);
    });

    it('the create form shows the fields of the chosen operation and source, bucket and role choices, a tag example', async () => {
      await browserSignIn(page, env.url, env.ts.root.accessKeyId, env.ts.root.secret);
      await page.goto(`${env.url}/-/console/new`);
      const visible = (label: string): Promise<boolean> =>
        page.getByLabel(label, { exact: true }).isVisible();
      await page.getByLabel('Operation', { exact: true }).selectOption('PutObjectTagging');
      expect(await visible('Tags, one key=value per line')).toBe(true);
      expect(await visible('Object ACL')).toBe(false);
      expect(await visible('Restore days')).toBe(false);
      expect(await page.locator('#tags-hint').textContent()).toContain('department=finance');
      await page.getByLabel('Operation', { exact: true }).selectOption('RestoreObject');
      expect(await visible('Restore days')).toBe(true);
      expect(await visible('Tags, one key=value per line')).toBe(false);
      await page.getByLabel('Operation', { exact: true }).selectOption('PutObjectAcl');
      expect(await visible('Object ACL')).toBe(true);
      await page.getByLabel('All objects under a key prefix').check();
      expect(await visible('Source bucket')).toBe(true);
      expect(await visible('Manifest bucket')).toBe(false);
      await page.getByLabel('Objects listed in a manifest').check();
      expect(await visible('Manifest bucket')).toBe(true);
      expect(await visible('Source bucket')).toBe(false);
      const buckets = await page
        .locator('#bucket-choices option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      expect(buckets).toEqual(expect.arrayContaining(['data', 'reports']));
      const roles = await page
        .locator('#role-choices option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      expect(roles).toEqual([env.roleArn]);
      await page.getByLabel('Operation', { exact: true }).selectOption('PutObjectTagging');
      await screenshot(page, 'create-form');
      // A user who may only describe jobs is offered no buckets and no roles.
      const reader = await createUserWithPolicy(env.ts, 'choices-reader', {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:ListJobs', 'oss:DescribeJob'], Resource: ['*'] }],
      });
      await context.clearCookies();
      await browserSignIn(page, env.url, reader.accessKeyId, reader.secret);
      await page.goto(`${env.url}/-/console/new`);
      expect(await page.locator('#bucket-choices option').count()).toBe(0);
      expect(await page.locator('#role-choices option').count()).toBe(0);
      expect(errors).toEqual([]);
    });

    it("draws the task rate over the job's life as a chart", async () => {
      const jobId = await env.prefixJob({ prefix: 'chart/', count: 300_000, confirm: true });
      await waitForStatus(env, jobId, ['Suspended'], 60_000);
      await browserSignIn(page, env.url, env.ts.root.accessKeyId, env.ts.root.secret);
      await page.goto(jobUrl(jobId));
      await env.client.updateJobStatus(jobId, 'Ready');
      await expect
        .poll(() => page.locator('#job-status [data-status]').getAttribute('data-status'), {
          timeout: 60_000,
        })
        .toBe('Complete');
      // Sampled four times a second while the job ran: a line of several points, peaking above 0.
      const points = ((await page.locator('#rate-line').getAttribute('points')) ?? '')
        .split(' ')
        .filter(Boolean);
      expect(points.length).toBeGreaterThan(1);
      expect(
        Number(((await page.locator('#rate-max').textContent()) ?? '0').replace('k', '')),
      ).toBeGreaterThan(0);
      expect(await page.locator('#rate-empty').isHidden()).toBe(true);
      await screenshot(page, 'rate-chart');
      expect(errors).toEqual([]);
    }, 90_000);

    it('a job whose prefix matched nothing says so instead of a full green bar', async () => {
      const jobId = await env.prefixJob({ prefix: 'nothing-here/', count: 0, report: true });
      await waitForStatus(env, jobId, ['Complete']);
      await browserSignIn(page, env.url, env.ts.root.accessKeyId, env.ts.root.secret);
      await page.goto(jobUrl(jobId));
      await expect(page.locator('#no-objects').isVisible()).resolves.toBe(true);
      await expect(page.locator('#no-objects').textContent()).resolves.toContain('No objects matched');
      const okWidth = await page
        .locator('#job .bar-ok')
        .evaluate((e) => (e as unknown as { style: { width: string } }).style.width);
      expect(okWidth).toBe('0%');
      await page.goto(`${env.url}/-/console/jobs`);
      await expect
        .poll(() => page.locator('#jobs-table').textContent(), { timeout: LIVE_MS })
        .toContain('no objects matched');
      await screenshot(page, 'no-objects-matched');
      expect(errors).toEqual([]);
    });
  },
);
