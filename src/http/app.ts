import { ossClientErrorHandler } from './client-error.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { registerConsole } from '../console/index.js';
import type { HttpDeps } from './context.js';
import { watchBody } from './body-deadline.js';
import { handleOssRequest } from './dispatch.js';
import { createOssHttpServer } from './framing-guard.js';
import { metricsAccess } from './metrics-access.js';
import { nextRequestId } from './request-id.js';
import { OssError } from '../protocol/oss-error.js';
import { answerInternalFailure, errorResponse, writeResponse } from './response.js';
import { handleThisTurn } from './request-turn.js';

const ALL_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH'] as const;

/** `/-/…` is the server's own namespace: `-` can never start a bucket name (spec §9.1 naming rules). */
function isInternal(url: string): boolean {
  return url.startsWith('/-/') || url === '/-';
}

async function handleInternal(
  deps: HttpDeps,
  registry: Registry,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  const headers = { 'x-oss-request-id': nextRequestId(), Server: 'AliyunOSS' };
  if (path === '/-/health' && (req.method === 'GET' || req.method === 'HEAD')) {
    const database = await deps.databaseHealth().catch((e: unknown) => ({
      ok: false,
      kind: 'unknown',
      error: (e as Error).message,
    }));
    const ready = deps.isReady() && database.ok;
    const status = !deps.isReady() ? 'starting' : database.ok ? 'ok' : 'database unavailable';
    const body = JSON.stringify({ status, node: deps.nodeId, database });
    res.writeHead(ready ? 200 : 503, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (path === '/-/metrics' && req.method === 'GET') {
    const access = metricsAccess(req, deps.metricsToken);
    if (access !== 'allow') {
      const denied = JSON.stringify({ error: access });
      res.writeHead(access === 'unauthorized' ? 401 : 403, {
        ...headers,
        ...(access === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer realm="ossbatch-metrics"' } : {}),
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(denied),
      });
      res.end(denied);
      return;
    }
    const body = await registry.metrics();
    res.writeHead(200, {
      ...headers,
      'Content-Type': registry.contentType,
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  res.writeHead(404, { ...headers, 'Content-Type': 'application/json', 'Content-Length': 21 });
  res.end('{"error":"not found"}');
}

/**
 * Runs one request outside fastify's reply machinery, logs one line and records the metrics. `started` is
 * when Node parsed the request (the log's `ms` and the histogram count from there, as before the handling
 * moved to the check phase).
 */
async function serve(
  deps: HttpDeps,
  registry: Registry,
  req: IncomingMessage,
  res: ServerResponse,
  started: bigint,
): Promise<void> {
  if (isInternal(req.url ?? '')) {
    await handleInternal(deps, registry, req, res);
    return;
  }
  const outcome = await handleOssRequest(deps, req, res);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  deps.metrics.observe(outcome.operation, outcome.status, seconds);
  if (deps.logger.isLevelEnabled('info')) {
    const line = {
      requestId: outcome.requestId,
      method: req.method,
      operation: outcome.operation,
      status: outcome.status,
      ms: Math.round(seconds * 1e4) / 10,
    };
    deps.logger.info(line, 'request');
  }
}

/** Requests that arrive on a kept-alive connection while the server drains: 503, and the connection closes. */
function answerClosing(req: IncomingMessage, res: ServerResponse): void {
  res.shouldKeepAlive = false;
  const requestId = nextRequestId();
  const resp = errorResponse(
    new OssError('ServiceUnavailable', 'The server is shutting down.'),
    requestId,
    req.headers.host ?? '',
    req.method ?? 'GET',
  );
  const base = { 'x-oss-request-id': requestId, Server: 'AliyunOSS', Connection: 'close' };
  writeResponse(res, resp, base, req.method === 'HEAD');
}

/**
 * The OSS pipeline answers its own errors; this catches what escapes it (e.g. the metrics registry failing
 * while the database closes) so no rejection goes unhandled and no hijacked reply is left hanging.
 */
async function serveSafely(
  deps: HttpDeps,
  registry: Registry,
  req: IncomingMessage,
  res: ServerResponse,
  state: { closing: boolean } = { closing: false },
  started = process.hrtime.bigint(),
): Promise<void> {
  if (state.closing) return answerClosing(req, res);
  try {
    await serve(deps, registry, req, res, started);
  } catch (err) {
    deps.logger.error({ err }, 'request failed outside the OSS pipeline');
    answerInternalFailure(res);
  }
}

/** The web console's paths: the only requests fastify routes (it owns their forms, cookies and pages). */
const isConsole = (url: string | undefined): boolean => url?.startsWith('/-/console') === true;

/**
 * The HTTP server and the fastify app behind it. OSS requests (and /-/health, /-/metrics) go from the
 * server's request event straight to the OSS pipeline: the raw URL is what counts (keys are raw bytes:
 * `..`, `+`, `%20` survive) and bodies are never parsed by a framework (PutObject streams the request into
 * the store, XML bodies are read by the handlers), so fastify's routing, request/reply objects and hooks
 * bought nothing there and cost ~10–15% of the server's CPU per request (`npm run bench:http`, HeadObject
 * and GetObjectTagging: 199–218 vs 210–245 µs, four paired runs; docs/performance.md). The console keeps
 * fastify; its catch-all route still hands anything it does not know to the OSS pipeline.
 */
export function buildApp(deps: HttpDeps, registry: Registry): FastifyInstance {
  // Set when close() begins (fastify's preClose): requests still arriving on kept-alive connections get 503.
  const state = { closing: false };
  const app = Fastify({
    logger: false,
    routerOptions: {
      // Keys are up to 1023 bytes, i.e. up to ~3 KB percent-encoded; leave room for the whole path.
      maxParamLength: 65_536,
      ignoreTrailingSlash: false,
    },
    exposeHeadRoutes: false,
    // Lenient framing for ali-oss's Content-Length + chunked PUTs, guarded against smuggling (framing-guard.ts).
    serverFactory: (handler) =>
      createOssHttpServer((req, res) => {
        if (isConsole(req.url)) {
          handler(req, res);
          return;
        }
        // Handled with the other requests of this turn, in its check phase (request-turn.ts).
        const started = process.hrtime.bigint();
        handleThisTurn(() => serveSafely(deps, registry, req, res, state, started), { req, res });
      }),
    return503OnClosing: true,
    clientErrorHandler: ossClientErrorHandler,
    // Router-level failures (malformed %-escapes, …) still go through the OSS pipeline, which answers them.
    frameworkErrors: (_err, request, reply) => {
      reply.hijack();
      void serveSafely(deps, registry, request.raw, reply.raw);
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  const handler = async (
    request: { raw: IncomingMessage },
    reply: { hijack(): void; raw: ServerResponse },
  ): Promise<void> => {
    reply.hijack();
    await serveSafely(deps, registry, request.raw, reply.raw);
  };
  app.route({ method: [...ALL_METHODS], url: '/*', handler });
  app.setNotFoundHandler(handler);
  app.addHook('preClose', (done) => {
    state.closing = true;
    done();
  });
  // The web console (src/console, issue 4): its own routes under /-/console, ahead of the catch-all.
  // Its form bodies get the same idle/total timeouts as the OSS routes (dispatch.ts); a browser form is
  // not an OSS client, so a stalled one is simply disconnected rather than answered with RequestTimeout.
  app.addHook('onRequest', (request, _reply, done) => {
    if (isConsole(request.raw.url)) {
      const raw = request.raw;
      watchBody(raw, deps.bodyTimeouts, () => raw.socket.destroy());
    }
    done();
  });
  registerConsole(app, deps, { sessions: deps.consoleSessions });
  return app;
}
