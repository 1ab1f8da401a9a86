import type { CopyObjectCommandInput, StorageClass as S3StorageClass } from '@aws-sdk/client-s3';
import type { RemoteCopy, RemotePut } from '../remote-driver.js';
import { headerFields, tagsToQuery, toS3Acl, toS3Class } from './s3-mapping.js';

/** PutObject / Upload / CreateMultipartUpload parameters other than the body. */
export function putParams(input: Omit<RemotePut, 'body' | 'forbidOverwrite'>) {
  return {
    Bucket: input.bucket,
    Key: input.key,
    ContentType: input.contentType,
    ...(input.storageClass === undefined
      ? {}
      : { StorageClass: toS3Class(input.storageClass) as S3StorageClass }),
    ...(input.acl === undefined ? {} : { ACL: toS3Acl(input.acl) }),
    ...(input.userMeta === undefined ? {} : { Metadata: input.userMeta }),
    ...(input.tags === undefined || input.tags.length === 0 ? {} : { Tagging: tagsToQuery(input.tags) }),
    ...headerFields(input.httpHeaders),
  };
}

/** `x-amz-copy-source`: `bucket/key`, URL-encoded per segment, with `?versionId=` for one version. */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const source = `${bucket}/${key}`.split('/').map(encodeURIComponent).join('/');
  return versionId === undefined ? source : `${source}?versionId=${encodeURIComponent(versionId)}`;
}

/** CopyObject parameters. */
export function copyParams(input: RemoteCopy): CopyObjectCommandInput {
  const source = copySource(input.sourceBucket, input.sourceKey, input.sourceVersionId);
  const r = input.replace;
  return {
    Bucket: input.bucket,
    Key: input.key,
    CopySource: source,
    MetadataDirective: r === undefined ? 'COPY' : 'REPLACE',
    ...(r === undefined
      ? {}
      : { ContentType: r.contentType, Metadata: r.userMeta, ...headerFields(r.httpHeaders) }),
    ...(input.storageClass === undefined
      ? {}
      : { StorageClass: toS3Class(input.storageClass) as S3StorageClass }),
    ...(input.tags === undefined ? {} : { TaggingDirective: 'REPLACE', Tagging: tagsToQuery(input.tags) }),
    ...(input.acl === undefined ? {} : { ACL: toS3Acl(input.acl) }),
  };
}
