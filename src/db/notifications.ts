/** A wake-up travelling between engines, API handlers and IAM caches (possibly across nodes). */
export type Notification =
  /** A job was created or its status / priority changed: engines re-read it. */
  | { readonly kind: 'job-changed'; readonly jobId: string }
  /** RAM users, keys, policies, roles or attachments changed: IAM caches drop their entries. */
  | { readonly kind: 'iam-changed' }
  /** A bucket's catalog row (owner, ACL, policy) was created, changed or removed: bucket caches drop it. */
  | { readonly kind: 'bucket-changed'; readonly bucket: string };

export type NotificationListener = (n: Notification) => void;

/**
 * Publish/subscribe of wake-ups. Adapters: db/sqlite/notifications.ts (in-process, plus polling
 * PRAGMA data_version so `ossbatch ram` in another process raises iam-changed), db/postgres/
 * (LISTEN/NOTIFY on one channel, JSON payload; delivered to every node within 1 s).
 * Guarantees: best effort and at-least-zero: a notification may be lost, coalesced or duplicated, so
 * subscribers treat it as a hint (engines also tick, IAM caches also re-check). A publisher's own
 * subscribers receive its notifications too (loopback). Listeners run asynchronously after publish
 * resolves or in the same turn; they must not throw (a throw is caught and ignored).
 */
export interface Notifications {
  publish(n: Notification): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: NotificationListener): () => void;
}
