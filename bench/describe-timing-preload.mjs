/**
 * Preload for the jobs bench's server: each DescribeJob timed inside the server, from Node's `request`
 * event to the response's `finish`, and (PostgreSQL) its job-row query `jobs.get` from `query()` to its
 * reply. The time a request waits in its socket before the loop reads it is not in these; the client's
 * `describe_p99_ms` has it. At exit it writes one JSON object to $OSSBATCH_DESCRIBE_TIMING_OUT:
 *
 *   { during: { n, p50_ms, p99_ms, query_p50_ms, query_p99_ms }, idle: { … }, grants, hurried_grants,
 *     held_grants, held_gave_up, held_ms, requests: [[at, ms, query_ms], …], gc: [[at, ms], …] }
 *
 * `during`: the DescribeJobs with a batch granted since the one before (the job ran); `idle`: the others.
 * `hurried_grants`: batches the gate granted short because a request waited for a reply (batch-gate.ts);
 * `held_*`: grants that first waited for such a reply (request-turn.ts), those whose wait gave up, and the
 * time they waited in all. `requests`: each DescribeJob's start (ms since the epoch, as the client process
 * records its calls: bench/describe-client-timeline.ts), its ms in the server until its response was
 * handed to Node (`res.end`) and its query's ms (null on SQLite); `gc`: the
 * server's garbage-collection pauses by the same clock; both for bench/describe-split.ts.
 *
 *   OSSBATCH_DESCRIBE_TIMING_OUT=d.json npx tsx bench/jobs.ts --json [--db postgres://…] \
 *     --node-flags "--import ./bench/describe-timing-preload.mjs" [--dist ../other/dist]
 *
 * It patches the `pg` of the tree whose dist/ the server runs (bench/job-server-process.mjs's argv[3]).
 */
import { subscribe } from 'node:diagnostics_channel';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';

const out = process.env.OSSBATCH_DESCRIBE_TIMING_OUT;
if (out) {
  let grants = 0;
  let hurried = 0;
  subscribe('ossbatch:engine:batch-granted', (hurry) => {
    grants++;
    if (hurry === true) hurried++;
  });
  const holds = { n: 0, gave_up: 0, ms: 0 };
  subscribe('ossbatch:http:batch-held', ({ ms, replied }) => {
    holds.n++;
    if (!replied) holds.gave_up++;
    holds.ms += ms;
  });
  /** The server's GC pauses: [start since the epoch, ms]. */
  const gcs = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([performance.timeOrigin + e.startTime, e.duration]);
  }).observe({ entryTypes: ['gc'] });
  /** Per DescribeJob: total ms, query ms (PostgreSQL), whether a batch was granted since the last one. */
  const rows = [];
  /** The DescribeJob being handled (the bench sends one at a time). */
  let current;
  let grantsAtLast = 0;

  const dist = path.resolve(process.argv[3] ?? path.join(import.meta.dirname, '..', 'dist'));
  let pg;
  try {
    pg = createRequire(path.join(dist, '..', 'package.json'))('pg');
  } catch {
    pg = undefined; // a tree without pg: SQLite only
  }
  if (pg) {
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (config, ...rest) {
      const row = current;
      const last = rest.length - 1;
      if (row !== undefined && config?.name === 'jobs.get' && typeof rest[last] === 'function') {
        const since = performance.now();
        const cb = rest[last];
        rest[last] = function (...res) {
          row.query = performance.now() - since;
          return cb.apply(this, res);
        };
      }
      return query.call(this, config, ...rest);
    };
  }

  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, res) {
    if (event === 'request' && req.method === 'GET' && req.url.includes('batchJobId=')) {
      const since = performance.now();
      const row = { since, at: performance.timeOrigin + since };
      current = row;
      // The response handed to Node: its bytes go out in this call. `finish` comes a turn later, when
      // the client may already have read them (~0.1–0.3 ms, two processes, ad hoc).
      const end = res.end;
      res.end = function (...args) {
        row.ended ??= performance.now() - since;
        return end.apply(this, args);
      };
      res.on('finish', () => {
        if (current === row) current = undefined;
        row.total = performance.now() - row.since;
        row.during = grants > grantsAtLast;
        grantsAtLast = grants;
        rows.push(row);
      });
    }
    return emit.apply(this, arguments);
  };

  const pct = (values, p) => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    return Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(2));
  };
  const summary = (list) => {
    const totals = list.map((r) => r.total);
    const queries = list.flatMap((r) => (r.query === undefined ? [] : [r.query]));
    return {
      n: list.length,
      p50_ms: pct(totals, 0.5),
      p99_ms: pct(totals, 0.99),
      query_p50_ms: pct(queries, 0.5),
      query_p99_ms: pct(queries, 0.99),
    };
  };
  process.on('exit', () => {
    const during = rows.filter((r) => r.during);
    const idle = rows.filter((r) => !r.during);
    const result = {
      during: summary(during),
      idle: summary(idle),
      grants,
      hurried_grants: hurried,
      held_grants: holds.n,
      held_gave_up: holds.gave_up,
      held_ms: Math.round(holds.ms),
      requests: rows.map((r) => [
        Number(r.at.toFixed(3)),
        Number((r.ended ?? r.total).toFixed(3)),
        r.query === undefined ? null : Number(r.query.toFixed(3)),
      ]),
      gc: gcs.map(([at, ms]) => [Number(at.toFixed(3)), Number(ms.toFixed(3))]),
    };
    fs.writeFileSync(out, JSON.stringify(result, null, 1));
  });
}
