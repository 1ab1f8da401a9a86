/**
 * A V8 CPU profile of one phase of a bench (node:inspector on the bench's own thread), written as a
 * `.cpuprofile` file that Chrome DevTools or bench/profile-summary.ts reads. `--cpu-prof` profiles the
 * whole process (seeding, planning, the baseline), which hides the phase that matters.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';

export async function startPhaseProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 200 µs sampling: fine enough for a per-task cost of a few µs over a phase of seconds.
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
