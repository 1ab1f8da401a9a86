import type { Job } from '../client/types.js';
import type { FailureSummary } from './failures.js';
import { html, type SafeHtml } from './html.js';

const n = (v: number): string => v.toLocaleString('en-US');

export const failuresLink = (jobId: string): string =>
  `/-/console/job/failures?id=${encodeURIComponent(jobId)}`;
export const failedCsvLink = (jobId: string): string =>
  `/-/console/job/failures.csv?id=${encodeURIComponent(jobId)}`;

/** The failures view: counts by error code, the first failed keys with their messages, the CSV download. */
export function failuresPageBody(job: Job, s: FailureSummary): SafeHtml {
  const codes = s.byCode.map(
    ([code, count]) =>
      html`<tr>
        <td><code>${code}</code></td>
        <td class="num">${n(count)}</td>
      </tr>`,
  );
  const rows = s.first.map(
    (f) =>
      html`<tr>
        <td>oss://${f.bucket}/${f.key}</td>
        <td><code>${f.code}</code></td>
        <td class="num">${f.httpStatus}</td>
        <td>${f.message}</td>
      </tr>`,
  );
  return html`<h1>Failed tasks of job <code>${job.jobId}</code></h1>
    <p><a href="/-/console/job?id=${encodeURIComponent(job.jobId)}">← Job</a></p>
    <p id="failed-total">${n(s.total)} failed tasks, read from the job's report.</p>
    <p><a id="failed-csv" href="${failedCsvLink(job.jobId)}" download>Download the failed tasks (CSV)</a></p>
    <h2>By error code</h2>
    <table id="failure-codes">
      <thead>
        <tr>
          <th scope="col">Error code</th>
          <th scope="col">Tasks</th>
        </tr>
      </thead>
      <tbody>
        ${codes}
      </tbody>
    </table>
    <h2>First ${n(s.first.length)} failed keys</h2>
    <table id="failed-keys">
      <thead>
        <tr>
          <th scope="col">Object</th>
          <th scope="col">Error code</th>
          <th scope="col">HTTP</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}
