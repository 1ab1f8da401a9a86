import { OssError } from '../../protocol/oss-error.js';
import type { BucketConfigStore, BucketStat, CorsConfiguration } from '../bucket-config-store.js';
import type {
  CompleteUploadInput,
  InitiateUploadInput,
  ListPartsInput,
  ListPartsPage,
  ListUploadsInput,
  ListUploadsPage,
  MultipartStore,
  PartInfo,
  UploadInfo,
  UploadPartCopyInput,
  UploadPartInput,
} from '../multipart-store.js';
import type { InventoryConfigStore, StoredInventory } from '../inventory-port.js';
import type { BucketInfo, ObjectMeta, Tag, VersioningStatus } from '../types.js';
import type { DeleteOutcome, ListVersionsInput, ListVersionsPage, VersionLookup } from '../versioning.js';

const notYet = (call: string): OssError =>
  new OssError(
    'OperationNotSupported',
    `${call} is not served over a remote store (--store) yet; use the built-in store or the remote store directly.`,
  );

/**
 * The multipart and bucket-configuration half of the port (issue 9) over a remote store: not mapped yet, so
 * every write answers OperationNotSupported with a message naming the call. Reads answer "nothing
 * configured" (no bucket tags, no CORS rules, no uploads in progress) so that requests which consult them in
 * passing, such as CORS on a cross-origin request, keep working. Large reports still go up in parts: that
 * is the adapter's own upload (RemoteStore.putObject), not this API.
 */
export abstract class RemoteExtras implements MultipartStore, BucketConfigStore, InventoryConfigStore {
  /** Throws NoSuchBucket for a bucket neither the catalog nor the remote store knows. */
  protected abstract requireBucket(name: string): Promise<BucketInfo>;
  abstract headObject(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  abstract deleteObject(bucket: string, key: string): Promise<boolean>;

  // ---- versioning (issue 9) over a remote store: the current version only. The object APIs go through
  // headVersion/deleteVersion without a versionId, so they keep working; naming another version, turning
  // versioning on and listing versions answer OperationNotSupported until the adapters map them.
  setBucketVersioning(_name: string, _status: VersioningStatus): Promise<void> {
    return Promise.reject(notYet('PutBucketVersioning'));
  }
  async headVersion(bucket: string, key: string, versionId: string | undefined): Promise<VersionLookup> {
    const meta = await this.headObject(bucket, key);
    if (versionId === undefined || (meta !== undefined && meta.versionId === versionId)) {
      return meta === undefined ? { kind: 'no-such-key' } : { kind: 'object', meta, isLatest: true };
    }
    throw notYet('A versionId other than the current version');
  }
  async deleteVersion(bucket: string, key: string, versionId: string | undefined): Promise<DeleteOutcome> {
    if (versionId !== undefined) throw notYet('DeleteObject with a versionId');
    await this.deleteObject(bucket, key);
    return { deleteMarker: false };
  }
  listObjectVersions(_input: ListVersionsInput): Promise<ListVersionsPage> {
    return Promise.reject(notYet('ListObjectVersions'));
  }

  // ---- bucket inventory (issue 9): not kept for remote buckets yet. Reads answer "none configured" so the
  // inventory scheduler, which asks every node for due runs, stays quiet.
  createInventory(_row: StoredInventory, _maxPerBucket: number): Promise<void> {
    return Promise.reject(notYet('PutBucketInventory'));
  }
  async getInventory(bucket: string, _id: string): Promise<StoredInventory | undefined> {
    await this.requireBucket(bucket);
    return undefined;
  }
  async listInventories(
    bucket: string,
    _after: string | undefined,
    _limit: number,
  ): Promise<StoredInventory[]> {
    await this.requireBucket(bucket);
    return [];
  }
  async deleteInventory(bucket: string, _id: string): Promise<boolean> {
    await this.requireBucket(bucket);
    return false;
  }
  dueInventories(_now: number, _limit: number): Promise<StoredInventory[]> {
    return Promise.resolve([]);
  }
  claimInventoryRun(_bucket: string, _id: string, _expected: number, _next: number): Promise<boolean> {
    return Promise.resolve(false);
  }

  initiateUpload(_input: InitiateUploadInput): Promise<UploadInfo> {
    return Promise.reject(notYet('InitiateMultipartUpload'));
  }
  uploadPart(_input: UploadPartInput): Promise<PartInfo> {
    return Promise.reject(notYet('UploadPart'));
  }
  uploadPartCopy(_input: UploadPartCopyInput): Promise<PartInfo> {
    return Promise.reject(notYet('UploadPartCopy'));
  }
  completeUpload(_input: CompleteUploadInput): Promise<ObjectMeta> {
    return Promise.reject(notYet('CompleteMultipartUpload'));
  }
  abortUpload(_bucket: string, _key: string, _uploadId: string): Promise<void> {
    return Promise.reject(notYet('AbortMultipartUpload'));
  }
  listParts(_input: ListPartsInput): Promise<ListPartsPage> {
    return Promise.reject(notYet('ListParts'));
  }
  async listUploads(input: ListUploadsInput): Promise<ListUploadsPage> {
    await this.requireBucket(input.bucket);
    return { uploads: [], commonPrefixes: [], isTruncated: false };
  }
  async getBucketTags(bucket: string): Promise<readonly Tag[]> {
    await this.requireBucket(bucket);
    return [];
  }
  putBucketTags(_bucket: string, _tags: readonly Tag[]): Promise<void> {
    return Promise.reject(notYet('PutBucketTags'));
  }
  async getBucketCors(bucket: string): Promise<CorsConfiguration | undefined> {
    await this.requireBucket(bucket);
    return undefined;
  }
  putBucketCors(_bucket: string, _cors: CorsConfiguration | undefined): Promise<void> {
    return Promise.reject(notYet('PutBucketCors / DeleteBucketCors'));
  }
  getBucketStat(_bucket: string): Promise<BucketStat> {
    return Promise.reject(notYet('GetBucketStat'));
  }
}
