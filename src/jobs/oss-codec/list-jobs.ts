import { invalidArgument } from '../../protocol/oss-error.js';
import { JOB_STATUSES, type JobStatus } from '../model.js';
import { listJobsResultXml } from '../job-xml.js';
import { decodeListToken, encodeListToken } from '../list-token.js';
import type { Clock } from '../../protocol/clock.js';
import { MAX_MAX_KEYS, type JobsService } from '../service/index.js';
import { jobHandler } from './common.js';
import type { JobApiHandler } from './types.js';

/** Spec §4 / §15. */
export const DEFAULT_MAX_KEYS = 100;
export { MAX_MAX_KEYS };

/** ListJobs (spec §4) on the wire: query → filter and page, NextToken is the opaque keyset cursor. */
export function listJobsHandler(service: JobsService, clock: Clock): JobApiHandler {
  return jobHandler(service, 'oss:ListJobs', async (req, who) => {
    const statuses = parseStatuses(req.query.get('batchJobStatuses'));
    const maxKeys = parseMaxKeys(req.query.get('max-keys'));
    const token = req.query.get('continuation-token');
    // An empty token is treated as absent: some clients send the parameter blank on the first page.
    const after = token === undefined || token === '' ? undefined : decodeListToken(token);
    const page = await service.listJobs(who, { statuses, maxKeys, after });
    const next = page.next ? encodeListToken(page.next) : undefined;
    return listJobsResultXml(page.jobs, next, clock.now());
  });
}

/** `Active | Cancelled` or `Active|Complete`: split on `|`, trim, case-sensitive (spec §4 [INF]). */
export function parseStatuses(raw: string | undefined): JobStatus[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const out: JobStatus[] = [];
  for (const part of raw.split('|')) {
    const name = part.trim();
    if (!(JOB_STATUSES as readonly string[]).includes(name)) {
      throw invalidArgument(
        `The batchJobStatuses value ${JSON.stringify(name)} is not a job status; use ${JOB_STATUSES.join(', ')}, separated by |.`,
      );
    }
    if (!out.includes(name as JobStatus)) out.push(name as JobStatus);
  }
  return out;
}

export function parseMaxKeys(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_KEYS;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_MAX_KEYS)) {
    throw invalidArgument(
      `The max-keys value ${JSON.stringify(raw.slice(0, 32))} is invalid; it must be an integer from 1 to ${MAX_MAX_KEYS}.`,
    );
  }
  return n;
}
