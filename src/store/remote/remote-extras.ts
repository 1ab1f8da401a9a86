import { OssError } from '../../protocol/oss-error.js';
import type { BucketConfigStore, BucketStat } from '../bucket-config-store.js';
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
import type { ObjectMeta, VersioningStatus } from '../types.js';
import type { DeleteOutcome, ListVersionsInput, ListVersionsPage, VersionLookup } from '../versioning.js';
import { RemoteBucketConfig } from './remote-bucket-config.js';

const notYet = (call: string): OssError =>
  new OssError(
    'OperationNotSupported',
    `${call} is not served over a remote store (--store) yet; use the built-in store or the remote store directly.`,
  );

/**
 * The multipart half of the port (issue 9) and GetBucketStat over a remote store: not mapped yet, so every
 * write answers OperationNotSupported with a message naming the call; listUploads answers "no uploads in
 * progress". Large reports still go up in parts: that is the adapter's own upload (RemoteStore.putObject),
 * not this API. Bucket tags, CORS and inventory configurations are ossbatch's own, kept in the Backend's
 * bucket catalog (RemoteBucketConfig).
 */
export abstract class RemoteExtras extends RemoteBucketConfig implements MultipartStore, BucketConfigStore {
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
  getBucketStat(_bucket: string): Promise<BucketStat> {
    return Promise.reject(notYet('GetBucketStat'));
  }
}
