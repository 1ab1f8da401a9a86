/**
 * Where a server's CPU goes, by part of the request path, from a `perf record -e cpu-clock -g` profile of
 * a node run with `--perf-basic-prof` (bench/http-syscalls.ts --record writes them). Each sample goes to
 * one part: the kernel work of the socket syscalls, SQLite and GC wherever in the stack they are, else
 * the innermost frame that names a part (so Node's own header writing called from src/http counts as
 * Node HTTP, not as dispatch). With the server's CPU µs per request, prints µs per request per part.
 *
 *   npx tsx bench/perf-categories.ts <perf.data> [cpu µs per request] [--detail 'Node HTTP']
 *
 * `--detail <part prefix>` also lists, for that part, the frame that named it, largest first.
 */
import { execFileSync } from 'node:child_process';

const detailAt = process.argv.indexOf('--detail');
const detail = detailAt >= 0 ? process.argv[detailAt + 1] : undefined;
const [file, perRequestArg] = process.argv
  .slice(2)
  .filter((_, i, a) => a[i - 1] !== '--detail' && a[i] !== '--detail');
if (file === undefined) throw new Error('usage: perf-categories.ts <perf.data> [cpu µs per request]');
const perRequest = perRequestArg === undefined ? undefined : Number(perRequestArg);

/** Parts that own a sample wherever they appear in its stack, checked in this order. */
const ANYWHERE: readonly (readonly [string, RegExp])[] = [
  ['GC', /v8::internal::(Heap|Scavenger|MarkCompact|Sweeper|ConcurrentMarking|MinorMarkCompact)/],
  ['kernel: waking the peer (socket write)', /\bsock_def_readable\b/],
  ['kernel: socket write, rest', /\b(ksys_write|do_writev|__x64_sys_writev)\b/],
  ['kernel: socket read', /\bksys_read\b/],
  ['kernel: fcntl (SQLite WAL locks)', /\b__x64_sys_fcntl\b/],
  ['kernel: epoll', /\bdo_epoll_(pwait|wait|ctl)/],
  ['SQLite (better-sqlite3)', /sqlite3|Statement::|Database::/],
];

/** Parts named by the innermost frame that matches. */
const INNERMOST: readonly (readonly [string, RegExp])[] = [
  ['request log (pino, sonic-boom)', /node_modules\/(pino|sonic-boom|fast-redact|quick-format)/],
  ['metrics (prom-client)', /node_modules\/(prom-client|tdigest|bintrees)/],
  ['crypto (HMAC, SHA-256)', /node::crypto|OPENSSL|sha256|HMAC|EVP_/],
  ['V4 check, request target (src/protocol)', /\/dist\/protocol\//],
  ['IAM (src/iam)', /\/dist\/iam\//],
  ['store read (src/store)', /\/dist\/store\//],
  ['dispatch, handlers, response (src/http)', /\/dist\/(http|server)/],
  [
    'Node HTTP (parser, request/response objects)',
    /node:_http|node:internal\/streams|llhttp|Parser::|node:net\b|StreamBase/,
  ],
  ['promises, microtasks', /RunMicrotasks|PromiseFulfill|AsyncFunction|ResumeGenerator|PerformPromiseThen/],
];

/** The part a sample belongs to, and the frame that decided it. */
function partOf(frames: readonly string[], mainThread: boolean): readonly [string, string] {
  if (!mainThread) return ['other threads', ''];
  for (const [name, re] of ANYWHERE) {
    const f = frames.find((x) => re.test(x));
    if (f !== undefined) return [name, f];
  }
  for (const f of frames) for (const [name, re] of INNERMOST) if (re.test(f)) return [name, f];
  return [frames[0]?.includes('[kernel') === true ? 'kernel: other' : 'other (V8, libuv, node)', ''];
}

const frameName = (line: string): string =>
  line
    .trim()
    .replace(/^[0-9a-f]+ /, '')
    .replace(/ \(.*\)$/, '');

const text = execFileSync('perf', ['script', '-i', file, '-F', 'pid,tid,ip,sym,dso'], {
  maxBuffer: 1 << 30,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
});
const counts = new Map<string, number>();
const details = new Map<string, number>();
let total = 0;
for (const sample of text.split('\n\n')) {
  const lines = sample.split('\n').filter((l) => l.trim() !== '');
  const head = /^\s*(\d+)\/(\d+)/.exec(lines[0] ?? '');
  if (head === null) continue;
  const [part, decidedBy] = partOf(lines.slice(1), head[1] === head[2]);
  counts.set(part, (counts.get(part) ?? 0) + 1);
  if (detail !== undefined && part.startsWith(detail)) {
    const key = frameName(decidedBy);
    details.set(key, (details.get(key) ?? 0) + 1);
  }
  total += 1;
}
const rows = [...counts].sort((a, b) => b[1] - a[1]);
const out = [`${total} samples${perRequest === undefined ? '' : `, ${perRequest} CPU µs per request`}`];
for (const [part, n] of rows) {
  const share = n / total;
  const us = perRequest === undefined ? '' : `  ${(share * perRequest).toFixed(1).padStart(6)} µs`;
  out.push(`${(share * 100).toFixed(1).padStart(5)}%${us}  ${part}`);
}
for (const [key, n] of [...details].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  const us = perRequest === undefined ? '' : `  ${((n / total) * perRequest).toFixed(2).padStart(6)} µs`;
  out.push(`  ${((n / total) * 100).toFixed(2).padStart(5)}%${us}  ${key}`);
}
process.stdout.write(`${out.join('\n')}\n`);
