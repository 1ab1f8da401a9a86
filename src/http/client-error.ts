import http from 'node:http';
import type { Socket } from 'node:net';
import { OssError } from '../protocol/oss-error.js';
import { nextRequestId } from './request-id.js';
import { errorResponse } from './response.js';

/**
 * Requests node's HTTP parser rejects before any handler runs (malformed request line, header overflow,
 * header timeout) still get an OSS error body instead of fastify's JSON, then the connection closes.
 */
export function ossClientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  let oss: OssError;
  if (err.code === 'HPE_HEADER_OVERFLOW') oss = new OssError('RequestHeaderTooLarge');
  else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    oss = new OssError('InvalidRequest', 'The request was not received in time.', { status: 408 });
  else oss = new OssError('InvalidRequest', 'The HTTP request is malformed.');
  const requestId = nextRequestId();
  const { body } = errorResponse(oss, requestId, '', 'GET');
  if (typeof body !== 'string') return void socket.destroy();
  const head = [
    `HTTP/1.1 ${oss.status} ${http.STATUS_CODES[oss.status] ?? 'Error'}`,
    'Server: AliyunOSS',
    `x-oss-request-id: ${requestId}`,
    `x-oss-ec: ${oss.ec}`,
    'Content-Type: application/xml',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
