import { OssError } from '../../protocol/oss-error.js';
import { checkJobId } from '../service/index.js';
import type { AuthorizedCaller, JobAction, JobsService } from '../service/index.js';
import type { JobApiHandler, JobApiRequest } from './types.js';

export type { JobAction } from '../service/index.js';

/** The batchJobId query parameter (MissingArgument when absent or empty, InvalidArgument when malformed). */
export function requireJobId(query: ReadonlyMap<string, string>): string {
  const id = query.get('batchJobId');
  if (id === undefined || id === '')
    throw new OssError('MissingArgument', 'The batchJobId parameter is required.');
  return checkJobId(id);
}

/**
 * One wire operation: authorise the caller first (a caller without the permission learns nothing from
 * validation errors), then decode the request, call the service, encode the reply. Any throw rejects.
 */
export const jobHandler =
  (
    service: JobsService,
    action: JobAction,
    run: (req: JobApiRequest, who: AuthorizedCaller) => Promise<string>,
  ): JobApiHandler =>
  async (req) =>
    run(req, await service.authorize(req, action));
