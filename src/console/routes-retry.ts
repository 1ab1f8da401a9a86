import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { guarded, failureMessage, postSession, type ConsoleDeps } from './guard.js';
import { redirect } from './http-util.js';
import { jobLink } from './page-jobs.js';
import { renderJob } from './routes-jobs.js';

/** POST /-/console/job/retry: the RetryJob extension as the signed-in principal (see retry-form.ts). */
async function retry(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const posted = await postSession(deps, req, reply);
  if (posted === undefined) return;
  const { who, form } = posted;
  const jobId = form.get('id') ?? '';
  try {
    const run = deps.http.retryJob;
    if (run === undefined) throw new Error('Retry is not enabled on this server.');
    const outcome = await run({ principal: who.principal, context: who.context }, jobId);
    redirect(reply, `${jobLink(outcome.jobId)}&done=retried`);
  } catch (err) {
    const { status, message } = failureMessage(err);
    await renderJob(deps, who, reply, jobId, { status, error: message });
  }
}

export function registerRetryRoute(app: FastifyInstance, deps: ConsoleDeps): void {
  app.post(
    '/-/console/job/retry',
    guarded(deps, (req, reply) => retry(deps, req, reply)),
  );
}
