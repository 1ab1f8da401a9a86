/**
 * CPU seconds PostgreSQL's backends spent on one database between start() and stop(): the backends
 * pg_stat_activity lists for it, read from /proc (the server must be on this machine). A backend that
 * starts meanwhile counts whole; one that exits meanwhile is lost (the server's pool keeps its
 * connections for 30 s idle, longer than the phases measured). Used by bench:cluster and bench/jobs.ts.
 */
import pg from 'pg';
import { cpuSeconds } from './proc-cpu.js';

export class PgBackendCpu {
  private readonly before = new Map<number, number>();

  /** `admin` connects to another database of the same server, so that its own backend is not counted. */
  constructor(
    private readonly admin: pg.Client,
    private readonly dbName: string,
  ) {}

  private async pids(): Promise<number[]> {
    const sql = 'SELECT pid FROM pg_stat_activity WHERE datname = $1';
    return (await this.admin.query<{ pid: number }>(sql, [this.dbName])).rows.map((r) => r.pid);
  }

  async start(): Promise<void> {
    this.before.clear();
    for (const pid of await this.pids()) this.before.set(pid, cpuSeconds(pid) ?? 0);
  }

  async stop(): Promise<number> {
    let seconds = 0;
    for (const pid of await this.pids()) seconds += (cpuSeconds(pid) ?? 0) - (this.before.get(pid) ?? 0);
    return seconds;
  }
}

/**
 * A meter for the database a bench's server uses, or undefined on SQLite; close() ends its admin connection.
 * The URL's query (`?pool_size=`) is ossbatch's, not pg's: only the server part is kept.
 */
export async function pgBackendCpuFor(
  db: { kind: 'sqlite' } | { kind: 'postgres'; url: string; database: string },
): Promise<{ meter: PgBackendCpu; close(): Promise<void> } | undefined> {
  if (db.kind !== 'postgres') return undefined;
  const server = new URL(db.url);
  server.pathname = '/postgres';
  server.search = '';
  const admin = new pg.Client({ connectionString: server.href });
  await admin.connect();
  return { meter: new PgBackendCpu(admin, db.database), close: () => admin.end() };
}
