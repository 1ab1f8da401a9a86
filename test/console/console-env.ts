/**
 * Shared set-up for the console tests: a real server on a real socket, buckets and a role made through
 * the real IAM/store, jobs created with the typed client (the wire), and helpers to sign in over plain
 * HTTP or in headless Chromium (playwright-core driving Debian's /usr/bin/chromium).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { OssBatchClient } from '../../src/client/index.js';
import type { Config } from '../../src/config.js';
import type { Clock } from '../../src/protocol/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
export const NO_CHROMIUM_REASON = `headless Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
export const ARTIFACTS = path.resolve('test-artifacts/console');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Keeps a screenshot as a test artifact (test-artifacts/ is gitignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

export interface ConsoleEnv {
  readonly ts: TestServer;
  readonly url: string;
  /** The typed client as root: sets up and checks jobs over the wire. */
  readonly client: OssBatchClient;
  readonly roleArn: string;
  /** A prefix job over `count` seeded objects `<prefix>NNNNNN` in bucket `data`. */
  prefixJob(opts: PrefixJobOptions): Promise<string>;
  close(): Promise<void>;
}

export interface PrefixJobOptions {
  readonly prefix: string;
  readonly count: number;
  readonly confirm?: boolean;
  readonly report?: boolean;
  readonly priority?: number;
  readonly description?: string;
}

export async function createConsoleEnv(config: Partial<Config> = {}, clock?: Clock): Promise<ConsoleEnv> {
  const ts = await startTestServer({ config, ...(clock ? { clock } : {}) });
  const client = new OssBatchClient({
    endpoint: ts.url,
    accessKeyId: ts.root.accessKeyId,
    accessKeySecret: ts.root.secret,
    region: 'cn-hangzhou',
    addressing: 'path',
  });
  await client.putBucket('data');
  await client.putBucket('reports');
  const iam = ts.server.iamAdmin;
  const role = await iam.createRole({ roleName: 'ConsoleBatchRole', assumeRolePolicyDocument: TRUST_OSS });
  const doc = JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
  });
  await iam.createPolicy({ policyName: 'ConsoleBatchRole-policy', policyDocument: doc });
  await iam.attachPolicyToRole('ConsoleBatchRole-policy', 'ConsoleBatchRole');
  const env: ConsoleEnv = {
    ts,
    url: ts.url,
    client,
    roleArn: role.Arn,
    async prefixJob(o) {
      const objects = Array.from({ length: o.count }, (_, i) => ({
        key: `${o.prefix}${String(i).padStart(6, '0')}`,
        size: 1,
      }));
      await ts.server.store.seedObjects('data', objects);
      const { jobId } = await client.createJob({
        operation: { type: 'PutObjectTagging', tags: [{ key: 'console', value: 'yes' }] },
        source: { kind: 'prefix', sourceBucket: 'data', prefix: o.prefix },
        roleArn: role.Arn,
        report: o.report
          ? { enabled: true, bucket: 'reports', prefix: 'r/', scope: 'AllTasks' }
          : { enabled: false },
        priority: o.priority ?? 10,
        description: o.description ?? 'console test',
        confirmationRequired: o.confirm ?? false,
      });
      return jobId;
    },
    close: () => ts.close(),
  };
  return env;
}

export async function waitForStatus(
  env: ConsoleEnv,
  jobId: string,
  statuses: readonly string[],
  timeoutMs = 20_000,
): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await env.client.describeJob(jobId);
    if (statuses.includes(job.status)) return job.status;
    if (Date.now() > until) throw new Error(`job ${jobId} is ${job.status}, expected ${statuses.join('|')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Signs in through the real form in the browser and waits for the jobs page. */
export async function browserSignIn(
  page: Page,
  url: string,
  accessKeyId: string,
  secret: string,
): Promise<void> {
  await page.goto(`${url}/-/console/sign-in`);
  await page.getByLabel('AccessKeyId').fill(accessKeyId);
  await page.getByLabel('AccessKeySecret').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${url}/-/console/jobs`);
}

export interface HttpSession {
  /** `ossbatch_console=<id>` for the Cookie header. */
  readonly cookie: string;
  /** The session's CSRF token, read from a rendered form. */
  readonly csrf: string;
}

const FORM = 'application/x-www-form-urlencoded';

/** Signs in with plain fetch (no browser): pre-session cookie + token, then the AccessKey pair. */
export async function httpSignIn(url: string, accessKeyId: string, secret: string): Promise<HttpSession> {
  const form = await fetch(`${url}/-/console/sign-in`);
  const pre = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const token = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${url}/-/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: pre, 'content-type': FORM },
    body: new URLSearchParams({ csrf: token, accessKeyId, accessKeySecret: secret }),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  const cookie =
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith('ossbatch_console='))
      ?.split(';')[0] ?? '';
  const page = await fetch(`${url}/-/console/jobs`, { headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { cookie, csrf };
}

/** A form POST with the session cookie (no redirects followed). */
export function postForm(
  url: string,
  session: Pick<HttpSession, 'cookie'>,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: session.cookie, 'content-type': FORM, ...headers },
    body: new URLSearchParams(fields),
  });
}
