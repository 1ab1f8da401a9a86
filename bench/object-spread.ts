/**
 * Why the request path writes objects out instead of spreading them (docs/performance.md, issue 10 second
 * pass): V8 in Node 20 builds `{ ...a, x, … }` and `{ ...a, ...b }` through a slow runtime path when new
 * properties follow the spread. Prints µs per object for each shape, one JSON line.
 *
 * `npx tsx bench/object-spread.ts [iterations]` (default 500,000).
 */
const n = Number(process.argv[2] ?? 500_000);

// Shapes like the V4 verify input and the response headers of the request path.
const input = { method: 'GET', target: 'x', headers: {}, provided: 'sig', secret: 's', clock: 0 };
const base = { 'x-oss-request-id': 'id', Server: 'AliyunOSS', Date: 'd' };
const headers = { ETag: '"e"', 'Content-Length': '5', 'Last-Modified': 'l' };

const shapes: Record<string, (i: number) => object> = {
  spread_then_7_properties: (i) => ({ ...input, a: i, b: i, c: i, d: i, e: i, f: i, g: i }),
  two_spreads: () => ({ ...base, ...headers }),
  spread_then_1_property: (i) => ({ ...input, a: i }),
  literal_13_properties: (i) => ({
    method: input.method,
    target: input.target,
    headers: input.headers,
    provided: input.provided,
    secret: input.secret,
    clock: input.clock,
    a: i,
    b: i,
    c: i,
    d: i,
    e: i,
    f: i,
    g: i,
  }),
  object_assign_two: () => Object.assign({}, base, headers),
};

let sink = 0;
const result: Record<string, number> = {};
for (const [name, make] of Object.entries(shapes)) {
  for (let i = 0; i < 10_000; i++) sink += Object.keys(make(i)).length; // warm up
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) sink += (make(i) as { a?: number }).a === -1 ? 1 : 0;
  const used = process.cpuUsage(start);
  result[`${name}_us`] = Number(((used.user + used.system) / n).toFixed(3));
}
console.log(
  JSON.stringify({ bench: 'object-spread', node: process.version, iterations: n, ...result, sink }),
);
