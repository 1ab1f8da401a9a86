/**
 * Preload for a server under load (`node --import bench/heap-sampling-preload.mjs …`, bench/http-heap.ts):
 * the first SIGUSR2 starts the inspector's sampling heap profiler counting every allocation, also what the
 * next scavenge frees (`--heap-prof` keeps only what is live at exit and hides the garbage); the second
 * stops it and writes the profile to $OSSBATCH_HEAP_PROFILE, then prints `heap profile written` on stderr.
 * OSSBATCH_HEAP_PROMOTED_ONLY=1 leaves out what scavenges free: only what survived them (what fills the old
 * generation and brings on the mark-compacts).
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';

const file = process.env.OSSBATCH_HEAP_PROFILE;
const interval = Number(process.env.OSSBATCH_HEAP_SAMPLING_INTERVAL ?? 512);
let session;
if (file) {
  process.on('SIGUSR2', () => {
    if (session === undefined) {
      session = new Session();
      session.connect();
      void session.post('HeapProfiler.enable').then(() =>
        session.post('HeapProfiler.startSampling', {
          samplingInterval: interval,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: process.env.OSSBATCH_HEAP_PROMOTED_ONLY !== '1',
        }),
      );
      return;
    }
    void session.post('HeapProfiler.stopSampling').then(({ profile }) => {
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      process.stderr.write('heap profile written\n');
    });
  });
}
