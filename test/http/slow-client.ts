/**
 * A client on a raw socket that sends the request head at once and the body when told to: for tests of
 * what the server answers before, while and after a body arrives (early 403, body timeouts).
 */
import net from 'node:net';
import { requestPath, signV1, signV4 } from '../../src/protocol/sign-client.js';

export interface SlowRequest {
  method: string;
  bucket?: string;
  key?: string;
  subresources?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A literal request target instead of one built from bucket/key/sub-resources. */
  path?: string;
  /** Declared Content-Length (the body is written later, or never). */
  contentLength: number;
  /** Sign as this key (V1 unless v4); unsigned (anonymous) when absent. */
  sign?: { accessKeyId: string; secret: string; v4?: boolean };
}

export interface SlowClient {
  /** Everything received so far (latin-1). */
  readonly received: () => string;
  write(data: Buffer | string): void;
  /** Resolves with what was received once `text` appears (rejects after `ms`). */
  until(text: string, ms?: number): Promise<string>;
  /** Resolves once the server closed the connection. */
  closed(ms?: number): Promise<void>;
  readonly destroyed: () => boolean;
  destroy(): void;
}

export async function openSlowRequest(port: number, r: SlowRequest): Promise<SlowClient> {
  let headers: Record<string, string> = { ...(r.headers ?? {}), 'content-length': String(r.contentLength) };
  if (r.sign) {
    const sign = r.sign.v4 ? signV4 : signV1;
    headers = sign({
      method: r.method,
      bucket: r.bucket,
      key: r.key,
      ...(r.query ? { query: r.query } : {}),
      ...(r.subresources ? { subresources: r.subresources } : {}),
      headers,
      accessKeyId: r.sign.accessKeyId,
      secret: r.sign.secret,
      region: 'cn-hangzhou',
      date: new Date(),
    });
  }
  const path =
    r.path ?? requestPath({ bucket: r.bucket, key: r.key, query: r.query, subresources: r.subresources });
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let isClosed = false;
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (isClosed = true));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`${r.method} ${path} HTTP/1.1\r\nHost: localhost\r\n${head}\r\n`);
  const waitFor = async (done: () => boolean, ms: number, what: string): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got: ${received}`);
      await new Promise((res) => setTimeout(res, 10));
    }
  };
  return {
    received: () => received,
    write: (data) => {
      if (!socket.destroyed) socket.write(data);
    },
    async until(text, ms = 5000) {
      await waitFor(() => received.includes(text), ms, JSON.stringify(text));
      return received;
    },
    closed: (ms = 5000) => waitFor(() => isClosed, ms, 'the connection to close'),
    destroyed: () => isClosed,
    destroy: () => socket.destroy(),
  };
}
