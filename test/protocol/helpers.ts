import type { AccessKeyRecord } from '../../src/iam/types.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { isOssError, type OssError } from '../../src/protocol/oss-error.js';
import { authenticateSync, type SyncAuthDeps } from '../../src/protocol/authenticate.js';
import { parseRequestTarget } from '../../src/protocol/request-target.js';

export const BASE_DOMAINS = ['localhost', 'oss-cn-hangzhou.aliyuncs.com'] as const;

export function keyRecord(accessKeyId: string, secret: string, active = true): AccessKeyRecord {
  return {
    accessKeyId,
    secret,
    active,
    principal: { kind: 'root', accountId: '1234567890', accessKeyId },
  };
}

export function deps(
  nowMs: number,
  keys: AccessKeyRecord[] = [keyRecord('ak', 'sk')],
  region = 'cn-hangzhou',
): SyncAuthDeps {
  const byId = new Map(keys.map((k) => [k.accessKeyId, k]));
  return { lookupKey: (id) => byId.get(id), clock: new ManualClock(nowMs), region };
}

export interface RawRequest {
  method: string;
  url: string;
  host?: string;
  headers: Record<string, string | undefined>;
}

/** Lower-cases header names the way node does, then parses and authenticates. */
export function auth(req: RawRequest, d: SyncAuthDeps) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = v;
  const target = parseRequestTarget({
    rawUrl: req.url,
    host: req.host ?? 'localhost',
    baseDomains: BASE_DOMAINS,
  });
  return authenticateSync({ method: req.method, target, headers }, d);
}

export function catchOss(fn: () => unknown): OssError {
  try {
    fn();
  } catch (e) {
    if (isOssError(e)) return e;
    throw e;
  }
  throw new Error('expected an OssError');
}
