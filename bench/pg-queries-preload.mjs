/**
 * Preload for the jobs bench's server on PostgreSQL: every query it sends, counted and timed by statement
 * (the prepared statement's name, else the first words of its text), from `query()` to its reply, so a
 * wait behind the loop's work counts too. At exit it writes one JSON object to $OSSBATCH_PG_QUERIES_OUT:
 * `{ total, statements: { <name>: { n, p50_ms, p99_ms } } }`, most frequent first.
 *
 *   OSSBATCH_PG_QUERIES_OUT=q.json npx tsx bench/jobs.ts --json --db postgres://postgres@127.0.0.1:5432 \
 *     --node-flags "--import ./bench/pg-queries-preload.mjs" [--dist ../other/dist]
 *
 * It patches the `pg` of the tree whose dist/ the server runs (bench/job-server-process.mjs's argv[3]), so
 * `--dist` measures the other build's queries.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const out = process.env.OSSBATCH_PG_QUERIES_OUT;
if (out) {
  const dist = path.resolve(process.argv[3] ?? path.join(import.meta.dirname, '..', 'dist'));
  const pg = createRequire(path.join(dist, '..', 'package.json'))('pg');
  /** Per statement: the reply times, ms. */
  const times = new Map();
  const record = (name, since) => {
    let list = times.get(name);
    if (list === undefined) times.set(name, (list = []));
    list.push(performance.now() - since);
  };
  const nameOf = (q) =>
    typeof q === 'string' ? q.trim().split(/\s+/).slice(0, 4).join(' ') : (q?.name ?? nameOf(q?.text ?? ''));
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config) {
    const name = nameOf(config);
    const since = performance.now();
    const args = [...arguments];
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last];
      args[last] = function (...res) {
        record(name, since);
        return cb.apply(this, res);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (typeof result?.then === 'function')
      result.then(
        () => record(name, since),
        () => undefined,
      );
    return result;
  };
  process.on('exit', () => {
    const at = (sorted, p) =>
      Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2));
    const statements = {};
    let total = 0;
    for (const [name, list] of [...times].sort((a, b) => b[1].length - a[1].length)) {
      list.sort((a, b) => a - b);
      total += list.length;
      statements[name] = { n: list.length, p50_ms: at(list, 0.5), p99_ms: at(list, 0.99) };
    }
    fs.writeFileSync(out, JSON.stringify({ total, statements }, null, 1));
  });
}
