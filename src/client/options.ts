import * as http from 'node:http';
import * as https from 'node:https';
import { DEFAULT_RETRY } from './retry.js';
import type { SignVersion, TransportConfig } from './transport.js';

export interface OssBatchClientOptions {
  /** `http://127.0.0.1:9600`, `https://oss-cn-hangzhou.aliyuncs.com`; a bare host means http. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  /** `cn-hangzhou` or `oss-cn-hangzhou`; default: taken from an `oss-<region>.aliyuncs.com` endpoint, else cn-hangzhou. */
  readonly region?: string | undefined;
  /** Default v4 (what every current SDK sends); v1 for old servers. */
  readonly signVersion?: SignVersion | undefined;
  /** Default `path` (`/bucket/key`, what a self-hosted server on localhost needs). */
  readonly addressing?: 'path' | 'virtual' | undefined;
  /** Retries after the first attempt on 429/5xx/reset sockets (default 3). */
  readonly maxRetries?: number | undefined;
  /** First backoff ceiling in ms (default 100; doubles per attempt, full jitter). */
  readonly retryBaseDelayMs?: number | undefined;
  /** Socket inactivity timeout per attempt (default 60 000 ms, like ali-oss). */
  readonly timeoutMs?: number | undefined;
  /** Keep-alive sockets per host (default 64). */
  readonly maxSockets?: number | undefined;
  readonly agent?: http.Agent | undefined;
  /** Injected clock (signing date) and sleep (backoff) for tests. */
  readonly now?: (() => number) | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** `oss-cn-hangzhou.aliyuncs.com`, `oss-cn-hangzhou-internal.aliyuncs.com`, `bucket.oss-…` → `cn-hangzhou`. */
export function regionFromEndpoint(hostname: string): string | undefined {
  const m = /(?:^|\.)oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/.exec(hostname);
  return m?.[1];
}

export function parseEndpoint(endpoint: string): URL {
  const withScheme = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`endpoint ${endpoint}: only http and https are supported`);
  return url;
}

export function transportConfig(o: OssBatchClientOptions): TransportConfig {
  if (!o.accessKeyId || !o.accessKeySecret) throw new Error('an access key id and secret are required');
  const endpoint = parseEndpoint(o.endpoint);
  const region = (o.region ?? regionFromEndpoint(endpoint.hostname) ?? 'cn-hangzhou').replace(/^oss-/, '');
  const maxSockets = o.maxSockets ?? 64;
  const agent =
    o.agent ??
    (endpoint.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets })
      : new http.Agent({ keepAlive: true, maxSockets }));
  return {
    endpoint,
    accessKeyId: o.accessKeyId,
    accessKeySecret: o.accessKeySecret,
    securityToken: o.securityToken,
    region,
    signVersion: o.signVersion ?? 'v4',
    addressing: o.addressing ?? 'path',
    retry: {
      ...DEFAULT_RETRY,
      maxRetries: o.maxRetries ?? DEFAULT_RETRY.maxRetries,
      baseDelayMs: o.retryBaseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    },
    timeoutMs: o.timeoutMs ?? 60_000,
    agent,
    now: o.now ?? (() => Date.now()),
    sleep: o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}
