/**
 * The console's only JS (its CSS and icon: console-style.ts), served as files from /-/console/static/ (the
 * CSP allows no inline code). They live in TS modules so `tsc` ships them in dist/ with no build step or
 * asset copying; the JS is plain ES2020 that every current browser runs as is.
 */

export const CONSOLE_JS = String.raw`(function () {
  'use strict';
  var TERMINAL = ['Complete', 'Cancelled', 'Failed'];

  function num(v) { var n = Number(v); return isFinite(n) ? n : 0; }

  function progressText(s, f, t) {
    if (t === 0) return 'no objects matched';
    var n = function (v) { return Number(v).toLocaleString('en-US'); };
    var pct = t > 0 ? Math.min(100, Math.floor(((s + f) * 100) / t)) + '% done: ' : '';
    return pct + n(s) + ' succeeded, ' + n(f) + ' failed of ' + (t < 0 ? 'unknown' : n(t));
  }

  function paint(bar) {
    var s = num(bar.dataset.succeeded), f = num(bar.dataset.failed), t = num(bar.dataset.total);
    var ok = bar.querySelector('.bar-ok'), fail = bar.querySelector('.bar-fail');
    // 0 tasks is not "all done": no green bar, a hatched empty one (issue 11: "no objects matched").
    var okPct = t > 0 ? Math.min(100, (s * 100) / t) : 0;
    var failPct = t > 0 ? Math.min(100 - okPct, (f * 100) / t) : 0;
    if (ok) ok.style.width = okPct + '%';
    if (fail) fail.style.width = failPct + '%';
    bar.classList.toggle('indeterminate', t < 0);
    bar.classList.toggle('empty', t === 0);
  }

  function setBar(bar, s, f, t) {
    bar.dataset.succeeded = String(s);
    bar.dataset.failed = String(f);
    bar.dataset.total = String(t);
    if (t < 0) bar.removeAttribute('aria-valuenow');
    else bar.setAttribute('aria-valuenow', String(t === 0 ? 100 : Math.min(100, Math.floor(((s + f) * 100) / t))));
    bar.setAttribute('aria-valuetext', progressText(s, f, t));
    paint(bar);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function badge(status) {
    var b = el('span', 'badge badge-' + status.toLowerCase(), status);
    b.dataset.status = status;
    return b;
  }

  function bar(label, s, f, t) {
    var b = el('div', 'progress');
    b.setAttribute('role', 'progressbar');
    b.setAttribute('aria-label', label);
    b.setAttribute('aria-valuemin', '0');
    b.setAttribute('aria-valuemax', '100');
    b.appendChild(el('span', 'bar-ok'));
    b.appendChild(el('span', 'bar-fail'));
    setBar(b, s, f, t);
    return b;
  }

  function poll(url, onData) {
    var stopped = false;
    function tick() {
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          if (res.status === 401) { window.location.assign('/-/console/sign-in'); stopped = true; return null; }
          return res.ok ? res.json() : null;
        })
        .then(function (data) { if (data && onData(data) === false) stopped = true; })
        .catch(function () { /* a missed poll is retried on the next tick */ })
        .then(function () { if (!stopped) setTimeout(tick, 1000); });
    }
    setTimeout(tick, 1000);
  }

  function jobsRow(j) {
    var tr = el('tr');
    tr.dataset.jobId = j.jobId;
    var c1 = el('td'), a = el('a', '', j.jobId);
    a.href = '/-/console/job?id=' + encodeURIComponent(j.jobId);
    c1.appendChild(a);
    c1.appendChild(el('div', 'desc', j.description));
    tr.appendChild(c1);
    tr.appendChild(el('td', '', j.operation));
    tr.appendChild(el('td', 'num', String(j.priority)));
    var c4 = el('td');
    c4.appendChild(bar('Progress of job ' + j.jobId, j.succeeded, j.failed, j.total));
    c4.appendChild(el('span', 'ptext', progressText(j.succeeded, j.failed, j.total)));
    tr.appendChild(c4);
    var c5 = el('td');
    c5.appendChild(badge(j.status));
    tr.appendChild(c5);
    var c6 = el('td'), time = el('time', '', j.created);
    time.setAttribute('datetime', j.created);
    c6.appendChild(time);
    tr.appendChild(c6);
    return tr;
  }

  function initJobs(table) {
    var live = document.getElementById('live-status');
    poll(table.dataset.poll, function (data) {
      var body = table.tBodies[0];
      var rows = document.createDocumentFragment();
      data.jobs.forEach(function (j) { rows.appendChild(jobsRow(j)); });
      body.replaceChildren(rows);
      // One time zone everywhere: UTC, as the server renders every time (issue 11).
      if (live) live.textContent = data.jobs.length + ' jobs shown, updated ' + new Date().toISOString().slice(11, 19) + ' UTC.';
    });
  }

  function setText(id, text) { var e = document.getElementById(id); if (e) e.textContent = text; }
  function show(id, on) { var e = document.getElementById(id); if (e) e.hidden = !on; }

  function fmt(v) { return Number(v).toLocaleString('en-US'); }

  function eta(seconds) {
    if (!isFinite(seconds) || seconds < 0) return '';
    var s = Math.round(seconds);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  // Confirm and Cancel say what they will do, with the current counts (issue 11).
  function guardForms() {
    var confirmForm = document.getElementById('confirm-form');
    var cancelForm = document.getElementById('cancel-form');
    // The job page's bar carries the counts: rendered by the server, kept current by every poll.
    function counts() {
      var bar = document.querySelector('#job [role=progressbar]');
      if (!bar) return { total: -1, done: 0 };
      return { total: num(bar.dataset.total), done: num(bar.dataset.succeeded) + num(bar.dataset.failed) };
    }
    if (confirmForm) confirmForm.addEventListener('submit', function (e) {
      var c = counts();
      var what = c.total < 0 ? 'every object of its manifest' : fmt(c.total) + ' objects';
      if (!window.confirm('Confirm this job? It will run its operation on ' + what + '.')) e.preventDefault();
    });
    if (cancelForm) cancelForm.addEventListener('submit', function (e) {
      var c = counts();
      var text = c.total < 0
        ? 'Cancel this job? No object has been changed yet; none will be.'
        : 'Cancel this job? ' + fmt(c.done) + ' of ' + fmt(c.total) + ' objects are done and stay done; the other ' +
          fmt(Math.max(0, c.total - c.done)) + ' will not be changed.';
      if (!window.confirm(text)) e.preventDefault();
    });
  }

  // Same scaling as rate-chart.ts: time on x over the box width, rate on y from the bottom.
  function drawRate(points) {
    var line = document.getElementById('rate-line');
    if (!line || !points || points.length === 0) return;
    var W = 360, H = 80, t0 = points[0].at, t1 = points[points.length - 1].at;
    var max = Math.max.apply(null, points.map(function (p) { return p.perSecond; }).concat([1]));
    var span = Math.max(1, t1 - t0);
    line.setAttribute('points', points.map(function (p) {
      var x = points.length === 1 ? W : ((p.at - t0) / span) * W;
      return x.toFixed(1) + ',' + (H - (p.perSecond / max) * (H - 4)).toFixed(1);
    }).join(' '));
    setText('rate-max', max >= 10000 ? (max / 1000).toFixed(0) + 'k' : max >= 1000 ? (max / 1000).toFixed(1) + 'k' : max.toFixed(0));
    setText('rate-span', String(Math.round(span / 1000)));
    show('rate-empty', false);
  }

  function initJob(root) {
    var last = null;
    guardForms();
    poll(root.dataset.poll, function (data) {
      var job = data.job, p = job.progress, done = p.succeededTasks + p.failedTasks;
      var status = document.getElementById('job-status');
      if (status) status.replaceChildren(badge(job.status));
      setText('job-priority', String(job.priority));
      setText('job-reason', job.statusUpdateReason || '');
      setText('job-terminated', job.terminationDate ? new Date(job.terminationDate * 1000).toISOString() : '');
      var b = root.querySelector('[role=progressbar]');
      if (b) setBar(b, p.succeededTasks, p.failedTasks, p.totalTasks);
      setText('c-percent', p.totalTasks > 0 ? Math.min(100, Math.floor((done * 100) / p.totalTasks)) + '%' : '');
      setText('c-succeeded', fmt(p.succeededTasks));
      setText('c-failed', fmt(p.failedTasks));
      setText('c-total', p.totalTasks < 0 ? 'unknown' : fmt(p.totalTasks));
      setText('c-elapsed', fmt(p.elapsedActiveSeconds) + ' s');
      var avg = p.elapsedActiveSeconds > 0 ? done / p.elapsedActiveSeconds : 0;
      if (avg > 0) setText('c-rate', fmt(avg.toFixed(1)) + ' tasks/s');
      var now = Date.now(), rate = avg;
      if (last && now > last.at) {
        rate = ((done - last.done) * 1000) / (now - last.at);
        setText('c-current-rate', fmt(rate.toFixed(1)) + ' tasks/s');
      }
      last = { at: now, done: done };
      var ended = TERMINAL.indexOf(job.status) >= 0;
      setText('c-eta', ended || p.totalTasks < 0 ? '' : (rate > 0 ? eta((p.totalTasks - done) / rate) : ''));
      setText('progress-text', progressText(p.succeededTasks, p.failedTasks, p.totalTasks));
      show('confirm-form', data.actions.confirm);
      show('cancel-form', data.actions.cancel);
      show('priority-form', data.actions.priority);
      show('retry-form', data.retry === true);
      show('no-actions', !(data.actions.confirm || data.actions.cancel || data.actions.priority || data.retry === true));
      setText('retry-failed', fmt(p.failedTasks));
      setText('retry-unrun', fmt(Math.max(0, p.totalTasks - done)));
      show('no-objects', p.totalTasks === 0);
      drawRate(data.rate);
      var written = ended && !!(job.report && job.report.enabled) && done > 0;
      show('report-link', written);
      show('report-pending', !written);
      show('failed-tasks-links', written && p.failedTasks > 0);
      var notice = document.getElementById('notice');
      if (notice && notice.dataset.done === 'cancelled' && job.status === 'Cancelled') notice.textContent = 'The job was cancelled.';
      var list = document.getElementById('failures');
      if (list) {
        list.replaceChildren.apply(list, job.failures.map(function (f) {
          var li = el('li'); li.appendChild(el('strong', '', f.code)); li.appendChild(document.createTextNode(': ' + f.reason)); return li;
        }));
        show('no-failures', job.failures.length === 0);
      }
      return !ended;
    });
  }

  // The create form shows only the fields of the chosen operation and source (issue 11).
  function initCreate(form) {
    var op = form.querySelector('[name=operation]');
    function apply() {
      var source = form.querySelector('[name=source]:checked');
      form.querySelectorAll('[data-op]').forEach(function (g) {
        g.hidden = !op || g.dataset.op.split(' ').indexOf(op.value) < 0;
      });
      form.querySelectorAll('[data-source]').forEach(function (g) {
        g.hidden = !source || g.dataset.source !== source.value;
      });
    }
    if (op) op.addEventListener('change', apply);
    form.querySelectorAll('[name=source]').forEach(function (r) { r.addEventListener('change', apply); });
    apply();
  }

  function init() {
    document.querySelectorAll('[role=progressbar]').forEach(paint);
    var table = document.getElementById('jobs-table');
    if (table && table.dataset.poll) initJobs(table);
    var job = document.getElementById('job');
    if (job && job.dataset.poll) initJob(job);
    var create = document.getElementById('create-form');
    if (create) initCreate(create);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
`;
