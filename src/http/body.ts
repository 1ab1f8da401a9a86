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

/**
 * Unread bodies up to this size are read and discarded before an early error reply (lingering close):
 * answering while the client is still uploading and then closing makes it see EPIPE/ECONNRESET instead of
 * the OSS error (reviewed with an 8 MB PUT to a missing bucket). Beyond the cap, or after DRAIN_TIMEOUT_MS,
 * the connection is closed instead: reading gigabytes only to refuse them is worse.
 */
export const DRAIN_CAP_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

/** Discards the rest of the request body; resolves true when it was fully read (the connection is reusable). */
export function drainBody(req: IncomingMessage): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  const declared = Number(req.headers['content-length'] ?? 'NaN');
  if (Number.isFinite(declared) && declared > DRAIN_CAP_BYTES) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onClose);
      if (!ok) req.pause();
      resolve(ok);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > DRAIN_CAP_BYTES) done(false);
    };
    const onEnd = (): void => done(true);
    const onFail = (): void => done(false);
    const onClose = (): void => done(req.readableEnded);
    const timer = setTimeout(() => done(false), DRAIN_TIMEOUT_MS);
    req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onClose);
    req.resume();
  });
}
