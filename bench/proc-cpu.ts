import fs from 'node:fs';

/** CPU seconds a process has used so far in user space and in the kernel. */
export interface CpuTime {
  readonly user: number;
  readonly sys: number;
}

/**
 * CPU seconds (user and system) a process has used so far, from Linux's /proc/<pid>/stat; undefined where
 * there is no /proc (macOS) or the process is gone. The bench reads it for processes it did not start in
 * its own runtime (node processes, the proxy process, PostgreSQL backends), where process.cpuUsage() cannot
 * reach.
 */
export function cpuTime(pid: number): CpuTime | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
  // state is field 3, utime field 14, stime field 15, both in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // USER_HZ is 100 on every Linux the kernel ABI allows user space to see (sysconf(_SC_CLK_TCK)).
  return { user: Number(fields[11]) / 100, sys: Number(fields[12]) / 100 };
}

/** User + system CPU seconds of a process so far (see cpuTime). */
export function cpuSeconds(pid: number): number | undefined {
  const t = cpuTime(pid);
  return t === undefined ? undefined : t.user + t.sys;
}

/** This process's CPU seconds (user + system), portable. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds a set of processes used between `start()` and `stop()`. */
export class CpuMeter {
  private readonly before = new Map<number, CpuTime>();

  constructor(private readonly pids: readonly number[]) {}

  start(): void {
    for (const pid of this.pids) this.before.set(pid, cpuTime(pid) ?? { user: 0, sys: 0 });
  }

  /** User and system seconds used since start(), summed over the pids; undefined when /proc cannot be read. */
  stop(): CpuTime | undefined {
    let user = 0;
    let sys = 0;
    for (const pid of this.pids) {
      const now = cpuTime(pid);
      if (now === undefined) return undefined;
      user += now.user - (this.before.get(pid)?.user ?? 0);
      sys += now.sys - (this.before.get(pid)?.sys ?? 0);
    }
    return { user, sys };
  }
}

/** The whole machine's CPU time from /proc/stat (all cores, all processes), in ticks; undefined off Linux. */
export function machineTicks(): { busy: number; total: number } | undefined {
  let line: string | undefined;
  try {
    line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return undefined;
  }
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user already).
  const t = (line ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  const idle = (t[3] ?? 0) + (t[4] ?? 0);
  return { busy: total - idle, total };
}
