import type { Job } from '../client/types.js';
import { TERMINAL_STATUSES } from '../client/types.js';
import { html, type SafeHtml } from './html.js';

/**
 * "Retry failed tasks" on the job page: offered for an ended job with tasks that did not succeed, to a
 * principal allowed oss:CreateJob. The retry itself is the RetryJob extension (src/extensions/job-retry),
 * run as the signed-in principal, so it checks the same permissions as `ossbatch job retry`.
 */
export function canRetry(job: Job, canCreate: boolean): boolean {
  const p = job.progress;
  return canCreate && TERMINAL_STATUSES.includes(job.status) && p.totalTasks > p.succeededTasks;
}

export function retryForm(job: Job, shown: boolean, csrf: string): SafeHtml {
  const p = job.progress;
  const notRun = Math.max(0, p.totalTasks - p.succeededTasks - p.failedTasks);
  return html`<form
    id="retry-form"
    method="post"
    action="/-/console/job/retry"
    ${shown ? html`` : html`hidden`}
  >
    <input type="hidden" name="csrf" value="${csrf}" />
    <input type="hidden" name="id" value="${job.jobId}" />
    <p id="retry-text">
      Creates a new job with the same operation, role and report over the
      <span id="retry-failed">${p.failedTasks.toLocaleString('en-US')}</span> failed and
      <span id="retry-unrun">${notRun.toLocaleString('en-US')}</span> never-run tasks of this job.
    </p>
    <button type="submit" id="retry-button">Retry failed tasks</button>
  </form>`;
}
