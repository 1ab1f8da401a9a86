import type { Job, JobOperation, ManifestSource, PrefixSource, ReportConfig } from '../client/types.js';
import { html, isoTime, percentDone, progressBar, progressText, statusBadge, type SafeHtml } from './html.js';
import type { JobActions } from './jobs-calls.js';
import { failedCsvLink, failuresLink } from './page-failures.js';
import { rateChart } from './rate-chart.js';
import type { RatePoint } from './rate-history.js';
import { retryForm } from './retry-form.js';
import { reportManifestKeyOf } from '../jobs/report-keys.js';

/** The JSON the job page polls (GET /-/console/job.json?id=…). */
export interface JobJson {
  readonly job: Job;
  readonly actions: JobActions;
  readonly reportKey?: string | undefined;
  /** "Retry failed tasks" can work now (retry-form.ts). */
  readonly retry?: boolean | undefined;
  /** The task rate over the job's life (rate-history.ts), for the chart. */
  readonly rate?: readonly RatePoint[] | undefined;
}

/** `<Prefix>job-<JobId>/manifest.json` in the report bucket (spec §8.3), when the report is enabled. */
export function reportManifestKey(job: Job): string | undefined {
  if (job.report?.enabled !== true || job.report.bucket === undefined) return undefined;
  return reportManifestKeyOf(job.report.prefix, job.jobId);
}

/** A report exists once the job ended with at least one task run (spec §7.3); no link before that. */
export function reportWritten(job: Job): boolean {
  const p = job.progress;
  const ended = job.status === 'Complete' || job.status === 'Cancelled' || job.status === 'Failed';
  return (
    ended && job.report?.enabled === true && Math.max(0, p.succeededTasks) + Math.max(0, p.failedTasks) > 0
  );
}

export const reportLink = (jobId: string): string => `/-/console/job/report?id=${encodeURIComponent(jobId)}`;

function operationText(op: JobOperation | undefined): string {
  if (op === undefined) return '';
  switch (op.type) {
    case 'PutObjectTagging':
    case 'AddObjectTagging':
      return `${op.type}: ${op.tags.map((t) => `${t.key}=${t.value}`).join(', ')}`;
    case 'DeleteObjectTagging':
      return op.type;
    case 'PutObjectAcl':
      return `${op.type}: ${op.acl}`;
    case 'RestoreObject':
      return `${op.type}: ${op.days} days${op.tier ? `, tier ${op.tier}` : ''}`;
  }
}

function sourceRows(src: ManifestSource | PrefixSource | undefined): SafeHtml {
  if (src === undefined) return html``;
  if (src.kind === 'prefix')
    return html`<dt>Key prefix source</dt>
      <dd>oss://${src.sourceBucket}/${src.prefix ?? ''}</dd>`;
  return html`<dt>Manifest</dt>
    <dd>oss://${src.bucket}/${src.object}</dd>
    <dt>Manifest format</dt>
    <dd>${src.format}${src.fields ? ` (fields ${src.fields})` : ''}</dd>
    ${
      src.etag
        ? html`<dt>Manifest ETag</dt>
            <dd>${src.etag}</dd>`
        : html``
    }
    ${
      src.versionId
        ? html`<dt>Manifest version</dt>
            <dd>${src.versionId}</dd>`
        : html``
    }`;
}

function reportRows(job: Job, report: ReportConfig | undefined): SafeHtml {
  if (report?.enabled !== true)
    return html`<dt>Report</dt>
      <dd>disabled</dd>`;
  const key = reportManifestKey(job) ?? '';
  const written = reportWritten(job);
  return html`<dt>Report</dt>
    <dd>oss://${report.bucket ?? ''}/${report.prefix ?? ''} (${report.scope ?? 'AllTasks'})</dd>
    <dt>Report manifest</dt>
    <dd>
      <a id="report-link" href="${reportLink(job.jobId)}" ${written ? html`` : html`hidden`}>${key}</a>
      <span id="report-pending" ${written ? html`hidden` : html``}
        >written when the job ends, if any task ran</span
      >
    </dd>`;
}

function details(job: Job): SafeHtml {
  return html`<dl class="fields">
    <dt>Job ID</dt>
    <dd><code>${job.jobId}</code></dd>
    <dt>Status</dt>
    <dd id="job-status">${statusBadge(job.status)}</dd>
    <dt>Priority</dt>
    <dd id="job-priority">${job.priority}</dd>
    <dt>Description</dt>
    <dd>${job.description ?? ''}</dd>
    <dt>Operation</dt>
    <dd>${operationText(job.operation)}</dd>
    ${sourceRows(job.source)} ${reportRows(job, job.report)}
    <dt>Role</dt>
    <dd>${job.roleArn ?? ''}</dd>
    <dt>Confirmation required</dt>
    <dd>${job.confirmationRequired ? 'yes' : 'no'}</dd>
    <dt>Created</dt>
    <dd>${isoTime(job.creationTime)}</dd>
    <dt>Terminated</dt>
    <dd id="job-terminated">${isoTime(job.terminationDate)}</dd>
    <dt>Status update reason</dt>
    <dd id="job-reason">${job.statusUpdateReason ?? ''}</dd>
  </dl>`;
}

const n = (v: number): string => v.toLocaleString('en-US');

function counters(job: Job, rates: readonly RatePoint[]): SafeHtml {
  const p = job.progress;
  const done = p.succeededTasks + p.failedTasks;
  const avg = p.elapsedActiveSeconds > 0 ? n(Number((done / p.elapsedActiveSeconds).toFixed(1))) : '';
  const pct = percentDone(p);
  return html`<section aria-labelledby="progress-h">
    <h2 id="progress-h">Progress</h2>
    ${progressBar(p, 'Job progress')}
    <dl class="counters" id="counters" aria-live="polite">
      <dt>Done</dt>
      <dd id="c-percent">${pct === undefined || p.totalTasks === 0 ? '' : `${pct}%`}</dd>
      <dt>Succeeded</dt>
      <dd id="c-succeeded">${n(p.succeededTasks)}</dd>
      <dt>Failed</dt>
      <dd id="c-failed">${n(p.failedTasks)}</dd>
      <dt>Total</dt>
      <dd id="c-total">${p.totalTasks < 0 ? 'unknown' : n(p.totalTasks)}</dd>
      <dt>Active for</dt>
      <dd id="c-elapsed">${n(p.elapsedActiveSeconds)} s</dd>
      <dt>Average rate</dt>
      <dd id="c-rate">${avg === '' ? '' : `${avg} tasks/s`}</dd>
      <dt>Current rate</dt>
      <dd id="c-current-rate"></dd>
      <dt>ETA</dt>
      <dd id="c-eta"></dd>
    </dl>
    ${rateChart(rates)}
    <p class="sr-only" id="progress-text">${progressText(p)}</p>
    <p class="notice" id="no-objects" aria-live="polite" ${p.totalTasks === 0 ? html`` : html`hidden`}>
      No objects matched: the manifest or prefix named no objects, so the job did nothing.
    </p>
  </section>`;
}

function failures(job: Job): SafeHtml {
  const items = job.failures.map((f) => html`<li><strong>${f.code}</strong>: ${f.reason}</li>`);
  const listed = reportWritten(job) && job.progress.failedTasks > 0;
  return html`<section aria-labelledby="failures-h">
    <p id="failed-tasks-links" ${listed ? html`` : html`hidden`}>
      <a href="${failuresLink(job.jobId)}">Failed tasks by error code</a> ·
      <a href="${failedCsvLink(job.jobId)}" download>download the failed tasks (CSV)</a>
    </p>
    <h2 id="failures-h">Failure reasons</h2>
    <ul id="failures">
      ${items}
    </ul>
    ${job.failures.length === 0 ? html`<p id="no-failures">None.</p>` : html``}
  </section>`;
}

const hiddenUnless = (shown: boolean): SafeHtml => (shown ? html`` : html`hidden`);

function statusForms(job: Job, actions: JobActions, canUpdateStatus: boolean, csrf: string): SafeHtml {
  if (!canUpdateStatus) return html``;
  return html`<form
      id="confirm-form"
      method="post"
      action="/-/console/job/status"
      ${hiddenUnless(actions.confirm)}
    >
      <input type="hidden" name="csrf" value="${csrf}" />
      <input type="hidden" name="id" value="${job.jobId}" />
      <input type="hidden" name="requested" value="Ready" />
      <button type="submit" id="confirm-button">Confirm (Ready)</button>
    </form>
    <form id="cancel-form" method="post" action="/-/console/job/status" ${hiddenUnless(actions.cancel)}>
      <input type="hidden" name="csrf" value="${csrf}" />
      <input type="hidden" name="id" value="${job.jobId}" />
      <input type="hidden" name="requested" value="Cancelled" />
      <label for="cancel-reason">Reason (optional)</label>
      <input id="cancel-reason" name="reason" type="text" maxlength="256" />
      <button type="submit" id="cancel-button" class="danger">Cancel</button>
    </form>`;
}

function priorityForm(job: Job, csrf: string): SafeHtml {
  return html`<form id="priority-form" method="post" action="/-/console/job/priority">
    <input type="hidden" name="csrf" value="${csrf}" />
    <input type="hidden" name="id" value="${job.jobId}" />
    <label for="priority-input">Priority (0–2147483647)</label>
    <input
      id="priority-input"
      name="priority"
      type="number"
      min="0"
      max="2147483647"
      step="1"
      value="${job.priority}"
      required
    />
    <button type="submit">Set priority</button>
  </form>`;
}

export interface JobPageInput {
  readonly job: Job;
  readonly actions: JobActions;
  /** The principal may call UpdateJobStatus at all (else the forms are not rendered). */
  readonly canUpdateStatus: boolean;
  /** The principal may change jobs at all (status, priority or a retry); else the page says it is read only. */
  readonly canChange?: boolean | undefined;
  readonly csrfToken: string;
  /** Offer "Retry failed tasks" (retry-form.ts: ended, tasks left, oss:CreateJob allowed). */
  readonly canRetry?: boolean | undefined;
  /** Task-rate samples for the chart. */
  readonly rates?: readonly RatePoint[] | undefined;
  readonly notice?: string | undefined;
  /** Which action the notice reports (`cancelled`, …): console.js keeps it in step with the status. */
  readonly noticeKey?: string | undefined;
  readonly error?: string | undefined;
}

const anyAction = (a: JobActions, retry: boolean): boolean => a.confirm || a.cancel || a.priority || retry;

export function jobPageBody(input: JobPageInput): SafeHtml {
  const { job, actions, csrfToken } = input;
  const poll = `/-/console/job.json?id=${encodeURIComponent(job.jobId)}`;
  return html`<h1>Job <code>${job.jobId}</code></h1>
    <p><a href="/-/console/jobs">← All jobs</a></p>
    ${
      input.notice !== undefined
        ? html`<p class="notice" role="status" id="notice" data-done="${input.noticeKey ?? ''}">
            ${input.notice}
          </p>`
        : html``
    }
    ${input.error !== undefined ? html`<p class="error" role="alert">${input.error}</p>` : html``}
    <div id="job" data-poll="${poll}">
      ${details(job)} ${counters(job, input.rates ?? [])} ${failures(job)}
      <section aria-labelledby="actions-h" class="actions">
        <h2 id="actions-h">Actions</h2>
        ${statusForms(job, actions, input.canUpdateStatus, csrfToken)}
        ${actions.priority ? priorityForm(job, csrfToken) : html``}
        ${retryForm(job, input.canRetry === true, csrfToken)}
        ${
          input.canChange === false ||
          (input.canChange === undefined && !input.canUpdateStatus && !actions.priority)
            ? html`<p>Read only: your policies do not allow changing jobs.</p>`
            : html`<p id="no-actions" ${anyAction(actions, input.canRetry === true) ? html`hidden` : html``}>
                No action applies to this job now.
              </p>`
        }
      </section>
    </div>`;
}
