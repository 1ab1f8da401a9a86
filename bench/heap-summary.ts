/**
 * Summarises a sampling heap profile (`npm run bench -- --heap-prof-execute FILE`, every allocation of the
 * execute phase, collected or not): bytes allocated per task by the function that allocated them (self) and
 * by the engine/store function on the stack (inclusive), the top N of each.
 *
 *   npx tsx bench/heap-summary.ts exec.heapprofile [top=30] [tasks=1000000]
 */
import fs from 'node:fs';

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}

const [file, topArg, tasksArg] = process.argv.slice(2);
if (!file) throw new Error('usage: heap-summary.ts FILE [top] [tasks]');
const top = Number(topArg ?? 30);
const tasks = Number(tasksArg ?? 1_000_000);
const { head } = JSON.parse(fs.readFileSync(file, 'utf8')) as { head: Node };
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const name = (n: Node): string =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
let total = 0;
const walk = (n: Node, stack: Set<string>): number => {
  const me = name(n);
  let sum = n.selfSize;
  self.set(me, (self.get(me) ?? 0) + n.selfSize);
  const pushed = !stack.has(me);
  if (pushed) stack.add(me);
  for (const c of n.children) sum += walk(c, stack);
  if (pushed) {
    stack.delete(me);
    inclusive.set(me, (inclusive.get(me) ?? 0) + sum);
  }
  return sum;
};
total = walk(head, new Set());
const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (bytes per task; total ${(total / tasks).toFixed(0)} B/task)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(v / tasks).toFixed(1).padStart(9)}  ${k}`);
};
show('self', self);
show('inclusive', inclusive);
