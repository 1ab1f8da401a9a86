import { OssError } from '../../protocol/oss-error.js';
import { toXml } from '../../protocol/xml.js';
import { header, type OpContext } from '../context.js';
import { corsHeaders, matchCorsRule, parseCorsConfiguration } from '../cors-rules.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';

const bucketName = (ctx: OpContext): string => ctx.target.bucket ?? '';

/** PUT /<bucket>/?cors replaces the bucket's CORS rules. */
export async function putBucketCors(ctx: OpContext): Promise<OssResponse> {
  const cors = parseCorsConfiguration(await ctx.readBody());
  await ctx.deps.store.putBucketCors(bucketName(ctx), cors);
  return emptyResponse(200);
}

/** GET /<bucket>/?cors → `<CORSConfiguration>`, 404 NoSuchCORSConfiguration when none is set. */
export async function getBucketCors(ctx: OpContext): Promise<OssResponse> {
  const cors = await ctx.deps.store.getBucketCors(bucketName(ctx));
  if (cors === undefined)
    throw new OssError('NoSuchCORSConfiguration', undefined, { details: { BucketName: bucketName(ctx) } });
  const xml = toXml('CORSConfiguration', {
    CORSRule: cors.rules.map((r) => ({
      AllowedOrigin: [...r.allowedOrigins],
      AllowedMethod: [...r.allowedMethods],
      AllowedHeader: [...r.allowedHeaders],
      ExposeHeader: [...r.exposeHeaders],
      MaxAgeSeconds: r.maxAgeSeconds,
    })),
    ResponseVary: cors.responseVary,
  });
  return xmlResponse(xml);
}

/** DELETE /<bucket>/?cors → 204 (also when none was set; ali-oss accepts only 204). */
export async function deleteBucketCors(ctx: OpContext): Promise<OssResponse> {
  await ctx.deps.store.putBucketCors(bucketName(ctx), undefined);
  return emptyResponse(204);
}

const forbidden = (message: string): OssError => new OssError('AccessForbidden', message);

/**
 * OPTIONS /<bucket>/[<key>]: a browser's CORS preflight, answered from the bucket's rules without
 * authentication (browsers never sign preflights). 403 AccessForbidden when no rule allows it.
 */
export async function preflight(ctx: OpContext): Promise<OssResponse> {
  const origin = header(ctx, 'origin');
  const method = header(ctx, 'access-control-request-method');
  if (origin === undefined || method === undefined) {
    throw new OssError(
      'InvalidRequest',
      'Insufficient information. Origin and Access-Control-Request-Method request headers are needed.',
    );
  }
  const cors = await ctx.deps.store.getBucketCors(bucketName(ctx));
  if (cors === undefined) throw forbidden('CORSResponse: CORS is not enabled for this bucket.');
  const requested = (header(ctx, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const rule = matchCorsRule(cors, origin, method, requested);
  if (rule === undefined) throw forbidden('CORSResponse: This CORS request is not allowed.');
  const headers = corsHeaders(cors, rule, origin);
  if (requested.length > 0) headers['Access-Control-Allow-Headers'] = requested.join(', ');
  return emptyResponse(200, headers);
}

/**
 * An actual (non-preflight) cross-origin request: when the bucket has a rule for its Origin and method, the
 * response carries the rule's Access-Control-* headers, errors included (a browser script can then read the
 * OSS error). Costs one lookup, and only for requests with an Origin.
 */
export async function corsHeadersFor(ctx: OpContext): Promise<Record<string, string | number> | undefined> {
  const origin = header(ctx, 'origin');
  if (origin === undefined || ctx.bucket === undefined || ctx.method === 'OPTIONS') return undefined;
  const cors = await ctx.deps.store.getBucketCors(ctx.bucket.name);
  if (cors === undefined) return undefined;
  const rule = matchCorsRule(cors, origin, ctx.method);
  return rule === undefined ? undefined : corsHeaders(cors, rule, origin);
}
