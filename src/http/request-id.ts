import { randomFillSync } from 'node:crypto';

/**
 * x-oss-request-id values (24 upper-case hex, like protocol/ids.ts newRequestId) drawn from a 4 KiB random
 * pool: one randomFillSync per ~340 requests instead of one per request (it showed up at ~2% of server CPU
 * in bench/api.ts profiles).
 */
const POOL_BYTES = 4096;
const ID_BYTES = 12;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function nextRequestId(): string {
  if (offset + ID_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES).toUpperCase();
  offset += ID_BYTES;
  return id;
}
