import type { CopyObjectCommandInput, StorageClass as S3StorageClass } from '@aws-sdk/client-s3';
import type { RemoteCopy, RemotePut } from '../remote-driver.js';
import { headerFields, tagsToQuery, toS3Acl, toS3Class } from './s3-mapping.js';

/** PutObject / Upload parameters other than the body. */
export function putParams(input: RemotePut) {
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

/** CopyObject: `x-amz-copy-source` is `bucket/key`, URL-encoded per segment. */
export function copyParams(input: RemoteCopy): CopyObjectCommandInput {
  const source = `${input.sourceBucket}/${input.sourceKey}`.split('/').map(encodeURIComponent).join('/');
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
