import type { ObjectMeta } from './types.js';

/**
 * `x-oss-object-type` / `<Type>`: a multipart object's ETag is `<md5 of part md5s>-<part count>` (the only
 * ETags with a `-`), so the type is read from the ETag and no column is needed.
 */
export const objectType = (meta: Pick<ObjectMeta, 'etag'>): 'Normal' | 'Multipart' =>
  meta.etag.includes('-') ? 'Multipart' : 'Normal';
