import type { ListObjectsInput, ListObjectsPage } from '../object-store.js';
import type { BucketInfo } from '../types.js';
import type { RemoteListPage } from './remote-driver.js';
import { summaryToMeta } from './remote-meta.js';

type Lister = (q: {
  bucket: string;
  prefix: string | undefined;
  delimiter: string | undefined;
  after: string | undefined;
  maxKeys: number;
}) => Promise<RemoteListPage>;

const byteCompare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The largest code point: `p + MAX_CHAR` sorts after every key that starts with `p` (UTF-8 byte order). */
const MAX_CHAR = '\u{10FFFF}';

/**
 * ListObjects over a remote listing, with the port's resume rule: `after` is the last key or common prefix
 * returned. S3 and OSS take a marker as "keys greater than", so resuming after a common prefix `d2/` would
 * list `d2/` again; the marker is moved past every key under it instead, and anything not after `after`
 * is dropped.
 */
export async function listRemote(
  input: ListObjectsInput,
  list: Lister,
  requireBucket: (b: string) => Promise<BucketInfo>,
): Promise<ListObjectsPage> {
  await requireBucket(input.bucket);
  const { delimiter, after } = input;
  const skipsPrefix =
    after !== undefined &&
    delimiter !== undefined &&
    delimiter !== '' &&
    after.endsWith(delimiter) &&
    after.startsWith(input.prefix ?? '');
  const marker = skipsPrefix ? after + MAX_CHAR : after;
  const page = await list({
    bucket: input.bucket,
    prefix: input.prefix === '' ? undefined : input.prefix,
    delimiter: delimiter === '' ? undefined : delimiter,
    after: marker,
    maxKeys: input.maxKeys,
  });
  const keep = (name: string): boolean => after === undefined || byteCompare(name, after) > 0;
  const objects = page.objects.filter((o) => keep(o.key)).map((o) => summaryToMeta(input.bucket, o));
  const commonPrefixes = page.commonPrefixes.filter(keep);
  const last = [...objects.map((o) => o.key), ...commonPrefixes].sort(byteCompare).at(-1);
  return {
    objects,
    commonPrefixes,
    isTruncated: page.isTruncated,
    ...(page.isTruncated ? { nextAfter: last ?? marker ?? '' } : {}),
  };
}
