import type { JobsApiCall, OpContext } from '../context.js';
import { xmlResponse, type OssResponse } from '../response.js';

/**
 * The five batch APIs (spec §1): the jobs layer validates, authorises the caller (spec §8.2) and renders
 * the XML; the HTTP layer only hands over the principal, query, body (Content-MD5 checked) and context.
 */
async function call(
  ctx: OpContext,
  pick: (api: OpContext['deps']['jobs']) => JobsApiCall,
): Promise<OssResponse> {
  const body = await ctx.readBody();
  const xml = await pick(ctx.deps.jobs)({
    principal: ctx.principal,
    query: ctx.target.query,
    body,
    context: ctx.authContext,
  });
  return xmlResponse(xml);
}

/** A caller who may not create jobs is refused (403) before its body is read (issue 12). */
export const createJob = async (ctx: OpContext): Promise<OssResponse> => {
  await ctx.deps.jobsService.authorize(
    { principal: ctx.principal, context: ctx.authContext },
    'oss:CreateJob',
  );
  return call(ctx, (api) => api.createJob);
};
export const describeJob = (ctx: OpContext): Promise<OssResponse> => call(ctx, (api) => api.describeJob);
export const listJobs = (ctx: OpContext): Promise<OssResponse> => call(ctx, (api) => api.listJobs);
export const updateJobPriority = (ctx: OpContext): Promise<OssResponse> =>
  call(ctx, (api) => api.updateJobPriority);
export const updateJobStatus = (ctx: OpContext): Promise<OssResponse> =>
  call(ctx, (api) => api.updateJobStatus);
