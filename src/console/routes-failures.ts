import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failedCsvKey, summariseFailures } from './failures.js';
import { failureMessage, guarded, pageSession, userPage, type ConsoleDeps } from './guard.js';
import { html } from './html.js';
import { queryOf } from './http-util.js';
import { ConsoleJobs } from './jobs-calls.js';
import { failuresPageBody } from './page-failures.js';
import { streamReport } from './report.js';

type Handler = (deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** GET /-/console/job/failures?id=: counts by error code and the first failed keys, from the report. */
const failuresPage: Handler = async (deps, req, reply) => {
  const who = await pageSession(deps, req, reply);
  if (who === undefined) return;
  try {
    const job = await new ConsoleJobs(deps.http.jobsService, deps.http.clock, who).describe(
      queryOf(req.raw).get('id') ?? '',
    );
    const summary = await summariseFailures(deps.http, who, job);
    userPage(reply, 200, who, `Failed tasks of ${job.jobId}`, failuresPageBody(job, summary));
  } catch (err) {
    const { status, message } = failureMessage(err);
    userPage(
      reply,
      status,
      who,
      'Failed tasks',
      html`<h1>Failed tasks</h1>
        <p class="error" role="alert">${message}</p>`,
    );
  }
};

/** GET /-/console/job/failures.csv?id=: the report's failed-tasks CSV as a download, read as the principal. */
const failuresCsv: Handler = async (deps, req, reply) => {
  const who = await pageSession(deps, req, reply);
  if (who === undefined) return;
  try {
    const job = await new ConsoleJobs(deps.http.jobsService, deps.http.clock, who).describe(
      queryOf(req.raw).get('id') ?? '',
    );
    await streamReport(deps.http, who, job, failedCsvKey(job), reply, 'attachment');
  } catch (err) {
    const { status, message } = failureMessage(err);
    userPage(
      reply,
      status,
      who,
      'Failed tasks',
      html`<h1>Failed tasks</h1>
        <p class="error" role="alert">${message}</p>`,
    );
  }
};

export function registerFailureRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  for (const [url, fn] of [
    ['/-/console/job/failures', failuresPage],
    ['/-/console/job/failures.csv', failuresCsv],
  ] as const) {
    app.get(
      url,
      guarded(deps, (req, reply) => fn(deps, req, reply)),
    );
  }
}
