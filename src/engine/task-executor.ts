import type { Authorizer, Iam, Principal, RequestContext } from '../iam/types.js';
import type { JobOperation } from '../jobs/model.js';
import type { Clock } from '../protocol/clock.js';
import type { ChangeResult, ObjectChange, ObjectOperation, ObjectStore } from '../store/object-store.js';
import type { BucketInfo } from '../store/types.js';
import type { Task } from './manifest/types.js';
import { OPERATION_ACTIONS, toObjectOperation } from './operations.js';

/** The outcome of one task, as the report and the counters see it. */
export type TaskResult =
  | { readonly ok: true; readonly message?: string | undefined }
  | { readonly ok: false; readonly code: string; readonly status: number; readonly message: string };

/** Store writes per applyBatch call: the port's ~1000-change transaction (ARCHITECTURE.md §4). */
export const MAX_BATCH = 1000;
/** Transient failures are retried after these pauses (3 retries), then count as failed. */
export const RETRY_DELAYS_MS: readonly number[] = [50, 200, 800];

type Role = Extract<Principal, { kind: 'role' }>;

/**
 * Runs one job's operation over batches of tasks as the job's RAM role: per task the role's policies
 * (plus bucket policy / ownership) are evaluated for every action the operation needs, then the allowed
 * changes go to the store in one applyBatch. Bucket metadata is looked up once per batch.
 */
export class TaskExecutor {
  private readonly actions: readonly string[];
  private readonly op: ObjectOperation;

  constructor(
    private readonly store: ObjectStore,
    private readonly iam: Iam,
    private readonly role: Role,
    operation: JobOperation,
    private readonly region: string,
    private readonly clock: Clock,
  ) {
    this.actions = OPERATION_ACTIONS[operation.kind];
    this.op = toObjectOperation(operation);
  }

  async run(tasks: readonly Task[]): Promise<TaskResult[]> {
    const results: TaskResult[] = new Array<TaskResult>(tasks.length);
    const buckets = await this.lookupBuckets(tasks);
    // Sized once: growing them push by push re-copied them (~180 B per task of the 1.7 KB the execute
    // phase allocated per task, `npm run bench -- --heap-prof-execute`).
    const changes: ObjectChange[] = new Array<ObjectChange>(tasks.length);
    const positions: number[] = new Array<number>(tasks.length);
    let allowedCount = 0;
    // One request context per batch (every task of a batch is decided at the same instant).
    const context = { secureTransport: true, currentTime: this.clock.now() };
    // The role's policies are loaded once per batch (one await), then every task is decided synchronously.
    const authorize = await this.iam.authorizerFor(this.role);
    for (const bucket of buckets.values())
      if (bucket !== undefined)
        bucket.sameForEveryKey = this.actions.every((a) =>
          authorize.sameForEveryKey(a, bucket.info, bucket.arnPrefix),
        );
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i] as Task;
      const bucket = buckets.get(t.bucket);
      if (bucket === undefined) {
        results[i] = {
          ok: false,
          code: 'NoSuchBucket',
          status: 404,
          message: 'The specified bucket does not exist.',
        };
      } else if (!this.allowed(authorize, bucket, t.key, context)) {
        results[i] = {
          ok: false,
          code: 'AccessDenied',
          status: 403,
          message: `The job role is not allowed to ${this.actions.join(' and ')} on this object.`,
        };
      } else {
        changes[allowedCount] = { bucket: t.bucket, key: t.key, versionId: t.versionId, op: this.op };
        positions[allowedCount] = i;
        allowedCount += 1;
      }
    }
    changes.length = allowedCount;
    for (let from = 0; from < changes.length; from += MAX_BATCH) {
      const part = changes.slice(from, from + MAX_BATCH);
      const out = await this.applyWithRetry(part);
      for (let j = 0; j < out.length; j++)
        results[positions[from + j] as number] = toTaskResult(out[j] as ChangeResult);
    }
    return results;
  }

  private async lookupBuckets(tasks: readonly Task[]): Promise<Map<string, BatchBucket | undefined>> {
    const map = new Map<string, BatchBucket | undefined>();
    // Indexed, not for-of: across the await below, the array iterator's result objects were allocated for
    // real, one per task (~40 B per task, --heap-prof-execute).
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i] as Task;
      if (map.has(t.bucket)) continue;
      const info = await this.store.getBucket(t.bucket);
      map.set(t.bucket, info && { info, arnPrefix: `acs:oss:${this.region}:${info.owner}:${info.name}/` });
    }
    return map;
  }

  private allowed(authorize: Authorizer, bucket: BatchBucket, key: string, context: RequestContext): boolean {
    if (bucket.verdict !== undefined) return bucket.verdict;
    // The ARN's bucket part is built once per batch: a seven-part template per task was ~440 B of
    // allocation per task (one string per `+`), a quarter of the execute phase's (--heap-prof-execute).
    const resource = bucket.arnPrefix + key;
    let verdict = true;
    for (const action of this.actions) {
      if (authorize({ action, resource, bucket: bucket.info, context }) !== 'allow') {
        verdict = false;
        break;
      }
    }
    // No statement tells this bucket's keys apart (the usual role: `bucket/*`, or `*`): the first task's
    // decision is every task's in this batch (same context): `allowed` 0.08 → under 0.01 µs per task with
    // the bench's one-statement role (--cpu-prof-execute, 300k tasks, bench/profile-summary.ts inclusive);
    // per task it grows with the role's statements.
    if (bucket.sameForEveryKey) bucket.verdict = verdict;
    return verdict;
  }

  /** Retryable results are re-applied (only those changes) with backoff; permanent ones are final. */
  private async applyWithRetry(changes: readonly ObjectChange[]): Promise<ChangeResult[]> {
    const results = await this.store.applyBatch(changes);
    for (const delay of RETRY_DELAYS_MS) {
      const again = results.flatMap((r, i) => (!r.ok && r.retryable ? [i] : []));
      if (again.length === 0) break;
      await this.clock.sleep(delay);
      const retried = await this.store.applyBatch(again.map((i) => changes[i] as ObjectChange));
      again.forEach((i, j) => (results[i] = retried[j] as ChangeResult));
    }
    return results;
  }
}

/** A bucket of the batch and the ARN prefix of its objects (`acs:oss:<region>:<owner>:<bucket>/`). */
interface BatchBucket {
  readonly info: BucketInfo;
  readonly arnPrefix: string;
  /** The role's decision cannot depend on the key here (Authorizer.sameForEveryKey, every action). */
  sameForEveryKey?: boolean;
  /** With sameForEveryKey, the batch's one decision once its first task was decided. */
  verdict?: boolean;
}

/** Shared by every plain success: one allocation fewer per task on the execute path (GC was ~7% of it). */
const SUCCEEDED: TaskResult = Object.freeze({ ok: true });

function toTaskResult(r: ChangeResult): TaskResult {
  if (r.ok) return r.message === undefined ? SUCCEEDED : { ok: true, message: r.message };
  return { ok: false, code: r.code, status: r.status, message: r.message };
}
