/**
 * The console in headless Chromium (playwright-core + /usr/bin/chromium): sign-in, live progress, confirm,
 * cancel, and what a read-only RAM user sees. Skipped, with the reason, when Chromium is not installed
 * (CI installs it and turns the skip into a failure). Screenshots go to test-artifacts/console/.
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

/** Live updates arrive by 1 s polling; give a loaded 2-core machine room. */
const LIVE_MS = 15_000;

describe.skipIf(!HAS_CHROMIUM)(
  `console in Chromium${HAS_CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`,
  () => {
    let env: ConsoleEnv;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      // One worker keeps the 200k-object job of the cancel test running for seconds, not a blink.
      env = await createConsoleEnv({ workers: 1 });
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
      // A CSP violation ("Refused to …") or a script error shows up here and fails the test. The
      // browser's own line for a 4xx document (the rejected sign-in answers 401) is not one.
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
    });
    afterEach(async () => {
      await context?.close();
    });

    const signInRoot = (): Promise<void> =>
      browserSignIn(page, env.url, env.ts.root.accessKeyId, env.ts.root.secret);
    const jobUrl = (jobId: string): string => `${env.url}/-/console/job?id=${encodeURIComponent(jobId)}`;

    it('rejects a wrong secret, then signs root in', async () => {
      await page.goto(`${env.url}/-/console`);
      await expect.poll(() => page.url()).toBe(`${env.url}/-/console/sign-in`);
      await page.getByLabel('AccessKeyId').fill(env.ts.root.accessKeyId);
      await page.getByLabel('AccessKeySecret').fill('not-the-secret');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid');
      expect(page.url()).toBe(`${env.url}/-/console/sign-in`);
      await screenshot(page, 'sign-in-rejected');
      await page.getByLabel('AccessKeySecret').fill(env.ts.root.secret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${env.url}/-/console/jobs`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Jobs');
      expect(await context.cookies()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'ossbatch_console', httpOnly: true, sameSite: 'Strict' }),
        ]),
      );
      await screenshot(page, 'jobs-empty');
      expect(errors).toEqual([]);
    });

    it('shows a job progressing live on the jobs page, without a reload', async () => {
      const jobId = await env.prefixJob({
        prefix: 'live/',
        count: 3000,
        confirm: true,
        description: 'live one',
      });
      await waitForStatus(env, jobId, ['Suspended']);
      await signInRoot();
      const row = page.locator(`tr[data-job-id="${jobId}"]`);
      expect(await row.locator('.badge').textContent()).toBe('Suspended');
      expect(await row.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0');
      await page.evaluate(() => {
        (globalThis as unknown as { stayed: boolean }).stayed = true;
      });
      // Confirmed over the wire, not in the page: the page must notice by itself.
      await env.client.updateJobStatus(jobId, 'Ready');
      await expect.poll(() => row.locator('.badge').textContent(), { timeout: LIVE_MS }).toBe('Complete');
      const bar = row.getByRole('progressbar');
      expect(await bar.getAttribute('aria-valuenow')).toBe('100');
      expect(await bar.getAttribute('aria-valuetext')).toBe('100% done: 3,000 succeeded, 0 failed of 3,000');
      expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(true);
      await screenshot(page, 'jobs-live');
      expect(errors).toEqual([]);
    });

    it('confirms a Suspended job from its page, and the job runs to Complete', async () => {
      const jobId = await env.prefixJob({ prefix: 'confirm/', count: 2000, confirm: true, report: true });
      await waitForStatus(env, jobId, ['Suspended']);
      await signInRoot();
      await page.goto(jobUrl(jobId));
      await expect(page.getByRole('button', { name: 'Confirm (Ready)' }).isVisible()).resolves.toBe(true);
      await screenshot(page, 'job-suspended');
      // Confirm asks first, saying how many objects it will change (issue 11); a dismissed dialog does nothing.
      const dialogs: string[] = [];
      page.once('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.getByRole('button', { name: 'Confirm (Ready)' }).click();
      await expect.poll(() => dialogs.length).toBe(1);
      expect((await env.client.describeJob(jobId)).status).toBe('Suspended');
      page.once('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      await page.getByRole('button', { name: 'Confirm (Ready)' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('confirmed');
      await expect
        .poll(() => page.locator('#job-status .badge').textContent(), { timeout: LIVE_MS })
        .toBe('Complete');
      expect(dialogs[1]).toBe('Confirm this job? It will run its operation on 2,000 objects.');
      expect(await page.locator('#c-succeeded').textContent()).toBe('2,000');
      expect(await page.locator('#c-percent').textContent()).toBe('100%');
      // A finished job has no priority editor (UpdateJobPriority would refuse it).
      expect(await page.locator('#priority-form').isVisible()).toBe(false);
      expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
      // Neither transition is allowed any more: both buttons hidden by the live update.
      expect(await page.getByRole('button', { name: 'Confirm (Ready)' }).isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(false);
      const job = await env.client.describeJob(jobId);
      expect([job.status, job.progress.succeededTasks]).toEqual(['Complete', 2000]);
      await page.getByRole('link', { name: /manifest\.json$/ }).click();
      await expect.poll(() => page.textContent('body')).toContain('"Results"');
      await page.goBack();
      await screenshot(page, 'job-complete');
    });

    it('cancels a running job', async () => {
      // Planned while Suspended, so the page is open and ready before the job starts running (200k
      // objects keep one worker busy for seconds; the click lands within a poll of the job going Active).
      const jobId = await env.prefixJob({ prefix: 'big/', count: 200_000, confirm: true });
      await waitForStatus(env, jobId, ['Suspended'], 60_000);
      await signInRoot();
      await page.goto(jobUrl(jobId));
      await page.getByLabel('Reason (optional)').fill('stop it');
      await env.client.updateJobStatus(jobId, 'Ready');
      await waitForStatus(env, jobId, ['Active']);
      // No report link before a report exists.
      expect(await page.locator('#report-link').isVisible()).toBe(false);
      let asked = '';
      page.once('dialog', (d) => {
        asked = d.message();
        void d.accept();
      });
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(asked).toMatch(
        /^Cancel this job\? [\d,]+ of 200,000 objects are done and stay done; the other [\d,]+ will not be changed\.$/,
      );
      await expect
        .poll(() => page.locator('#job-status .badge').textContent(), { timeout: LIVE_MS })
        .toBe('Cancelled');
      // The notice says what the status shows.
      await expect
        .poll(() => page.getByRole('status').textContent(), { timeout: LIVE_MS })
        .toBe('The job was cancelled.');
      const job = await env.client.describeJob(jobId);
      expect(job.status).toBe('Cancelled');
      expect(job.statusUpdateReason).toBe('stop it');
      expect(job.progress.succeededTasks).toBeLessThan(200_000);
      expect(await page.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(false);
      await screenshot(page, 'job-cancelled');
    });

    it('creates a job from the form, showing the CreateJob error next to the form first', async () => {
      await signInRoot();
      await page.getByRole('link', { name: 'Create job' }).first().click();
      await page.waitForURL(`${env.url}/-/console/new`);
      await page.getByLabel('Operation', { exact: true }).selectOption('PutObjectTagging');
      await page.getByLabel(/^Tags/).fill('team=console');
      await page.getByLabel('All objects under a key prefix').check();
      await page.getByLabel('Source bucket', { exact: true }).fill('data');
      await page.getByLabel('Key prefix', { exact: true }).fill('form-browser/');
      await page.getByLabel('RAM role ARN').fill('acs:ram::1:role/NoSuchRole');
      await page.getByRole('button', { name: 'Create job' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/role/i);
      expect(await page.locator('#f-prefix').inputValue()).toBe('form-browser/');
      await screenshot(page, 'create-job-error');
      await page.getByLabel('RAM role ARN').fill(env.roleArn);
      await page.getByRole('button', { name: 'Create job' }).click();
      await page.waitForURL(/\/-\/console\/job\?id=/);
      expect(await page.getByRole('status').textContent()).toContain('created');
      const jobId = new URL(page.url()).searchParams.get('id') ?? '';
      const job = await env.client.describeJob(jobId);
      expect(job.operation).toEqual({ type: 'PutObjectTagging', tags: [{ key: 'team', value: 'console' }] });
      expect(job.confirmationRequired).toBe(true);
      expect(errors).toEqual([]);
    });

    it('hides Confirm, Cancel, the priority editor and Create for a read-only RAM user', async () => {
      const jobId = await env.prefixJob({ prefix: 'readonly/', count: 10, confirm: true });
      await waitForStatus(env, jobId, ['Suspended']);
      const user = await createUserWithPolicy(env.ts, 'console-reader', {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:ListJobs', 'oss:DescribeJob'], Resource: ['*'] }],
      });
      await browserSignIn(page, env.url, user.accessKeyId, user.secret);
      expect(await page.locator(`tr[data-job-id="${jobId}"]`).count()).toBe(1);
      expect(await page.locator('main').getByRole('link', { name: 'Create job' }).count()).toBe(0);
      await page.goto(jobUrl(jobId));
      expect(await page.locator('#job-status .badge').textContent()).toBe('Suspended');
      expect(await page.getByRole('button', { name: 'Confirm (Ready)' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
      expect(await page.getByLabel(/Priority/).count()).toBe(0);
      expect(await page.getByText('Read only').count()).toBe(1);
      await screenshot(page, 'job-read-only-user');
      // Signing out ends it: the jobs page sends the browser back to sign-in.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${env.url}/-/console/sign-in`);
      await page.goto(`${env.url}/-/console/jobs`);
      expect(page.url()).toBe(`${env.url}/-/console/sign-in`);
      expect(errors).toEqual([]);
    });
  },
);
