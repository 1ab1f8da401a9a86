import type { Config } from '../../config.js';
import { StoreUnavailableError } from './store-unavailable.js';

/** Where a remote store is and how to sign in to it (from `--store` and the OSSBATCH_STORE_* variables). */
export interface RemoteEndpoint {
  readonly kind: 's3' | 'oss';
  /** `http(s)://host[:port]` */
  readonly url: string;
  readonly host: string;
  readonly secure: boolean;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly region: string | undefined;
  /** Keep-alive sockets per process (see remoteEndpoint). */
  readonly maxSockets: number;
}

export type StoreLocation =
  { readonly kind: 'builtin' } | { readonly kind: 's3' | 'oss'; readonly url: string };

/**
 * Parses `builtin`, `s3+http(s)://host[:port]` or `oss+http(s)://host[:port]`; returns an error line for
 * anything else (a path, credentials in the URL, a query: credentials come from the environment only).
 */
export function parseStoreUrl(text: string): StoreLocation | string {
  if (text === 'builtin') return { kind: 'builtin' };
  const m = /^(s3|oss)\+(https?):\/\/(.+)$/.exec(text);
  if (m === null) {
    return `"${text}" is not builtin, s3+http(s)://host[:port] or oss+http(s)://host[:port]`;
  }
  const kind = m[1] as 's3' | 'oss';
  let u: URL;
  try {
    u = new URL(`${m[2] ?? 'http'}://${m[3] ?? ''}`);
  } catch {
    return `"${text}" has no valid host`;
  }
  if (u.username !== '' || u.password !== '') {
    return 'put the store credentials in OSSBATCH_STORE_ACCESS_KEY_ID / OSSBATCH_STORE_ACCESS_KEY_SECRET, not in the URL';
  }
  if ((u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '') {
    return `"${text}" must name only a scheme, host and port (no path or query)`;
  }
  if (u.protocol === 'http:' && u.port === '') return `"${text}" needs a port (s3+http://host:port)`;
  return { kind, url: `${u.protocol}//${u.host}` };
}

/** The endpoint a Config names; undefined for the built-in store. */
export function remoteEndpoint(config: Config): RemoteEndpoint | undefined {
  const loc = parseStoreUrl(config.store);
  if (typeof loc === 'string') throw new StoreUnavailableError(`invalid store: ${loc}`);
  if (loc.kind === 'builtin') return undefined;
  const url = new URL(loc.url);
  return {
    kind: loc.kind,
    url: loc.url,
    host: url.hostname,
    secure: url.protocol === 'https:',
    accessKeyId: config.storeAccessKeyId ?? '',
    accessKeySecret: config.storeAccessKeySecret ?? '',
    region: config.storeRegion,
    // Twice the limiter's bound: a read gives its slot back when the headers arrive but keeps its socket
    // while the body streams, and calls must never queue for a socket behind the limiter.
    maxSockets: config.storeConcurrency * 2,
  };
}
