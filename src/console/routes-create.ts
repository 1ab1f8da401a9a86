import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createChoices } from './create-choices.js';
import { createJobBody, formValues } from './create-form.js';
import { failureMessage, guarded, pageSession, postSession, userPage, type ConsoleDeps } from './guard.js';
import { redirect } from './http-util.js';
import { ConsoleJobs } from './jobs-calls.js';
import { createPageBody } from './page-create.js';
import { jobLink } from './page-jobs.js';
import { randomToken } from './sessions.js';

/** A fresh idempotency token per rendering (CreateJob accepts up to 64 characters, spec §2.1). */
const newRequestToken = (): string => randomToken().slice(0, 32);

async function createForm(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const who = await pageSession(deps, req, reply);
  if (who === undefined) return;
  const body = createPageBody({
    csrfToken: who.session.csrfToken,
    clientRequestToken: newRequestToken(),
    choices: await createChoices(deps.http, who),
  });
  userPage(reply, 200, who, 'Create job', body);
}

/**
 * Builds the CreateJob XML from the form and calls CreateJob as the signed-in principal; its OssError
 * (AccessDenied, InvalidArgument naming the field, …) is shown above the re-filled form.
 */
async function createJob(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const posted = await postSession(deps, req, reply);
  if (posted === undefined) return;
  const { who, form } = posted;
  const values = formValues(form);
  try {
    const jobId = await new ConsoleJobs(deps.http.jobsService, deps.http.clock, who).create(
      createJobBody(values),
    );
    redirect(reply, `${jobLink(jobId)}&done=created`);
  } catch (err) {
    const { status, message } = failureMessage(err);
    const body = createPageBody({
      values,
      csrfToken: who.session.csrfToken,
      clientRequestToken: newRequestToken(),
      choices: await createChoices(deps.http, who),
      error: message,
    });
    userPage(reply, status, who, 'Create job', body);
  }
}

export function registerCreateRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get(
    '/-/console/new',
    guarded(deps, (req, reply) => createForm(deps, req, reply)),
  );
  app.post(
    '/-/console/new',
    guarded(deps, (req, reply) => createJob(deps, req, reply)),
  );
}
