import { JOB_STATUSES, TERMINAL_STATUSES, type JobStatus } from './model.js';

/**
 * The job state machine of spec §7.3 as data. Every status change anywhere (API or engine) goes through
 * `JobRepo.transition`, whose `from` list should come from this table (`sourcesOf(to)`) or a subset of it.
 *
 * Edges beyond the drawing in §7.3, each with its reason:
 * - every non-terminal, non-settling status → Cancelling: UpdateJobStatus Cancelled (§6, gap 10);
 * - Ready / Suspended / Pausing / Paused / Completing / Cancelling → Failing: a job-level error can be
 *   discovered at any point where the engine touches the job (role revoked at scheduling, report bucket
 *   unwritable while Completing or Cancelling — §8.1 "write the report → job Failed");
 * - Suspended → Failed directly: the 14-day confirmation timeout has nothing in flight to wind down (§7.3).
 * Terminal statuses have no way out.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  New: ['Preparing', 'Cancelling', 'Failing'],
  Preparing: ['Ready', 'Suspended', 'Cancelling', 'Failing'],
  Ready: ['Active', 'Cancelling', 'Failing'],
  Suspended: ['Ready', 'Cancelling', 'Failing', 'Failed'],
  Active: ['Completing', 'Pausing', 'Cancelling', 'Failing'],
  Pausing: ['Paused', 'Cancelling', 'Failing'],
  Paused: ['Active', 'Cancelling', 'Failing'],
  Completing: ['Complete', 'Failing'],
  Complete: [],
  Cancelling: ['Cancelled', 'Failing'],
  Cancelled: [],
  Failing: ['Failed'],
  Failed: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** Every status from which `to` may be entered (the `from` list for JobRepo.transition). */
export function sourcesOf(to: JobStatus): JobStatus[] {
  return JOB_STATUSES.filter((s) => ALLOWED_TRANSITIONS[s].includes(to));
}

export const isTerminal = (s: JobStatus): boolean => TERMINAL_STATUSES.has(s);

/** Statuses that still need something done (everything but Complete/Cancelled/Failed). */
export const NON_TERMINAL: readonly JobStatus[] = JOB_STATUSES.filter((s) => !TERMINAL_STATUSES.has(s));

/** The planner's work: New jobs to start preparing, and Preparing jobs to resume after a restart. */
export const PLANNABLE: readonly JobStatus[] = ['New', 'Preparing'];

/** Jobs the scheduler/workers run: Ready (waiting for a slot, priority order) and Active (chunks leasable). */
export const RUNNABLE: readonly JobStatus[] = ['Ready', 'Active'];

/** Jobs with work possibly in flight; workers stop at an object boundary when such a job leaves them. */
export const IN_FLIGHT: readonly JobStatus[] = ['Active', 'Pausing', 'Paused'];

/** Transitional statuses the engine must drive to their terminal status (report, cleanup). */
export const SETTLING: readonly JobStatus[] = ['Completing', 'Cancelling', 'Failing'];

/** Where each settling status ends. */
export const SETTLES_TO: Readonly<Record<'Completing' | 'Cancelling' | 'Failing', JobStatus>> = {
  Completing: 'Complete',
  Cancelling: 'Cancelled',
  Failing: 'Failed',
};

/** UpdateJobStatus Ready is allowed only from these (spec §6 [DOC]). */
export const READY_ALLOWED_FROM: readonly JobStatus[] = ['Suspended', 'Preparing'];

/** UpdateJobStatus Cancelled is refused from these (spec §6 [DOC]). */
export const CANCEL_REFUSED_FROM: readonly JobStatus[] = [
  'Cancelled',
  'Cancelling',
  'Complete',
  'Completing',
  'Failed',
  'Failing',
];

/** UpdateJobStatus Cancelled moves these to Cancelling (§7.3; the engine settles Cancelling → Cancelled). */
export const CANCELLABLE: readonly JobStatus[] = JOB_STATUSES.filter((s) => !CANCEL_REFUSED_FROM.includes(s));

/** The only values UpdateJobStatus accepts for requestedJobStatus (spec §6). */
export const REQUESTABLE_STATUSES = ['Ready', 'Cancelled'] as const;
export type RequestableStatus = (typeof REQUESTABLE_STATUSES)[number];

export type RequestedStatusOutcome =
  | { readonly ok: true; readonly to: JobStatus; readonly preConfirm?: true }
  | { readonly ok: false; readonly message: string };

/**
 * What UpdateJobStatus does for a job in `current` asked to become `requested` (spec §6, §7.3, gap 10):
 * - Ready from Suspended → Ready; from Preparing → stays Preparing but pre-confirmed (skips Suspended);
 *   anything else refused.
 * - Cancelled from New/Preparing/Ready/Suspended/Active/Pausing/Paused → Cancelling (returned as the new
 *   status, "enters Cancelling for a period of time" [DOC]); refused from the six in CANCEL_REFUSED_FROM.
 * A refusal is 400 InvalidRequest with `message` naming the current status.
 */
export function requestedStatusOutcome(
  current: JobStatus,
  requested: RequestableStatus,
): RequestedStatusOutcome {
  if (requested === 'Ready') {
    if (current === 'Suspended') return { ok: true, to: 'Ready' };
    if (current === 'Preparing') return { ok: true, to: 'Preparing', preConfirm: true };
    return { ok: false, message: refusal(current, requested) };
  }
  if (CANCEL_REFUSED_FROM.includes(current)) return { ok: false, message: refusal(current, requested) };
  return { ok: true, to: 'Cancelling' };
}

const refusal = (current: JobStatus, requested: RequestableStatus): string =>
  `The job status is ${current} and cannot be changed to ${requested}.`;
