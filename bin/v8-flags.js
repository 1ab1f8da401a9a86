// V8 settings for every `ossbatch` process (bin/ossbatch.js applies them before anything else runs; the jobs
// bench's server, bench/job-server-process.mjs, applies the same so that it measures the server as shipped).
import v8 from 'node:v8';

/**
 * Old generation: a full collection once the heap reaches twice what the last one kept, instead of V8's
 * adaptive factor (up to 4x). A job's execute phase turns ~100-190 B per task of short-lived garbage into
 * old-generation garbage; with ~27 MB live, V8 let it reach ~110 MB before collecting (peak RSS 204-236 MB
 * over 1M tasks, `npm run bench`); at 2x it stays at ~55 MB (peak 163-193 MB), with execute CPU per task
 * within the run-to-run noise (docs/performance.md, issue 10 third pass). Not a cap: the heap still grows
 * with what is live, so no limit can make the server run out of memory.
 */
export const V8_FLAGS = ['--heap-growing-percent=100'];

export function applyV8Flags() {
  for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
}
