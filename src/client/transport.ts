import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { requestPath, signV1, signV4 } from '../protocol/sign-client.js';
import { errorFromNetwork, errorFromResponse } from './errors.js';
import { backoffDelay, isRetryableError, isRetryableStatus, type RetryPolicy } from './retry.js';

export type SignVersion = 'v1' | 'v4';

export interface TransportConfig {
  readonly endpoint: URL;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  /** Region id without `oss-` (V4 scope). */
  readonly region: string;
  readonly signVersion: SignVersion;
  /** `path`: `/bucket/key` on the endpoint host; `virtual`: `Host: bucket.<endpoint host>`, path `/key`. */
  readonly addressing: 'path' | 'virtual';
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly agent: http.Agent;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Everything that describes one OSS request; the body is re-created per attempt (a stream factory retries). */
export interface OssRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  /** Sent on the wire; signed in V4 only. */
  readonly query?: Readonly<Record<string, string>> | undefined;
  /** Sub-resources: signed in V1 and V4 (`batchJob`, `continuation-token`, …). */
  readonly subresources?: Readonly<Record<string, string>> | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: Buffer | (() => Readable) | undefined;
  /** Required with a stream body. */
  readonly contentLength?: number | undefined;
}

export interface OssResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly requestId: string;
}

export interface OssStreamResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly stream: http.IncomingMessage;
  readonly requestId: string;
}

const firstHeader = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Signs and sends requests over a keep-alive agent; retries on throttling, 5xx and reset sockets. */
export class Transport {
  constructor(readonly config: TransportConfig) {}

  async send(req: OssRequest): Promise<OssResponse> {
    const res = await this.sendStream(req);
    const body = await readAll(res.stream);
    return { status: res.status, headers: res.headers, body, requestId: res.requestId };
  }

  /** The reply's body stream once a 2xx status arrived; retries happen only before that point. */
  async sendStream(req: OssRequest): Promise<OssStreamResponse> {
    const { retry } = this.config;
    for (let attempt = 0; ; attempt++) {
      let res: http.IncomingMessage;
      try {
        res = await this.once(req);
      } catch (err) {
        if (attempt < retry.maxRetries && isRetryableError(err)) {
          await this.config.sleep(backoffDelay(retry, attempt));
          continue;
        }
        throw errorFromNetwork(err);
      }
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        return {
          status,
          headers: res.headers,
          stream: res,
          requestId: firstHeader(res.headers['x-oss-request-id']),
        };
      }
      const error = errorFromResponse(status, res.headers, await readAll(res).catch(() => Buffer.alloc(0)));
      if (attempt < retry.maxRetries && isRetryableStatus(status)) {
        await this.config.sleep(backoffDelay(retry, attempt));
        continue;
      }
      throw error;
    }
  }

  private signedHeaders(req: OssRequest, bodyLength: number | undefined): Record<string, string> {
    const c = this.config;
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (c.securityToken !== undefined) headers['x-oss-security-token'] = c.securityToken;
    const sign = c.signVersion === 'v1' ? signV1 : signV4;
    const signed = sign({
      method: req.method,
      bucket: req.bucket,
      key: req.key,
      query: req.query ?? {},
      subresources: req.subresources ?? {},
      headers,
      accessKeyId: c.accessKeyId,
      secret: c.accessKeySecret,
      region: c.region,
      date: new Date(c.now()),
    });
    const host =
      c.addressing === 'virtual' && req.bucket !== undefined
        ? `${req.bucket}.${c.endpoint.host}`
        : c.endpoint.host;
    signed['host'] = host;
    if (bodyLength !== undefined) signed['content-length'] = String(bodyLength);
    return signed;
  }

  private once(req: OssRequest): Promise<http.IncomingMessage> {
    const c = this.config;
    const body = req.body;
    const length = Buffer.isBuffer(body)
      ? body.length
      : body === undefined
        ? req.method === 'GET' || req.method === 'HEAD'
          ? undefined
          : 0
        : req.contentLength;
    const headers = this.signedHeaders(req, length);
    const bucketInPath = c.addressing === 'path' ? req.bucket : undefined;
    const path = requestPath({
      bucket: bucketInPath,
      key: req.key,
      query: req.query ?? {},
      subresources: req.subresources ?? {},
    });
    const lib = c.endpoint.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const r = lib.request({
        protocol: c.endpoint.protocol,
        hostname: c.endpoint.hostname,
        port: c.endpoint.port,
        method: req.method,
        path,
        headers,
        agent: c.agent,
      });
      r.setTimeout(c.timeoutMs, () =>
        r.destroy(Object.assign(new Error(`no reply within ${c.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      r.on('response', resolve);
      r.on('error', reject);
      if (body === undefined) r.end();
      else if (Buffer.isBuffer(body)) r.end(body);
      else {
        const stream = body();
        stream.on('error', (e) => r.destroy(e));
        stream.pipe(r);
      }
    });
  }
}
