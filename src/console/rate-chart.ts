import { html, type SafeHtml } from './html.js';
import type { RatePoint } from './rate-history.js';

const W = 360;
const H = 80;

/** "12.3k" for an axis label. */
const short = (v: number): string =>
  v >= 10_000 ? `${(v / 1000).toFixed(0)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0);

/** The polyline's points attribute: time on x, rate on y (0 at the bottom), scaled to the box. */
export function chartPoints(points: readonly RatePoint[]): { points: string; max: number; seconds: number } {
  if (points.length === 0) return { points: '', max: 0, seconds: 0 };
  const t0 = (points[0] as RatePoint).at;
  const t1 = (points[points.length - 1] as RatePoint).at;
  const max = Math.max(...points.map((p) => p.perSecond), 1);
  const span = Math.max(1, t1 - t0);
  const xy = points.map((p) => {
    const x = points.length === 1 ? W : ((p.at - t0) / span) * W;
    const y = H - (p.perSecond / max) * (H - 4);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  return { points: xy.join(' '), max, seconds: Math.round(span / 1000) };
}

/**
 * The task-rate chart on the job page: an inline SVG (no script needed to see it; console.js redraws it as
 * the job runs). Attributes only, no style attribute (the CSP allows no inline style).
 */
export function rateChart(points: readonly RatePoint[]): SafeHtml {
  const c = chartPoints(points);
  return html`<figure class="rate-chart">
    <svg
      id="rate-chart"
      viewBox="0 0 ${W} ${H}"
      width="${W}"
      height="${H}"
      role="img"
      aria-labelledby="rate-caption"
    >
      <line x1="0" y1="${H}" x2="${W}" y2="${H}" stroke="#999" stroke-width="1"></line>
      <polyline id="rate-line" fill="none" stroke="#2e7d32" stroke-width="2" points="${c.points}"></polyline>
    </svg>
    <figcaption id="rate-caption">
      Task rate over the job's life: peak <span id="rate-max">${short(c.max)}</span> tasks/s over
      <span id="rate-span">${c.seconds}</span> s<span
        id="rate-empty"
        ${points.length === 0 ? html`` : html`hidden`}
      >
        (no samples: this server samples running jobs four times a second)</span
      >
    </figcaption>
  </figure>`;
}
