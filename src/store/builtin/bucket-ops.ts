import type { Clock } from '../../protocol/clock.js';
import { OssError, noSuchBucket } from '../../protocol/oss-error.js';
import type { BucketAcl, BucketInfo, StorageClass } from '../types.js';
import type { BucketRow } from './rows.js';
import { rowToBucket } from './rows.js';
import type { Statements } from './statements.js';

/** OSS bucket names: 3–63 characters, lower-case letters, digits and hyphens, not starting or ending with a hyphen. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function validateBucketName(name: string): void {
  if (!BUCKET_NAME.test(name)) {
    throw new OssError(
      'InvalidBucketName',
      `The bucket name "${name}" is not valid: use 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.`,
      { details: { BucketName: name } },
    );
  }
}

/** Bucket rows: small, synchronous, every method throws NoSuchBucket for a missing name. */
export class BucketOps {
  constructor(
    private readonly st: Statements,
    private readonly clock: Clock,
    private readonly region: string,
  ) {}

  create(input: { name: string; owner: string; acl: BucketAcl; storageClass: StorageClass }): BucketInfo {
    validateBucketName(input.name);
    if (this.get(input.name)) {
      throw new OssError('BucketAlreadyExists', undefined, { details: { BucketName: input.name } });
    }
    this.st.insertBucket.run(
      input.name,
      input.owner,
      input.acl,
      input.storageClass,
      this.region,
      this.clock.now(),
    );
    return this.require(input.name);
  }

  get(name: string): BucketInfo | undefined {
    const row = this.st.getBucket.get(name) as BucketRow | undefined;
    return row ? rowToBucket(row) : undefined;
  }

  require(name: string): BucketInfo {
    const info = this.get(name);
    if (!info) throw noSuchBucket(name);
    return info;
  }

  list(owner: string): BucketInfo[] {
    return (this.st.listBuckets.all(owner) as BucketRow[]).map(rowToBucket);
  }

  setAcl(name: string, acl: BucketAcl): void {
    if (this.st.setBucketAcl.run(acl, name).changes === 0) throw noSuchBucket(name);
  }

  setPolicy(name: string, policy: string | null): void {
    if (this.st.setBucketPolicy.run(policy, name).changes === 0) throw noSuchBucket(name);
  }

  delete(name: string): void {
    this.require(name);
    if (this.st.anyObject.get(name) !== undefined) {
      throw new OssError('BucketNotEmpty', undefined, { details: { BucketName: name } });
    }
    this.st.deleteBucket.run(name);
  }
}
