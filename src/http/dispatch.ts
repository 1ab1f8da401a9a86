import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../protocol/authenticate.js';
import { nextRequestId } from './request-id.js';
import { OSS_ERROR_CODES, OssError, accessDenied, isOssError, noSuchBucket } from '../protocol/oss-error.js';
import { parseRequestTarget, validateBucketName, type RequestTarget } from '../protocol/request-target.js';
import type { Authorizer, Principal, RequestContext } from '../iam/types.js';
import type { BucketInfo, ObjectMeta } from '../store/types.js';
import { readSmallBody, tooLargeToDrain } from './body.js';
import { hasBody, watchBody, type BodyDeadline } from './body-deadline.js';
import { checkJobWriteSignature } from './job-write-signature.js';
import { callerAccount, resourceArn, type HttpDeps, type OpContext } from './context.js';
import { answerInternalFailure, errorResponse, writeResponse, type OssResponse } from './response.js';
import { writeAtTurnEnd } from './request-turn.js';
import { actionOf, resolveRoute, type Route } from './routes.js';
import { loadTargetObject } from './version-target.js';
import { corsHeadersFor } from './handlers/cors.js';
import { StorageAlarm } from '../store/storage-alarm.js';
import { insufficientStorage, isStorageExhausted } from '../store/storage-full.js';

/** One alarm per server (its HTTP logger): storage exhaustion is logged once per interval, not per request. */
const alarms = new WeakMap<object, StorageAlarm>();
function storageAlarm(deps: HttpDeps): StorageAlarm {
  let alarm = alarms.get(deps.logger);
  if (!alarm) alarms.set(deps.logger, (alarm = new StorageAlarm(deps.logger)));
  return alarm;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so IpAddress conditions match IPv4 CIDRs. */
const sourceIp = (req: IncomingMessage): string | undefined =>
  req.socket.remoteAddress?.replace(/^::ffff:/, '');

function requestContext(
  deps: HttpDeps,
  req: IncomingMessage,
  target: RequestTarget,
  route: Route,
): RequestContext {
  const keys: Record<string, string> = {};
  if (route.operation === 'ListObjects' || route.operation === 'ListObjectsV2') {
    keys['oss:prefix'] = target.query.get('prefix') ?? '';
    keys['oss:delimiter'] = target.query.get('delimiter') ?? '';
  }
  const acl = req.headers['x-oss-object-acl'];
  if (typeof acl === 'string') keys['oss:x-oss-object-acl'] = acl;
  const ua = req.headers['user-agent'];
  const referer = req.headers.referer;
  return {
    sourceIp: sourceIp(req),
    secureTransport: false,
    currentTime: deps.clock.now(),
    userAgent: ua,
    referer: typeof referer === 'string' ? referer : undefined,
    keys,
  };
}

interface Prepared {
  bucket: BucketInfo | undefined;
  object: ObjectMeta | undefined;
}

function authorizeOrThrow(
  deps: HttpDeps,
  authorize: Authorizer,
  context: RequestContext,
  action: string,
  bucket: BucketInfo,
  key: string | undefined,
  object: ObjectMeta | undefined,
): void {
  const decision = authorize({
    action,
    resource: resourceArn(deps.region, bucket.owner, bucket.name, key),
    bucket,
    objectAcl: object?.acl,
    resourceOwner: bucket.owner,
    context,
  });
  if (decision !== 'allow') throw accessDenied();
}

/** Loads what authorisation needs (bucket, object ACL) and authorises the route's RAM action. */
async function prepare(
  deps: HttpDeps,
  route: Route,
  target: RequestTarget,
  principal: Principal,
  authorize: Authorizer,
  context: RequestContext,
): Promise<Prepared> {
  const action = actionOf(route, target.query) ?? '';
  if (route.auth === 'jobs') {
    // Decided from the headers, before any body is read (issue 12): a stranger's body is never waited for.
    if (principal.kind === 'anonymous')
      throw accessDenied(`Anonymous requests cannot call ${route.operation}.`);
    return { bucket: undefined, object: undefined };
  }
  if (route.auth === 'service' || route.auth === 'new-bucket') {
    const owner = callerAccount(principal);
    if (owner === undefined) throw accessDenied('Anonymous access is forbidden for this operation.');
    if (route.auth === 'new-bucket') validateBucketName(target.bucket ?? '');
    const decision = authorize({
      action,
      resource: resourceArn(deps.region, owner, route.auth === 'new-bucket' ? target.bucket : undefined),
      resourceOwner: owner,
      context,
    });
    if (decision !== 'allow') throw accessDenied();
    return { bucket: undefined, object: undefined };
  }
  const name = target.bucket ?? '';
  // A name no bucket can have (`//`, upper case, …) is a client error, not a missing bucket.
  validateBucketName(name);
  const bucket = await deps.buckets.get(name);
  if (bucket === undefined) throw noSuchBucket(name);
  if (route.auth === 'bucket-keys' || route.auth === 'preflight') return { bucket, object: undefined };
  const object = route.auth === 'object' ? await loadTargetObject(deps.store, name, target) : undefined;
  authorizeOrThrow(deps, authorize, context, action, bucket, target.key, object);
  return { bucket, object };
}

export interface RequestOutcome {
  requestId: string;
  operation: string;
  status: number;
  error?: unknown;
  /** Headers an error reply carries too (CORS headers of a matching rule). */
  headers?: Record<string, string | number> | undefined;
}

async function run(
  deps: HttpDeps,
  req: IncomingMessage,
  requestId: string,
  outcome: RequestOutcome,
): Promise<OssResponse> {
  const method = req.method ?? 'GET';
  const target = parseRequestTarget({
    rawUrl: req.url ?? '/',
    host: req.headers.host,
    baseDomains: deps.baseDomains,
  });
  const route = resolveRoute(method, target, req.headers['x-oss-copy-source'] !== undefined);
  outcome.operation = route.operation;
  const principal = await authenticate(
    { method, target, headers: req.headers },
    { lookupKey: (id) => deps.iam.findAccessKey(id), clock: deps.clock, region: deps.region },
  );
  checkJobWriteSignature(deps.jobWriteSignature, route.operation, req, target);
  const authContext = requestContext(deps, req, target, route);
  // The caller's RAM policies are loaded once; every decision of this request is then synchronous.
  const authorize = await deps.iam.authorizerFor(principal);
  const { bucket, object } = await prepare(deps, route, target, principal, authorize, authContext);
  const ctx: OpContext = {
    deps,
    requestId,
    method,
    raw: req,
    target,
    principal,
    authContext,
    bucket,
    object,
    readBody: () => readSmallBody(req),
    authorize: (action, b, key, obj) => authorizeOrThrow(deps, authorize, authContext, action, b, key, obj),
  };
  let resp: OssResponse;
  try {
    resp = await route.handler(ctx);
  } catch (err) {
    outcome.headers = await corsHeadersFor(ctx).catch(() => undefined);
    throw err;
  }
  const cors = await corsHeadersFor(ctx);
  if (cors === undefined) return resp;
  // Object.assign, not nested spreads (V8's slow path for a spread followed by more: docs/performance.md).
  return { status: resp.status, headers: Object.assign({}, resp.headers, cors), body: resp.body };
}

function toErrorResponse(
  deps: HttpDeps,
  err: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): OssResponse {
  let oss: OssError;
  if (isStorageExhausted(err)) {
    // A full disk is answered 507 InsufficientStorage, never InternalError, and logged once per interval.
    storageAlarm(deps).raise(err, { requestId });
    oss = isOssError(err) ? err : insufficientStorage();
  } else if (isOssError(err)) {
    oss = err;
  } else if (res.destroyed) {
    // The client went away mid-request (aborted upload): nothing to answer and nothing to alarm about.
    deps.logger.debug({ err, requestId }, 'client closed the connection');
    oss = new OssError('InternalError');
  } else {
    deps.logger.error({ err, requestId }, 'internal error');
    oss = new OssError('InternalError');
  }
  return errorResponse(oss, requestId, req.headers.host ?? '', req.method ?? 'GET');
}

/**
 * An error answered before the body was read is sent at once; Node then discards the rest of the body on
 * the keep-alive connection (bounded by the body timeouts), or the connection closes when the rest is too
 * large to be worth reading (body.ts DRAIN_CAP_BYTES).
 */
function closeIfUnreadBodyIsLarge(req: IncomingMessage, res: ServerResponse, resp: OssResponse): void {
  if (!hasBody(req) || req.complete || res.destroyed) return;
  if (tooLargeToDrain(req)) resp.headers = { ...resp.headers, Connection: 'close' };
}

/** The request's body stalled or took too long: answer RequestTimeout (OSS's 400) and close the connection. */
function answerTimeout(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  if (res.headersSent || res.destroyed) {
    req.socket.destroy();
    return;
  }
  const resp = errorResponse(
    new OssError('RequestTimeout'),
    requestId,
    req.headers.host ?? '',
    req.method ?? 'GET',
  );
  resp.headers = { ...resp.headers, Connection: 'close' };
  writeResponse(res, resp, { 'x-oss-request-id': requestId, Server: 'AliyunOSS' }, req.method === 'HEAD');
  // Whoever still waits for body bytes (a handler, the store) fails now and discards what it holds.
  res.once('finish', () => req.destroy());
}

/** One OSS request, end to end: target → route → authenticate → load + authorise → handler → response. */
export async function handleOssRequest(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<RequestOutcome> {
  const requestId = nextRequestId();
  const outcome: RequestOutcome = { requestId, operation: 'Unknown', status: 0 };
  const deadline: BodyDeadline = watchBody(req, deps.bodyTimeouts, () => answerTimeout(req, res, requestId));
  let resp: OssResponse;
  try {
    resp = await run(deps, req, requestId, outcome);
  } catch (err) {
    resp = toErrorResponse(deps, err, req, res, requestId);
    if (outcome.headers !== undefined) resp.headers = Object.assign({}, resp.headers, outcome.headers);
    outcome.error = err;
    closeIfUnreadBodyIsLarge(req, res, resp);
  }
  if (deadline.fired) {
    outcome.status = OSS_ERROR_CODES.RequestTimeout.status;
    outcome.error = new OssError('RequestTimeout');
    return outcome;
  }
  // 499 (client closed request, as nginx logs it) keeps client aborts out of the 5xx counts.
  outcome.status = res.destroyed && resp.status >= 500 ? 499 : resp.status;
  const base = { 'x-oss-request-id': requestId, Server: 'AliyunOSS' };
  await writeAtTurnEnd(
    () => {
      // A body timeout that fired meanwhile has answered (RequestTimeout) and owns the connection.
      if (!deadline.fired) writeResponse(res, resp, base, req.method === 'HEAD');
    },
    (err) => {
      // Node refused the status or headers: the request is logged and counted as the 500 it got.
      deps.logger.error({ err, requestId }, 'response could not be written');
      outcome.status = 500;
      answerInternalFailure(res);
    },
    res,
  );
  return outcome;
}
