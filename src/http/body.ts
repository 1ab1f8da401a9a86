import type { IncomingMessage } from 'node:http';
import { verifyContentMd5 } from '../protocol/content-md5.js';
import { OssError } from '../protocol/oss-error.js';
import { MAX_XML_BODY_BYTES } from '../protocol/xml.js';

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

/**
 * Unread bodies up to this size are read and discarded after an early error reply (Node does so for a
 * keep-alive connection), so a client still uploading sees the OSS error instead of EPIPE/ECONNRESET
 * (reviewed with an 8 MB PUT to a missing bucket). Beyond the cap the connection is closed instead:
 * reading gigabytes only to refuse them is worse. The body timeouts (body-deadline.ts) bound the time.
 */
export const DRAIN_CAP_BYTES = 64 * 1024 * 1024;

/** True when the rest of an unread body is too large to discard on a keep-alive connection. */
export function tooLargeToDrain(req: IncomingMessage): boolean {
  const declared = Number(req.headers['content-length'] ?? 'NaN');
  return Number.isFinite(declared) && declared > DRAIN_CAP_BYTES;
}
