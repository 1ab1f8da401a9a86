import type { Notification, NotificationListener, Notifications } from '../notifications.js';
import { realTimers, type TimerHandle } from '../../protocol/clock.js';
import type { SqliteDb } from './open.js';

/**
 * How often the embedded backend checks whether another process (`ossbatch ram`) wrote IAM rows:
 * PRAGMA data_version is an in-memory read that moves only on other connections' commits; only then is
 * iam_generation read. 200 ms keeps CLI changes visible well within the promised second.
 */
const POLL_MS = 200;

export interface SqliteNotifications extends Notifications {
  /** Stops the poller. */
  close(): void;
}

/**
 * In-process notifications for the embedded shape (one process owns the data dir), plus the
 * cross-process IAM poll. Listeners run on a later turn (queueMicrotask), never inside publish().
 */
export function createSqliteNotifications(db: SqliteDb): SqliteNotifications {
  const listeners = new Set<NotificationListener>();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const generation = db.prepare('SELECT value FROM iam_generation WHERE id = 1').pluck();
  let lastVersion = dataVersion.get() as number;
  let lastGeneration = generation.get() as number;
  const deliver = (n: Notification): void => {
    for (const l of [...listeners]) {
      try {
        l(n);
      } catch {
        // A listener's failure must not stop the others (they are hints, see the port).
      }
    }
  };
  let poller: TimerHandle | undefined = realTimers.setInterval(() => {
    if (!db.open) return;
    const v = dataVersion.get() as number;
    if (v === lastVersion) return;
    lastVersion = v;
    const g = generation.get() as number;
    if (g === lastGeneration) return;
    lastGeneration = g;
    deliver({ kind: 'iam-changed' });
  }, POLL_MS);
  return {
    publish(n) {
      if (n.kind === 'iam-changed') lastGeneration = generation.get() as number;
      queueMicrotask(() => deliver(n));
      return Promise.resolve();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      poller?.cancel();
      poller = undefined;
      listeners.clear();
    },
  };
}
