import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { OssError } from '../protocol/oss-error.js';
import { toXml } from '../protocol/xml.js';

/** What a handler answers; the dispatcher writes it to the socket (no framework serialisation on the hot path). */
export interface OssResponse {
  status: number;
  headers?: Record<string, string | number>;
  body?: string | Buffer | Readable;
}

export const XML_TYPE = 'application/xml';

export function xmlResponse(
  xml: string,
  status = 200,
  headers: Record<string, string | number> = {},
): OssResponse {
  return { status, headers: { 'Content-Type': XML_TYPE, ...headers }, body: xml };
}

export const emptyResponse = (
  status: number,
  headers: Record<string, string | number> = {},
): OssResponse => ({
  status,
  headers,
});

/** The `<Error>` body (spec §9.3): Code, Message, RequestId, HostId, EC, then the error's details. */
export function errorXml(err: OssError, requestId: string, hostId: string): string {
  return toXml('Error', {
    Code: err.code,
    Message: err.message,
    RequestId: requestId,
    HostId: hostId,
    ...err.details,
    EC: err.ec,
    RecommendDoc: `https://api.aliyun.com/troubleshoot?q=${err.ec}`,
  });
}

/** HEAD errors carry no body; the XML travels base64-encoded in `x-oss-err` (real-clients §1.3). */
export function errorResponse(err: OssError, requestId: string, hostId: string, method: string): OssResponse {
  const xml = errorXml(err, requestId, hostId);
  const headers: Record<string, string | number> = Object.assign({}, err.headers);
  headers['Content-Type'] = XML_TYPE;
  headers['x-oss-ec'] = err.ec;
  if (method === 'HEAD') {
    headers['x-oss-err'] = Buffer.from(xml, 'utf8').toString('base64');
    headers['Content-Length'] = 0;
    return { status: err.status, headers };
  }
  return { status: err.status, headers, body: xml };
}

/** Control characters other than tab; a header value must not carry them (CR/LF would split headers). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

/** Header values must be latin-1 without control characters: send UTF-8 bytes, blank out controls. */
function sanitize(headers: Record<string, string | number>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = typeof v === 'number' ? v : Buffer.from(v.replace(CONTROL, ' '), 'utf8').toString('latin1');
  }
  return out;
}

/**
 * Writes the status line and headers. Values normally come from request headers (already latin-1), but a
 * `response-*` override decoded from the query may hold any character: retry with sanitised values then.
 */
function writeHead(res: ServerResponse, status: number, headers: Record<string, string | number>): void {
  try {
    res.writeHead(status, headers);
  } catch {
    res.writeHead(status, sanitize(headers));
  }
}

/**
 * Writes a response. Strings/Buffers get an exact Content-Length; streams are piped (errors mid-stream can
 * only abort the socket). `done` runs once the response finished or the socket died.
 */
export function writeResponse(
  res: ServerResponse,
  resp: OssResponse,
  base: Record<string, string>,
  headOnly: boolean,
): void {
  if (res.headersSent || res.destroyed) {
    if (resp.body && typeof resp.body === 'object' && 'destroy' in resp.body) resp.body.destroy();
    return;
  }
  // Object.assign, not `{ ...base, ...resp.headers }`: V8 (Node 20) builds the second spread through a slow
  // runtime path, 8.8 µs per response against 0.1 µs (docs/performance.md, issue 10).
  const headers: Record<string, string | number> = Object.assign({}, base, resp.headers);
  const body = resp.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    headers['Content-Length'] = buf.length;
    writeHead(res, resp.status, headers);
    res.end(headOnly ? undefined : buf);
    return;
  }
  if (body === undefined) {
    if (headers['Content-Length'] === undefined && resp.status !== 204 && resp.status !== 304)
      headers['Content-Length'] = 0;
    writeHead(res, resp.status, headers);
    res.end();
    return;
  }
  writeHead(res, resp.status, headers);
  if (headOnly) {
    body.destroy();
    res.end();
    return;
  }
  pipeline(body, res, () => {
    // Failures mid-stream (client gone, file error) can only end the socket; the pipeline destroyed both.
  });
}

/**
 * The last resort for a request whose answer could not be produced or written: a bare 500 when nothing was
 * sent yet, else the connection closes (a half-sent response cannot be followed by another). Never throws:
 * Node may refuse writeHead too (a half-written head), and a throw here would escape the request.
 */
export function answerInternalFailure(res: ServerResponse): void {
  try {
    if (!res.headersSent) res.writeHead(500, { Server: 'AliyunOSS', 'Content-Length': 0 }).end();
    else res.destroy();
  } catch {
    res.destroy();
  }
}
