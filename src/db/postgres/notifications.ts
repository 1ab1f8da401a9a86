import pg from 'pg';
import type { Notification, NotificationListener, Notifications } from '../notifications.js';
import { realTimers, type TimerHandle } from '../../protocol/clock.js';

/** The one channel every ossbatch node LISTENs on (the IAM trigger of migration 001 NOTIFYs it too). */
export const CHANNEL = 'ossbatch';

/** Reconnect backoff after the LISTEN connection drops: 250 ms doubling to 5 s (a restarting server is back in seconds). */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;

export interface PgNotifications extends Notifications {
  /** True while the LISTEN connection is up. */
  readonly listening: boolean;
  /** Connects and LISTENs (resolves once listening; rejects when the first connect fails). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Parses a payload; anything that is not one of our notifications is ignored (notifications are hints). */
function parsePayload(payload: string | undefined): Notification | undefined {
  try {
    const v = JSON.parse(payload ?? '') as { kind?: unknown; jobId?: unknown; bucket?: unknown };
    if (v.kind === 'iam-changed') return { kind: 'iam-changed' };
    if (v.kind === 'job-changed' && typeof v.jobId === 'string')
      return { kind: 'job-changed', jobId: v.jobId };
    if (v.kind === 'bucket-changed' && typeof v.bucket === 'string')
      return { kind: 'bucket-changed', bucket: v.bucket };
  } catch {
    // not JSON: not ours
  }
  return undefined;
}

/**
 * Notifications over LISTEN/NOTIFY: publish is `SELECT pg_notify('ossbatch', <json>)` on the pool; one
 * dedicated client (outside the pool: a pooled client would be handed to queries) LISTENs and fans out to
 * this process's subscribers. A node's own publishes come back through its LISTEN, which is the loopback.
 *
 * While the LISTEN connection is down (database restart, network drop) notifications from other nodes are
 * lost: PostgreSQL does not queue them for a session that is gone. That is within the port's contract (hints;
 * engines also tick, IAM caches re-check changeToken), and to keep loopback, publishes made while down are
 * delivered to local subscribers directly. The client reconnects with backoff; on reconnect every subscriber
 * receives `iam-changed`, since IAM changes made meanwhile may have been missed (job changes are picked up by
 * the engines' own tick).
 */
export function createPgNotifications(pool: pg.Pool, clientConfig: pg.ClientConfig): PgNotifications {
  const listeners = new Set<NotificationListener>();
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let retryMs = RETRY_FIRST_MS;
  let retry: TimerHandle | undefined;

  const deliver = (n: Notification): void => {
    for (const l of [...listeners]) {
      try {
        l(n);
      } catch {
        // A listener's failure must not stop the others (see the port).
      }
    }
  };

  const dropped = (c: pg.Client): void => {
    if (client !== c) return;
    client = undefined;
    listening = false;
    c.removeAllListeners('notification');
    void c.end().catch(() => undefined);
    if (!closed) scheduleReconnect();
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client(clientConfig);
    c.on('error', () => dropped(c));
    c.on('end', () => dropped(c));
    c.on('notification', (m) => {
      if (m.channel !== CHANNEL) return;
      const n = parsePayload(m.payload);
      if (n) deliver(n);
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      dropped(c);
      throw e;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    listening = true;
    retryMs = RETRY_FIRST_MS;
  };

  function scheduleReconnect(): void {
    if (retry !== undefined || closed) return;
    retry = realTimers.setTimeout(() => {
      retry = undefined;
      connect().then(
        () => deliver({ kind: 'iam-changed' }),
        () => undefined, // dropped() already scheduled the next try
      );
    }, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }

  return {
    get listening() {
      return listening;
    },
    start: connect,
    /**
     * Never rejects (callers fire and forget: `void publish(…)`, and an unhandled rejection would end the
     * process): when the database cannot be reached the notification is delivered locally only.
     */
    async publish(n) {
      const notify = {
        name: 'notify',
        text: 'SELECT pg_notify($1, $2)',
        values: [CHANNEL, JSON.stringify(n)],
      };
      const sent = await pool.query(notify).then(
        () => true,
        () => false,
      );
      if (!sent || !listening) queueMicrotask(() => deliver(n));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      retry?.cancel();
      retry = undefined;
      listeners.clear();
      const c = client;
      client = undefined;
      listening = false;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
