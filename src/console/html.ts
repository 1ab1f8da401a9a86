import type { ProgressSummary } from '../client/types.js';

/** A string already safe to place in HTML (built only by `html` and `raw`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values alike. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export type HtmlValue = SafeHtml | string | number | boolean | undefined | null | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template: every interpolation is escaped unless it is SafeHtml (i.e. built by this function). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

export interface PageOptions {
  readonly title: string;
  /** Shown in the header with the sign-out button when signed in. */
  readonly user?: { readonly name: string; readonly csrfToken: string } | undefined;
  readonly body: SafeHtml;
}

/** The page shell: CSS and JS are files (the CSP allows no inline code). */
export function page(opts: PageOptions): string {
  const user = opts.user;
  const header = user
    ? html`<nav aria-label="Console">
          <a href="/-/console/jobs">Jobs</a>
          <a href="/-/console/new">Create job</a>
        </nav>
        <form class="signout" method="post" action="/-/console/sign-out">
          <span>Signed in as <strong>${user.name}</strong></span>
          <input type="hidden" name="csrf" value="${user.csrfToken}" />
          <button type="submit">Sign out</button>
        </form>`
    : html``;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${escapeHtml(opts.title)} · ossbatch console</title>
<link rel="icon" href="/-/console/static/icon.svg" type="image/svg+xml" />
<link rel="stylesheet" href="/-/console/static/console.css" />
<script src="/-/console/static/console.js" defer></script>
</head>
<body>
<header class="top"><span class="brand">ossbatch console</span>${header.value}</header>
<main id="main">
${opts.body.value}
</main>
</body>
</html>
`;
}

/** done/total in percent, or undefined while the total is unknown (-1, spec §7.5). */
export function percentDone(p: ProgressSummary): number | undefined {
  if (p.totalTasks < 0) return undefined;
  if (p.totalTasks === 0) return 100;
  return Math.min(100, Math.floor(((p.succeededTasks + p.failedTasks) * 100) / p.totalTasks));
}

/** "62% done: 620 succeeded, 3 failed of 1,000" (thousands separated; no % while the total is unknown). */
export function progressText(p: ProgressSummary): string {
  if (p.totalTasks === 0) return 'no objects matched';
  const n = (v: number): string => v.toLocaleString('en-US');
  const total = p.totalTasks < 0 ? 'unknown' : n(p.totalTasks);
  const pct = percentDone(p);
  return `${pct === undefined ? '' : `${pct}% done: `}${n(p.succeededTasks)} succeeded, ${n(p.failedTasks)} failed of ${total}`;
}

/**
 * An ARIA progress bar: role=progressbar with aria-valuenow in percent (omitted while the total is
 * unknown: an indeterminate bar). The coloured widths are set by console.js from the data attributes
 * (a style attribute would be inline style, which the CSP forbids).
 */
export function progressBar(p: ProgressSummary, label: string): SafeHtml {
  const pct = percentDone(p);
  return html`<div
    class="progress"
    role="progressbar"
    aria-label="${label}"
    aria-valuemin="0"
    aria-valuemax="100"
    ${pct === undefined ? html`` : html`aria-valuenow="${pct}"`}
    aria-valuetext="${progressText(p)}"
    data-succeeded="${p.succeededTasks}"
    data-failed="${p.failedTasks}"
    data-total="${p.totalTasks}"
  >
    <span class="bar-ok"></span><span class="bar-fail"></span>
  </div>`;
}

export const statusBadge = (status: string): SafeHtml =>
  html`<span class="badge badge-${status.toLowerCase()}" data-status="${status}">${status}</span>`;

/** Epoch seconds → ISO 8601 UTC (empty for 0/undefined). */
export const isoTime = (epochSeconds: number | undefined): string =>
  epochSeconds === undefined || epochSeconds <= 0 ? '' : new Date(epochSeconds * 1000).toISOString();
