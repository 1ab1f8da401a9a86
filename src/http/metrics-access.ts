import type { IncomingMessage } from 'node:http';
import { constantTimeEqual } from '../protocol/auth-common.js';

/**
 * Who may read GET /-/metrics (issue 12: it was served to anyone). Metrics name operations, job counts and
 * error rates, so a server bound beyond localhost must not hand them out: without `--metrics-token` only
 * loopback callers get them (the server's own host, a local Prometheus or sidecar); with a token every
 * caller must present `Authorization: Bearer <token>` (Prometheus `authorization`/`bearer_token` config).
 */
export type MetricsAccess = 'allow' | 'unauthorized' | 'forbidden';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export function metricsAccess(req: IncomingMessage, token: string | undefined): MetricsAccess {
  if (token === undefined) return LOOPBACK.test(req.socket.remoteAddress ?? '') ? 'allow' : 'forbidden';
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  return m?.[1] !== undefined && constantTimeEqual(m[1], token) ? 'allow' : 'unauthorized';
}
