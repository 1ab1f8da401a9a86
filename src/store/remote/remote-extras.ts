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
import type { BucketInfo, ObjectMeta, Tag } from '../types.js';

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
export abstract class RemoteExtras implements MultipartStore, BucketConfigStore {
  /** Throws NoSuchBucket for a bucket neither the catalog nor the remote store knows. */
  protected abstract requireBucket(name: string): Promise<BucketInfo>;

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
