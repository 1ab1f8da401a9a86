/**
 * Self time per function (and per file) of a `.cpuprofile`, largest first: where the microseconds go.
 *
 *   npx tsx bench/profile-summary.ts exec.cpuprofile [top=40] [tasks]
 *
 * With `tasks` (the tasks run during the profile) each line also shows µs per task. Last, the samples by
 * part of a job's execute phase: each sample counts to the first part named anywhere on its stack, in
 * PARTS' order (the store's write first, so the store's own calls into other layers stay the store's).
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, tasksArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top] [tasks]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 40);
const tasks = tasksArg ? Number(tasksArg) : undefined;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});
const total = profile.endTime - profile.startTime;
const shortUrl = (u: string): string => u.replace(/^.*\/(src|dist|node_modules)\//, '$1/');
const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
const fns = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n) continue;
  const f = n.callFrame;
  const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '(native)';
  add(fns, `${f.functionName || '(anonymous)'} ${where}`, us);
  add(files, f.url ? shortUrl(f.url) : f.functionName || '(native)', us);
}
const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (profile ${(total / 1e6).toFixed(2)} s)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const pct = ((100 * us) / total).toFixed(1).padStart(5);
    const per = tasks ? ` ${(us / tasks).toFixed(2).padStart(6)} µs/task` : '';
    console.log(`${pct}%${per}  ${k}`);
  }
};
// Inclusive time: a sample counts once for every distinct function on its stack.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node): string =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : '(native)'}`;
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at);
    if (n) seen.add(label(n));
  }
  for (const k of seen) add(inclusive, k, us);
}

/** Parts of the execute phase, by a frame's function and file. */
const PARTS: readonly (readonly [string, (f: Node['callFrame']) => boolean])[] = [
  ['store write', (f) => f.functionName === 'applyBatch' && f.url.endsWith('/bulk-ops.js')],
  ['(garbage collector)', (f) => f.functionName === '(garbage collector)'],
  ['(idle)', (f) => f.functionName === '(idle)'],
  ['node-postgres', (f) => f.url.includes('node_modules/pg/')],
  ['report', (f) => /\/(report|shard)[^/]*\.js$/.test(f.url)],
  ['manifest', (f) => f.url.includes('/manifest/')],
  ['http', (f) => /\/(http|protocol)\/|node:_http/.test(f.url)],
  ['iam', (f) => f.url.includes('/iam/')],
  ['db', (f) => f.url.includes('/db/')],
  ['engine', (f) => /\/(engine|jobs)\//.test(f.url)],
];
const partOf = new Map<number, string>();
const partFor = (id: number): string => {
  const known = partOf.get(id);
  if (known !== undefined) return known;
  const stack: Node['callFrame'][] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at);
    if (n) stack.push(n.callFrame);
  }
  const part = PARTS.find(([, is]) => stack.some(is))?.[0] ?? 'other (Node, natives)';
  partOf.set(id, part);
  return part;
};
const parts = new Map<string, number>();
for (const [id, us] of selfUs) add(parts, partFor(id), us);

show('self time by function', fns);
show('self time by file', files);
show('inclusive time by function', inclusive);
show('by part of the execute phase', parts);
