import type { KeyPrefixSpec } from '../../jobs/model.js';
import type { RoleRecord } from '../../iam/types.js';
import { bucketArn, roleMay } from './access.js';
import { BatchCollector, ChunkCutter, parseSource } from './chunk-cutter.js';
import { ManifestError, type ChunkDescriptor, type ManifestDeps, type Task } from './types.js';

/** Listing page size: the store's (and OSS's) maximum max-keys. */
const PAGE = 1000;

/** Chunk source of a prefix manifest: keys in (after, last], `after` null for the first chunk. */
export interface PrefixSource {
  readonly k: 'prefix';
  readonly after: string | null;
  readonly last: string;
}

/**
 * Plans a KeyPrefixManifestGenerator job (spec §12.3, gap 17): lists the source bucket like
 * ListObjectsV2 without a delimiter — current versions only, every key including `dir/` placeholders —
 * and cuts the key space into ranges of `chunkSize` keys. Only the range bounds are kept.
 */
export async function planPrefix(
  deps: ManifestDeps,
  role: RoleRecord,
  spec: KeyPrefixSpec,
  chunkSize: number,
  cutter: ChunkCutter,
): Promise<void> {
  const bucket = await deps.store.getBucket(spec.sourceBucket);
  if (!bucket)
    throw new ManifestError('NoSuchBucket', `The source bucket ${spec.sourceBucket} does not exist.`);
  const keys = { 'oss:prefix': spec.prefix };
  if (!(await roleMay(deps, role, bucket, 'oss:ListObjects', bucketArn(deps.region, bucket), { keys }))) {
    throw new ManifestError(
      'AccessDenied',
      `The job's role may not list bucket ${spec.sourceBucket} (oss:ListObjects).`,
    );
  }
  let chunkAfter: string | null = null;
  let inChunk = 0;
  let lastKey = '';
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.listObjects(listInput(spec, after));
    for (const obj of page.objects) {
      inChunk += 1;
      lastKey = obj.key;
      if (inChunk === chunkSize) {
        cutter.emit(inChunk, prefixSource(chunkAfter, lastKey));
        chunkAfter = lastKey;
        inChunk = 0;
      }
    }
    after = page.nextAfter ?? page.objects.at(-1)?.key;
    if (!page.isTruncated || after === undefined) break;
  }
  cutter.emit(inChunk, prefixSource(chunkAfter, lastKey));
}

const prefixSource = (after: string | null, last: string): PrefixSource => ({ k: 'prefix', after, last });

const listInput = (
  spec: KeyPrefixSpec,
  after: string | undefined,
): Parameters<ManifestDeps['store']['listObjects']>[0] => ({
  bucket: spec.sourceBucket,
  ...(spec.prefix !== '' ? { prefix: spec.prefix } : {}),
  ...(after !== undefined ? { after } : {}),
  maxKeys: PAGE,
});

/** Listing order is UTF-8 byte order (the store's), which JS string `<` does not follow past U+FFFF. */
const byteCompare = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * Lists the chunk's key range (after, last] again. Objects created inside the range after planning
 * would be picked up, so reading also stops after the chunk's planned taskCount (and past `last`): a
 * chunk never yields more tasks than planned, though a key created in the range may displace one
 * planned at its end. Objects deleted since planning simply are not listed (fewer tasks).
 */
export async function* readPrefixChunk(
  deps: ManifestDeps,
  spec: KeyPrefixSpec,
  chunk: ChunkDescriptor,
  skip: number,
  batchSize: number,
): AsyncGenerator<Task[]> {
  const src = parseSource<PrefixSource>(chunk, 'prefix');
  if (skip >= chunk.taskCount) return;
  const collector = new BatchCollector<Task>(skip, chunk.taskCount, batchSize);
  let after = src.after ?? undefined;
  let more = true;
  while (more) {
    const page = await deps.store.listObjects(listInput(spec, after));
    for (const obj of page.objects) {
      if (byteCompare(obj.key, src.last) > 0 || !collector.add({ bucket: spec.sourceBucket, key: obj.key })) {
        more = false;
        break;
      }
    }
    for (const batch of collector.takeReady()) yield batch;
    after = page.nextAfter ?? page.objects.at(-1)?.key;
    if (!page.isTruncated || after === undefined) more = false;
  }
  const rest = collector.takeRest();
  if (rest) yield rest;
}
