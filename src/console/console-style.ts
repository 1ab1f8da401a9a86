/** The console's stylesheet and icon, served from /-/console/static/ beside its script (assets.ts). */

export const CONSOLE_CSS = `
:root { font-family: system-ui, sans-serif; color: #1a1a1a; background: #fafafa; }
body { margin: 0; }
.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #14324f; color: #fff; }
.top a { color: #fff; margin-right: 1rem; }
.brand { font-weight: 700; }
.signout { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
main { padding: 1rem 1.2rem; max-width: 72rem; }
table.jobs { border-collapse: collapse; width: 100%; }
table.jobs th, table.jobs td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
caption { text-align: left; color: #555; padding: .3rem 0; }
.num { text-align: right; }
.desc { color: #555; font-size: .85rem; }
.progress { display: flex; width: 12rem; height: .8rem; background: #e4e4e4; border-radius: .2rem; overflow: hidden; }
#job .progress { width: 100%; max-width: 36rem; height: 1.1rem; }
#failure-codes th, #failure-codes td, #failed-keys th, #failed-keys td { padding: .25rem .7rem; text-align: left; border-bottom: 1px solid #ddd; vertical-align: top; }
#failure-codes .num, #failed-keys .num { text-align: right; }
.rate-chart { margin: .6rem 0; }
.rate-chart svg { background: #fff; border: 1px solid #ddd; }
.rate-chart figcaption { font-size: .85rem; color: #555; }
.create .group { display: contents; }
.create .group[hidden] { display: none; }
.create small { color: #555; }
.progress.empty { background: repeating-linear-gradient(45deg, #f4f4f4 0 6px, #e8e8e8 6px 12px); }
.progress.indeterminate { background: repeating-linear-gradient(45deg, #e4e4e4 0 8px, #d0d0d0 8px 16px); }
.bar-ok { display: block; width: 0; background: #2e7d32; }
.bar-fail { display: block; width: 0; background: #c62828; }
.ptext { font-size: .8rem; color: #444; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 1rem; font-size: .8rem; background: #ddd; }
.badge-active, .badge-ready { background: #bbdefb; }
.badge-complete { background: #c8e6c9; }
.badge-failed, .badge-failing { background: #ffcdd2; }
.badge-cancelled, .badge-cancelling { background: #eceff1; }
.badge-suspended, .badge-paused { background: #fff3c4; }
dl.fields, dl.counters { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.error { color: #b00020; font-weight: 600; }
.notice { color: #1b5e20; }
form.create, form.sign-in { display: grid; gap: .4rem; max-width: 36rem; }
form.create fieldset { display: grid; gap: .4rem; margin-bottom: .8rem; }
.filters fieldset { display: flex; flex-wrap: wrap; gap: .4rem .9rem; border: 1px solid #ccc; }
label.check { font-weight: normal; }
.actions form { margin: .5rem 0; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
button { padding: .35rem .9rem; }
button.danger { background: #c62828; color: #fff; border: 1px solid #8e0000; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** A small icon, so the browser's automatic /favicon.ico request never reaches the OSS pipeline. */
export const CONSOLE_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#14324f"/>' +
  '<rect x="3" y="9" width="10" height="3" fill="#2e7d32"/><rect x="3" y="4" width="6" height="3" fill="#fff"/></svg>';
