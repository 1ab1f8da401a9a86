import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn } from './auth.js';
import {
  failureMessage,
  guarded,
  jsonSession,
  pageSession,
  postSession,
  userPage,
  type ConsoleDeps,
} from './guard.js';
import { html } from './html.js';
import { queryOf, redirect, sendJson } from './http-util.js';
import { ConsoleJobs, jobActions, permissionsOf } from './jobs-calls.js';
import { jobPageBody, reportManifestKey, type JobJson } from './page-job.js';
import { jobLink, jobRowJson, jobsPageBody, statusFilter } from './page-jobs.js';
import { streamReport } from './report.js';
import { canRetry } from './retry-form.js';

const calls = (deps: ConsoleDeps, who: SignedIn): ConsoleJobs =>
  new ConsoleJobs(deps.http.jobsService, deps.http.clock, who);

async function jobsPage(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const who = await pageSession(deps, req, reply);
  if (who === undefined) return;
  const query = queryOf(req.raw);
  const selected = statusFilter(query);
  const token = query.get('token') || undefined;
  const canCreate = (await permissionsOf(deps.http.jobsService, who)).createJob;
  try {
    const list = await calls(deps, who).list(selected, token);
    const body = jobsPageBody({ jobs: list.jobs, selected, nextToken: list.nextToken, token, canCreate });
    userPage(reply, 200, who, 'Jobs', body);
  } catch (err) {
    const { status, message } = failureMessage(err);
    userPage(reply, status, who, 'Jobs', jobsPageBody({ jobs: [], selected, canCreate, error: message }));
  }
}

async function jobsJson(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const who = await jsonSession(deps, req, reply);
  if (who === undefined) return;
  const query = queryOf(req.raw);
  try {
    const list = await calls(deps, who).list(statusFilter(query), query.get('token') || undefined);
    sendJson(reply, 200, { jobs: list.jobs.map(jobRowJson) });
  } catch (err) {
    const { status, message } = failureMessage(err);
    sendJson(reply, status, { error: message });
  }
}

/** Fixed notices after a successful action (post/redirect/get), never text taken from the URL. */
const NOTICES: Readonly<Record<string, string>> = {
  confirmed: 'The job was confirmed (Ready).',
  cancelled: 'Cancelling: the job stops at the next object boundary.',
  priority: 'The priority was updated.',
  created: 'The job was created.',
  retried: 'The retry job was created: it runs over the tasks of the earlier job that did not succeed.',
};

export async function renderJob(
  deps: ConsoleDeps,
  who: SignedIn,
  reply: FastifyReply,
  jobId: string,
  extra: { status?: number; done?: string | undefined; error?: string } = {},
): Promise<void> {
  try {
    const job = await calls(deps, who).describe(jobId);
    // After a cancel the notice says what the status shows (console.js updates it when Cancelled arrives).
    const notice =
      extra.done === 'cancelled' && job.status === 'Cancelled'
        ? 'The job was cancelled.'
        : NOTICES[extra.done ?? ''];
    const perms = await permissionsOf(deps.http.jobsService, who);
    const body = jobPageBody({
      job,
      actions: jobActions(job.status, perms),
      canUpdateStatus: perms.updateStatus,
      canChange: perms.updateStatus || perms.updatePriority || perms.createJob,
      canRetry: canRetry(job, perms.createJob),
      rates: deps.http.rateHistory?.rates(job.jobId) ?? [],
      csrfToken: who.session.csrfToken,
      notice,
      noticeKey: extra.done,
      ...(extra.error !== undefined ? { error: extra.error } : {}),
    });
    userPage(reply, extra.status ?? 200, who, `Job ${jobId}`, body);
  } catch (err) {
    const { status, message } = failureMessage(err);
    const body = html`<h1>Job</h1>
      <p class="error" role="alert">${message}</p>
      <p><a href="/-/console/jobs">All jobs</a></p>`;
    userPage(reply, status, who, 'Job', body);
  }
}

async function jobPage(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const who = await pageSession(deps, req, reply);
  if (who === undefined) return;
  const query = queryOf(req.raw);
  await renderJob(deps, who, reply, query.get('id') ?? '', { done: query.get('done') ?? undefined });
}

async function jobJson(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const who = await jsonSession(deps, req, reply);
  if (who === undefined) return;
  try {
    const job = await calls(deps, who).describe(queryOf(req.raw).get('id') ?? '');
    const perms = await permissionsOf(deps.http.jobsService, who);
    const out: JobJson = {
      job,
      actions: jobActions(job.status, perms),
      reportKey: reportManifestKey(job),
      retry: canRetry(job, perms.createJob),
      rate: deps.http.rateHistory?.rates(job.jobId) ?? [],
    };
    sendJson(reply, 200, out);
  } catch (err) {
    const { status, message } = failureMessage(err);
    sendJson(reply, status, { error: message });
  }
}

async function updateStatus(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const posted = await postSession(deps, req, reply);
  if (posted === undefined) return;
  const { who, form } = posted;
  const jobId = form.get('id') ?? '';
  const requested = form.get('requested') ?? '';
  try {
    // Anything but the two requestable values goes to the API as is and is refused there (InvalidArgument).
    await calls(deps, who).updateStatus(jobId, requested as 'Ready' | 'Cancelled', form.get('reason') ?? '');
    redirect(reply, `${jobLink(jobId)}&done=${requested === 'Ready' ? 'confirmed' : 'cancelled'}`);
  } catch (err) {
    const { status, message } = failureMessage(err);
    await renderJob(deps, who, reply, jobId, { status, error: message });
  }
}

async function updatePriority(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const posted = await postSession(deps, req, reply);
  if (posted === undefined) return;
  const { who, form } = posted;
  const jobId = form.get('id') ?? '';
  try {
    await calls(deps, who).updatePriority(jobId, (form.get('priority') ?? '').trim());
    redirect(reply, `${jobLink(jobId)}&done=priority`);
  } catch (err) {
    const { status, message } = failureMessage(err);
    await renderJob(deps, who, reply, jobId, { status, error: message });
  }
}

async function report(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const who = await pageSession(deps, req, reply);
  if (who === undefined) return;
  const query = queryOf(req.raw);
  try {
    const job = await calls(deps, who).describe(query.get('id') ?? '');
    await streamReport(deps.http, who, job, query.get('key') ?? undefined, reply);
  } catch (err) {
    const { status, message } = failureMessage(err);
    userPage(
      reply,
      status,
      who,
      'Report',
      html`<h1>Report</h1>
        <p class="error" role="alert">${message}</p>`,
    );
  }
}

export function registerJobRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const get = (url: string, fn: typeof jobsPage): void => {
    app.get(
      url,
      guarded(deps, (req, reply) => fn(deps, req, reply)),
    );
  };
  get('/-/console/jobs', jobsPage);
  get('/-/console/jobs.json', jobsJson);
  get('/-/console/job', jobPage);
  get('/-/console/job.json', jobJson);
  get('/-/console/job/report', report);
  app.post(
    '/-/console/job/status',
    guarded(deps, (req, reply) => updateStatus(deps, req, reply)),
  );
  app.post(
    '/-/console/job/priority',
    guarded(deps, (req, reply) => updatePriority(deps, req, reply)),
  );
}
