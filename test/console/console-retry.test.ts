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
      const reader = createUserWithPolicy(env.ts, 'retry-reader', {
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
