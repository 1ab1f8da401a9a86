import { OssError, invalidArgument } from '../../protocol/oss-error.js';
import { toXml } from '../../protocol/xml.js';
import { inventoryXmlNode, parseInventoryXml } from '../../inventory/config-xml.js';
import { toDocument, toRecord } from '../../inventory/document.js';
import { MAX_INVENTORIES_PER_BUCKET, periodMs, type InventoryConfig } from '../../inventory/model.js';
import { runInventory } from '../../inventory/run.js';
import type { OpContext } from '../context.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';

/** ListBucketInventory pages hold at most 100 configurations (OSS). */
const LIST_PAGE = 100;

const bucketName = (ctx: OpContext): string => ctx.target.bucket ?? '';

function inventoryId(ctx: OpContext): string {
  const id = ctx.target.query.get('inventoryId');
  if (id === undefined || id === '')
    throw invalidArgument('The inventoryId parameter is required.', { ArgumentName: 'inventoryId' });
  return id;
}

async function requireConfig(ctx: OpContext): Promise<InventoryConfig> {
  const id = inventoryId(ctx);
  const row = await ctx.deps.store.getInventory(bucketName(ctx), id);
  if (row === undefined) throw new OssError('NoSuchInventory', undefined, { details: { InventoryId: id } });
  return toRecord(row).config;
}

/**
 * PUT /<bucket>/?inventory&inventoryId=<id>. The destination must be an existing bucket of the same
 * account (EC 0020-00000033). The first scheduled run is one period after the configuration is created.
 */
export async function putBucketInventory(ctx: OpContext): Promise<OssResponse> {
  const owner = ctx.bucket?.owner ?? '';
  const config = parseInventoryXml(await ctx.readBody(), inventoryId(ctx), owner);
  const dest = await ctx.deps.store.getBucket(config.destination.bucket);
  if (dest === undefined || dest.owner !== owner)
    throw new OssError(
      'InvalidArgument',
      `The destination bucket ${config.destination.bucket} does not exist in this account.`,
      { ec: '0020-00000033' },
    );
  const nextRunAt = ctx.deps.clock.now() + periodMs(config.frequency);
  await ctx.deps.store.createInventory(
    { bucket: bucketName(ctx), id: config.id, document: toDocument(config), nextRunAt },
    MAX_INVENTORIES_PER_BUCKET,
  );
  return emptyResponse(200);
}

export async function getBucketInventory(ctx: OpContext): Promise<OssResponse> {
  return xmlResponse(toXml('InventoryConfiguration', inventoryXmlNode(await requireConfig(ctx))));
}

/** GET ?inventory without an id: pages of 100 in id order; the continuation token is the last id, base64. */
export async function listBucketInventory(ctx: OpContext): Promise<OssResponse> {
  const token = ctx.target.query.get('continuation-token');
  let after: string | undefined;
  if (token !== undefined && token !== '') {
    after = Buffer.from(token, 'base64').toString('utf8');
    if (Buffer.from(after, 'utf8').toString('base64') !== token)
      throw invalidArgument('The continuation token is not valid.', { ArgumentName: 'continuation-token' });
  }
  const rows = await ctx.deps.store.listInventories(bucketName(ctx), after, LIST_PAGE + 1);
  const page = rows.slice(0, LIST_PAGE);
  const truncated = rows.length > LIST_PAGE;
  const last = page[page.length - 1];
  return xmlResponse(
    toXml('ListInventoryConfigurationsResult', {
      InventoryConfiguration: page.map((r) => inventoryXmlNode(toRecord(r).config)),
      IsTruncated: truncated,
      NextContinuationToken: truncated && last ? Buffer.from(last.id, 'utf8').toString('base64') : undefined,
    }),
  );
}

export async function deleteBucketInventory(ctx: OpContext): Promise<OssResponse> {
  const id = inventoryId(ctx);
  if (!(await ctx.deps.store.deleteInventory(bucketName(ctx), id)))
    throw new OssError('NoSuchInventory', undefined, { details: { InventoryId: id } });
  return emptyResponse(204);
}

/**
 * ossbatch extension (OSS has no such API): POST /<bucket>/?inventory&inventoryId=<id> runs the inventory
 * now, writes its report like a scheduled run, and answers where the manifest is. Authorised as
 * oss:PutBucketInventory (whoever may configure an inventory may produce its report). The schedule is
 * not moved.
 */
export async function runBucketInventory(ctx: OpContext): Promise<OssResponse> {
  const config = await requireConfig(ctx);
  const result = await runInventory(ctx.deps, bucketName(ctx), config);
  return xmlResponse(
    toXml('InventoryRunResult', {
      Bucket: result.destinationBucket,
      ManifestKey: result.manifestKey,
      DataFiles: result.files.length,
      Rows: result.rows,
    }),
  );
}
