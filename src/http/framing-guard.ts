import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { OssError } from '../protocol/oss-error.js';
import { nextRequestId } from './request-id.js';
import { errorResponse, writeResponse } from './response.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Marks a connection that must close after its current response: nothing behind it may run. */
const CLOSING = Symbol('ossbatch.closing');
type GuardedSocket = Socket & { [CLOSING]?: true };

function wantsClose(req: IncomingMessage): boolean {
  const c = req.headers.connection;
  return (
    typeof c === 'string' &&
    c
      .toLowerCase()
      .split(',')
      .some((t) => t.trim() === 'close')
  );
}

/**
 * Request framing the way OSS takes it. ali-oss sends a stream of known length with BOTH Content-Length and
 * `Transfer-Encoding: chunked`, which Node's strict parser refuses outright (HPE_INVALID_TRANSFER_ENCODING)
 * and OSS accepts. RFC 9112 §6.3: chunked framing wins, and the connection is closed after the response so
 * no request can be smuggled behind the ambiguous one (issue 9, wire fix 4). Accepting it needs Node's
 * lenient parser, whose other leniencies this guard takes back where they matter for smuggling:
 * - any Transfer-Encoding other than exactly `chunked`, and CR/LF/NUL inside a header value, are refused
 *   (400) and the connection closed;
 * - a request that arrives behind one whose connection must close (CL+TE, `Connection: close`, a refused
 *   framing) is never run and never answered: the socket closes after the first response.
 */
export function guardFraming(next: RequestListener): RequestListener {
  return (req, res) => {
    const socket = req.socket as GuardedSocket;
    if (socket[CLOSING]) {
      req.resume();
      return;
    }
    const te = req.headers['transfer-encoding'];
    if (te !== undefined && te.trim().toLowerCase() !== 'chunked')
      return refuse(req, res, 'Only Transfer-Encoding: chunked is supported.');
    if (req.rawHeaders.some((v) => CONTROL.test(v)))
      return refuse(req, res, 'A header contains a control character.');
    if (te !== undefined && req.headers['content-length'] !== undefined) {
      // Chunked wins: the body reader must not wait for (or compare against) the declared length.
      delete req.headers['content-length'];
      socket[CLOSING] = true;
    }
    if (wantsClose(req)) socket[CLOSING] = true;
    if (socket[CLOSING]) res.shouldKeepAlive = false;
    next(req, res);
  };
}

// The lenient parser lets CR, LF and NUL through in header values; the strict one never did.
const CONTROL = /[\r\n\0]/;

/** A framing the strict parser would have refused: 400 InvalidRequest, and the connection closes. */
function refuse(req: IncomingMessage, res: ServerResponse, message: string): void {
  (req.socket as GuardedSocket)[CLOSING] = true;
  res.shouldKeepAlive = false;
  const resp = errorResponse(
    new OssError('InvalidRequest', message),
    nextRequestId(),
    '',
    req.method ?? 'GET',
  );
  writeResponse(res, resp, { Server: 'AliyunOSS', Connection: 'close' }, req.method === 'HEAD');
}

/** The HTTP/1.1 server fastify runs on (its `serverFactory`), with the framing guard in front. */
export function createOssHttpServer(handler: RequestListener): http.Server {
  // Fastify's defaults for its own servers (keep-alive 72 s, no request or connection timeout).
  const server = http.createServer({ insecureHTTPParser: true }, guardFraming(handler));
  server.keepAliveTimeout = 72_000;
  server.requestTimeout = 0;
  server.setTimeout(0);
  return server;
}
