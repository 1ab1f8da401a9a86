import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, TERMINAL_STATUSES, type JobStatus } from '../../src/jobs/model.js';
import {
  ALLOWED_TRANSITIONS,
  CANCELLABLE,
  IN_FLIGHT,
  NON_TERMINAL,
  PLANNABLE,
  READY_ALLOWED_FROM,
  RUNNABLE,
  SETTLES_TO,
  SETTLING,
  canTransition,
  requestedStatusOutcome,
  sourcesOf,
} from '../../src/jobs/status-table.js';

const reachable = (from: JobStatus): Set<JobStatus> => {
  const seen = new Set<JobStatus>([from]);
  const queue = [from];
  for (let s = queue.shift(); s; s = queue.shift()) {
    for (const n of ALLOWED_TRANSITIONS[s]) {
      if (seen.has(n)) continue;
      seen.add(n);
      queue.push(n);
    }
  }
  return seen;
};

describe('job status table (spec §7.3)', () => {
  it('has the drawn edges of spec §7.3', () => {
    const drawn: [JobStatus, JobStatus][] = [
      ['New', 'Preparing'],
      ['Preparing', 'Ready'],
      ['Preparing', 'Suspended'],
      ['Preparing', 'Failing'],
      ['Ready', 'Active'],
      ['Active', 'Completing'],
      ['Completing', 'Complete'],
      ['Suspended', 'Ready'],
      ['Suspended', 'Failed'],
      ['Failing', 'Failed'],
      ['Active', 'Pausing'],
      ['Pausing', 'Paused'],
      ['Paused', 'Active'],
      ['Active', 'Failing'],
      ['Cancelling', 'Cancelled'],
    ];
    for (const [a, b] of drawn) expect(canTransition(a, b), `${a} → ${b}`).toBe(true);
    for (const s of ['New', 'Preparing', 'Ready', 'Suspended', 'Active', 'Pausing', 'Paused'] as const) {
      expect(canTransition(s, 'Cancelling'), `${s} → Cancelling`).toBe(true);
    }
  });

  it('terminal statuses have no way out; no self loops; no shortcut into Complete or Cancelled', () => {
    for (const s of TERMINAL_STATUSES) expect(ALLOWED_TRANSITIONS[s]).toEqual([]);
    for (const s of JOB_STATUSES) expect(canTransition(s, s)).toBe(false);
    expect(sourcesOf('Complete')).toEqual(['Completing']);
    expect(sourcesOf('Cancelled')).toEqual(['Cancelling']);
    expect(sourcesOf('Failed')).toEqual(['Suspended', 'Failing']);
    expect(canTransition('New', 'Active')).toBe(false);
    expect(canTransition('Suspended', 'Active')).toBe(false);
  });

  it('every status is reachable from New and every non-terminal one can still finish', () => {
    expect([...reachable('New')].sort()).toEqual([...JOB_STATUSES].sort());
    for (const s of NON_TERMINAL) {
      expect(
        [...reachable(s)].some((x) => TERMINAL_STATUSES.has(x)),
        s,
      ).toBe(true);
    }
  });

  it('exports consistent status lists for the engine', () => {
    expect(NON_TERMINAL).toHaveLength(10);
    expect(PLANNABLE).toEqual(['New', 'Preparing']);
    expect(RUNNABLE).toEqual(['Ready', 'Active']);
    expect(IN_FLIGHT).toEqual(['Active', 'Pausing', 'Paused']);
    for (const s of SETTLING) expect(canTransition(s, SETTLES_TO[s as keyof typeof SETTLES_TO])).toBe(true);
    expect(CANCELLABLE).toEqual(['New', 'Preparing', 'Ready', 'Suspended', 'Active', 'Pausing', 'Paused']);
    for (const s of CANCELLABLE) expect(canTransition(s, 'Cancelling')).toBe(true);
    expect(READY_ALLOWED_FROM).toEqual(['Suspended', 'Preparing']);
  });

  it('every successful UpdateJobStatus outcome is a legal edge (or no status change)', () => {
    for (const s of JOB_STATUSES) {
      for (const r of ['Ready', 'Cancelled'] as const) {
        const o = requestedStatusOutcome(s, r);
        if (o.ok && o.to !== s) expect(canTransition(s, o.to), `${s} + ${r}`).toBe(true);
        if (o.ok && o.to === s) expect(o.preConfirm).toBe(true);
      }
    }
  });
});
