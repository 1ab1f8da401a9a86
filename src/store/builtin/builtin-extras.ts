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
import type { ObjectMeta, Tag } from '../types.js';
import type { BucketConfigOps } from './bucket-config-ops.js';
import { completeUpload } from './multipart-complete.js';
import { listUploadsPage } from './multipart-list.js';
import type { MultipartDeps, MultipartOps } from './multipart-ops.js';
import type { NewObject } from './object-input.js';
import { settle } from './object-input.js';
import { InventoryConfigs } from './inventory-rows.js';

/**
 * The multipart-upload and bucket-configuration half of the built-in store's port (issue 9), kept apart from
 * the object half in builtin-store.ts. The subclass supplies the operations and its object commit, which a
 * multipart Complete goes through exactly as PutObject does. Inventory configurations come from InventoryConfigs.
 */
export abstract class BuiltinExtras extends InventoryConfigs implements MultipartStore, BucketConfigStore {
  protected abstract readonly mpDeps: MultipartDeps;
  protected abstract readonly mpOps: MultipartOps;
  protected abstract readonly configOps: BucketConfigOps;
  protected abstract commitObject(o: NewObject): Promise<ObjectMeta>;

  // ---- multipart uploads (multipart-store.ts)
  initiateUpload(input: InitiateUploadInput): Promise<UploadInfo> {
    return settle(() => this.mpOps.initiate(input));
  }
  uploadPart(input: UploadPartInput): Promise<PartInfo> {
    return this.mpOps.uploadPart(input);
  }
  uploadPartCopy(input: UploadPartCopyInput): Promise<PartInfo> {
    return this.mpOps.uploadPartCopy(input);
  }
  completeUpload(input: CompleteUploadInput): Promise<ObjectMeta> {
    return completeUpload(this.mpDeps, (o) => this.commitObject(o), input);
  }
  abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return this.mpOps.abort(bucket, key, uploadId);
  }
  listParts(input: ListPartsInput): Promise<ListPartsPage> {
    return settle(() => this.mpOps.listParts(input));
  }
  listUploads(input: ListUploadsInput): Promise<ListUploadsPage> {
    return settle(() => {
      this.mpDeps.buckets.require(input.bucket);
      return listUploadsPage(this.mpDeps.st, input);
    });
  }

  // ---- bucket configuration (bucket-config-store.ts)
  getBucketTags(bucket: string): Promise<readonly Tag[]> {
    return settle(() => this.configOps.getTags(bucket));
  }
  putBucketTags(bucket: string, tags: readonly Tag[]): Promise<void> {
    return settle(() => this.configOps.putTags(bucket, tags));
  }
  getBucketCors(bucket: string): Promise<CorsConfiguration | undefined> {
    return settle(() => this.configOps.getCors(bucket));
  }
  putBucketCors(bucket: string, cors: CorsConfiguration | undefined): Promise<void> {
    return settle(() => this.configOps.putCors(bucket, cors));
  }
  getBucketStat(bucket: string): Promise<BucketStat> {
    return settle(() => this.configOps.stat(bucket));
  }
}
