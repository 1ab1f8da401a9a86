export { createJobsService, checkJobId, checkPriority, checkReason, noSuchJob } from './jobs-service.js';
export { MAX_MAX_KEYS, MAX_REASON_CHARS } from './jobs-service.js';
export type {
  AuthorizedCaller,
  JobAction,
  JobCaller,
  JobsService,
  JobsServiceDeps,
  ListJobsInput,
  ListJobsResult,
} from './types.js';
