import type { JobSummary } from '../client/types.js';
import { JOB_STATUSES, type JobStatus } from '../jobs/model.js';
import { html, isoTime, progressBar, progressText, statusBadge, type SafeHtml } from './html.js';

/** The JSON the jobs page polls (GET /-/console/jobs.json): what one table row needs. */
export interface JobRowJson {
  readonly jobId: string;
  readonly status: string;
  readonly operation: string;
  readonly priority: number;
  readonly description: string;
  readonly created: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly total: number;
}

export function jobRowJson(j: JobSummary): JobRowJson {
  return {
    jobId: j.jobId,
    status: j.status,
    operation: j.operation,
    priority: j.priority,
    description: j.description ?? '',
    created: isoTime(j.creationTime),
    succeeded: j.progress.succeededTasks,
    failed: j.progress.failedTasks,
    total: j.progress.totalTasks,
  };
}

/** `?status=Active&status=Suspended` → valid statuses only (unknown values are ignored, not echoed). */
export function statusFilter(query: URLSearchParams): JobStatus[] {
  const wanted = new Set(query.getAll('status'));
  return JOB_STATUSES.filter((s) => wanted.has(s));
}

export const jobLink = (jobId: string): string => `/-/console/job?id=${encodeURIComponent(jobId)}`;

function row(j: JobSummary): SafeHtml {
  return html`<tr data-job-id="${j.jobId}">
    <td>
      <a href="${jobLink(j.jobId)}">${j.jobId}</a>
      <div class="desc">${j.description ?? ''}</div>
    </td>
    <td>${j.operation}</td>
    <td class="num">${j.priority}</td>
    <td>
      ${progressBar(j.progress, `Progress of job ${j.jobId}`)}<span class="ptext"
        >${progressText(j.progress)}</span
      >
    </td>
    <td>${statusBadge(j.status)}</td>
    <td><time datetime="${isoTime(j.creationTime)}">${isoTime(j.creationTime)}</time></td>
  </tr>`;
}

function filterForm(selected: readonly JobStatus[]): SafeHtml {
  const boxes = JOB_STATUSES.map(
    (s) =>
      html`<label class="check"
        ><input type="checkbox" name="status" value="${s}" ${selected.includes(s) ? html`checked` : html``} />
        ${s}</label
      >`,
  );
  return html`<form class="filters" method="get" action="/-/console/jobs">
    <fieldset>
      <legend>Filter by status</legend>
      ${boxes}
    </fieldset>
    <button type="submit">Apply filter</button>
    <a href="/-/console/jobs">Show all</a>
  </form>`;
}

export interface JobsPageInput {
  readonly jobs: readonly JobSummary[];
  readonly selected: readonly JobStatus[];
  readonly nextToken?: string | undefined;
  /** The page's own continuation token (older pages poll themselves, not the first page). */
  readonly token?: string | undefined;
  readonly canCreate: boolean;
  readonly error?: string | undefined;
}

export function jobsPageBody(input: JobsPageInput): SafeHtml {
  const query = new URLSearchParams(input.selected.map((s): [string, string] => ['status', s]));
  const more =
    input.nextToken === undefined
      ? html``
      : html`<p>
          <a
            href="/-/console/jobs?${new URLSearchParams([...query, ['token', input.nextToken] as [string, string]]).toString()}"
            >Older jobs</a
          >
        </p>`;
  const poll = new URLSearchParams(query);
  if (input.token !== undefined) poll.set('token', input.token);
  const empty = input.jobs.length === 0 ? html`<p class="empty">No jobs match.</p>` : html``;
  return html`<h1>Jobs</h1>
    ${input.canCreate ? html`<p><a class="button" href="/-/console/new">Create job</a></p>` : html``}
    ${input.error !== undefined ? html`<p class="error" role="alert">${input.error}</p>` : html``}
    ${filterForm(input.selected)}
    <p id="live-status" class="live" aria-live="polite">${input.jobs.length} jobs shown.</p>
    <table class="jobs" id="jobs-table" data-poll="/-/console/jobs.json?${poll.toString()}">
      <caption>
        Newest first; progress refreshes every second.
      </caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Operation</th>
          <th scope="col">Priority</th>
          <th scope="col">Progress</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        ${input.jobs.map(row)}
      </tbody>
    </table>
    ${empty}${more}`;
}
