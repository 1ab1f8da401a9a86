import type { IncomingMessage } from 'node:http';
import { verifyContentMd5 } from '../protocol/content-md5.js';
import { OssError } from '../protocol/oss-error.js';
import { MAX_XML_BODY_BYTES } from '../protocol/xml.js';

/** True when the request announced a body (Content-Length > 0 or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * Reads a small request body (XML or policy JSON) into memory: at most 1 MiB (EntityTooLarge beyond; the
 * largest legitimate body, a bucket policy, is a few KB), then checks Content-MD5 when sent (spec §1).
 */
export async function readSmallBody(req: IncomingMessage, limit = MAX_XML_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new OssError('EntityTooLarge', `The request body exceeds ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new OssError('EntityTooLarge', `The request body exceeds ${limit} bytes.`);
    chunks.push(chunk);
  }
  if (Number.isFinite(declared) && declared > 0 && total < declared) throw new OssError('IncompleteBody');
  const body = Buffer.concat(chunks, total);
  const md5 = req.headers['content-md5'];
  if (typeof md5 === 'string') verifyContentMd5(md5, body);
  return body;
}
