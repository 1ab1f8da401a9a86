import { OssError } from '../../protocol/oss-error.js';
import type { ObjectAcl, StorageClass, Tag } from '../types.js';

/** MD5 of the empty body, the ETag of empty and seeded objects. */
export const EMPTY_MD5 = 'D41D8CD98F00B204E9800998ECF8427E';
/** OSS object names are 1–1023 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1023;

/** Everything a new object row needs. */
export interface NewObject {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  contentType: string;
  storageClass: StorageClass;
  acl: ObjectAcl;
  userMeta: Record<string, string>;
  httpHeaders: Record<string, string>;
  tags: readonly Tag[];
  file: string | null;
  forbidOverwrite?: boolean | undefined;
  /**
   * Runs inside the commit transaction, after the row is written; a throw rolls the commit back. A multipart
   * Complete removes its upload here, so the object appears in the same commit that ends the upload.
   */
  inCommit?: (() => void) | undefined;
}

export function checkKey(key: string): void {
  const bytes = Buffer.byteLength(key);
  if (bytes === 0 || bytes > MAX_KEY_BYTES) {
    throw new OssError(
      'InvalidObjectName',
      `The object name must be 1 to ${MAX_KEY_BYTES} bytes long, got ${bytes}.`,
    );
  }
}

/** Decodes a Content-MD5 header (base64 of 16 bytes) or throws InvalidDigest. */
export function decodeMd5(value: string): Buffer {
  const md5 = Buffer.from(value, 'base64');
  if (md5.length !== 16 || md5.toString('base64') !== value) {
    throw new OssError(
      'InvalidDigest',
      'The Content-MD5 you specified is not the base64 encoding of a 16-byte MD5.',
    );
  }
  return md5;
}

/** Runs synchronous SQLite work and turns a throw into a rejected promise (the port is async). */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
