// wbguard dashboard: reads the daemon's JSON API and draws it; acts only through POST /api/v1/restart with the
// token the user types. Plain browser script (no build step, no external request). Text from the API is always
// set with textContent, never parsed as HTML.
(() => {
  const REFRESH_MS = 5000;
  const HISTORY_MS = 30000;
  const POINTS = 1200;
  const TOKEN_KEY = 'wbguard-token';
  /** For tests and curious admins: the charts and the last state. */
  const view = { charts: [], state: null, historyMs: 0 };
  window.wbguard = view;

  // The charts' span: 'fit' (the default) draws the data of the last day from its first point, so minutes of data
  // fill the chart instead of its right edge; a number is a fixed span in hours.
  let hours = 'fit';
  const FIT_HOURS = 24;
  let lastHistory = 0;
  // The guard's clock (state.clock): the demo's runs `speed` times faster than the wall clock. Every time, age and
  // chart range on the page is on it, so that one clock is shown, labelled when it is simulated.
  let clock = { at: Date.now(), read: Date.now(), simulated: false, speed: 1 };
  const guardNow = () => clock.at + (Date.now() - clock.read) * clock.speed;
  const simLabel = () => (clock.simulated ? ' (simulated)' : '');
  // With several clusters (issue 10), the one drawn in detail; its name is kept in the address (#cluster=NAME).
  let cluster = new URLSearchParams(location.hash.slice(1)).get('cluster');
  const withCluster = (path) => (cluster ? `${path}${path.includes('?') ? '&' : '?'}cluster=${encodeURIComponent(cluster)}` : path);

  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  };
  const token = () => sessionStorage.getItem(TOKEN_KEY) || '';
  const headers = () => (token() ? { authorization: `Bearer ${token()}` } : {});

  async function getJson(path) {
    const res = await fetch(path, { headers: headers() });
    if (res.status === 401) {
      askLogin();
      throw new Error('the token is needed to read');
    }
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  function showError(message) {
    const p = $('error');
    p.hidden = !message;
    p.textContent = message || '';
  }

  function askLogin() {
    const d = $('login-dialog');
    if (!d.open) d.showModal();
  }
  $('login-form').addEventListener('submit', () => {
    sessionStorage.setItem(TOKEN_KEY, $('login-token').value);
    refresh(true);
  });

  const fmtTime = (iso) => (iso ? `${new Date(iso).toLocaleString()}${simLabel()}` : '—');
  const ago = (iso) => {
    if (!iso) return 'never';
    // A sender's clock a little ahead is "just now", not a negative age.
    const s = Math.max(0, Math.round((guardNow() - Date.parse(iso)) / 1000));
    return s < 5 ? 'just now' : s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
  };
  const num = (v) => (v === null || v === undefined ? '—' : String(v));

  function nodeState(w, s) {
    if (s.restarting === w.name) return 'restarting';
    if (w.stale) return 'stale';
    if (w.active !== null && w.active >= limitOf(s)) return 'at limit';
    if (w.leakedMin !== null && w.leakedMin > 0) return 'leaking';
    return 'ok';
  }
  const limitOf = (s) => s.limit;

  function renderCards(s, journal) {
    const limit = limitOf(s);
    const atLimit = s.webbridges.filter((w) => !w.stale && w.active !== null && w.active >= limit);
    const locked = $('locked');
    locked.className = `card ${atLimit.length ? 'bad' : 'good'}`;
    locked.querySelector('.big').textContent = atLimit.length ? `Yes: ${atLimit.map((w) => w.name).join(', ')}` : 'No';
    locked.querySelector('.small').textContent = atLimit.length
      ? `at ${limit} sessions nobody more can join from a browser`
      : `every Web Bridge is below ${limit} sessions`;

    const soon = s.webbridges
      .filter((w) => w.limitForecast && w.limitForecast.inHours !== null)
      .sort((a, b) => a.limitForecast.inHours - b.limitForecast.inHours)[0];
    const next = $('next');
    next.querySelector('.big').textContent = soon
      ? soon.limitForecast.inHours === 0
        ? `${soon.name}: at its next peak`
        : `${soon.name} in ${soon.limitForecast.inHours.toFixed(1)} h`
      : 'none forecast';
    next.querySelector('.small').textContent = soon
      ? `${fmtTime(soon.limitForecast.at)} · ${soon.limitForecast.basis}`
      : 'no Web Bridge leaks fast enough to forecast the limit';

    const last = [...journal].reverse().find((e) => e.kind === 'result' || e.kind === 'plan');
    const card = $('last');
    if (!last) {
      card.querySelector('.big').textContent = 'nothing yet';
      card.querySelector('.small').textContent = '';
    } else if (last.kind === 'result') {
      card.querySelector('.big').textContent = `${last.node}: ${last.outcome}`;
      card.querySelector('.small').textContent = `${fmtTime(last.ts)} · ${last.trigger}`;
    } else {
      const order = (last.order || []).join(', ') || 'nothing';
      card.querySelector('.big').textContent = last.action ? `${last.action}: ${order}` : `restart run: ${order}`;
      card.querySelector('.small').textContent = `${fmtTime(last.ts)} · ${last.trigger}${last.mode ? ` · mode ${last.mode}` : ''}`;
    }
  }

  // Every cluster side by side, one card each: the answers an operator of many clusters scans first. A click shows
  // that cluster below.
  function renderClusters(all, alerts) {
    const strip = $('clusters');
    strip.hidden = all.length < 2;
    if (all.length < 2) return;
    strip.replaceChildren(
      ...all.map((k) => {
        const limit = limitOf(k);
        const atLimit = k.webbridges.filter((w) => !w.stale && w.active !== null && w.active >= limit).length;
        const open = alerts.filter((a) => a.cluster === k.clusterName).length;
        const leaking = k.webbridges.filter((w) => (w.leakedMin || 0) > 0).length;
        const tone = atLimit ? 'bad' : open || leaking ? 'warn' : 'good';
        const card = el(
          'button',
          { type: 'button', class: `cluster-card ${tone}${k.clusterName === cluster ? ' on' : ''}`, 'data-cluster': k.clusterName },
          el('span', { class: 'cluster-title', text: k.clusterName }),
          el('span', { class: 'big', text: atLimit ? `${atLimit} at the limit` : `leaked ≥ ${num(k.leakEstimate ? k.leakEstimate.value : k.cluster.leaked)}` }),
          el('span', { class: 'small', text: `${k.webbridges.length} Web Bridges · ${k.mode}${k.restarting ? ` · restarting ${k.restarting}` : ''}${open ? ` · ${open} alert${open > 1 ? 's' : ''}` : ''}` }),
        );
        card.setAttribute('aria-pressed', String(k.clusterName === cluster));
        card.addEventListener('click', () => {
          cluster = k.clusterName;
          history.replaceState(null, '', `#cluster=${encodeURIComponent(cluster)}`);
          refresh(true);
        });
        return card;
      }),
    );
  }

  function renderHeader(s) {
    $('cluster-name').textContent = `· ${s.clusterName}`;
    $('mode').textContent = `mode: ${s.mode}`;
    $('window').textContent = s.windowOpen ? 'window open' : `window closed · opens ${s.nextWindow ? fmtTime(s.nextWindow) : 'not within 8 days'}`;
    if (s.clock) clock = { at: Date.parse(s.clock.now), read: Date.now(), simulated: s.clock.simulated, speed: s.clock.speed };
    $('updated').textContent = `updated ${new Date(guardNow()).toLocaleTimeString()}${clock.simulated ? ` · simulated time, ${clock.speed}× real time` : ''}`;
    $('updated').classList.toggle('sim', clock.simulated);
    $('journal-clock').textContent = clock.simulated ? '(simulated time)' : '';
  }

  // inHours 0 means the next ordinary peak of real sessions would already meet the limit.
  function forecastText(f) {
    if (!f || f.inHours === null) return '—';
    return f.inHours === 0 ? 'no headroom: at the next peak' : `${f.inHours.toFixed(1)} h (${fmtTime(f.at)})`;
  }

  // The login probe's last result: an expired MMP password is found here weeks before a restart needs it.
  function mmpCell(m) {
    if (!m) return el('td', { class: 'muted', text: 'not probed yet' });
    return m.ok
      ? el('td', { class: 'state-ok', text: `ok (${ago(m.at)})${m.version ? ` · ${m.version.version}` : ''}`, title: m.at })
      : el('td', { class: 'state-at-limit', text: m.code === 'WBGUARD_ERR_SSH_PASSWORD_EXPIRED' ? 'password expired' : 'failed', title: m.message || m.code || '' });
  }

  function renderNodes(s) {
    const body = $('nodes').querySelector('tbody');
    body.replaceChildren(
      ...s.webbridges.map((w) => {
        const state = nodeState(w, s);
        const f = w.limitForecast;
        return el(
          'tr',
          { 'data-node': w.name, 'data-state': state },
          el('td', { text: w.name }),
          el('td', { class: `state state-${state.replace(' ', '-')}`, text: state }),
          el('td', { class: 'num', text: num(w.active) }),
          el('td', { class: 'num', text: num(w.leakedMin) }),
          el('td', { class: 'num', text: w.leakRatePerDay === null ? '—' : w.leakRatePerDay.toFixed(1) }),
          el('td', { text: forecastText(f), title: f ? f.basis : '' }),
          el('td', { class: 'num', text: String(w.restarts.length) }),
          el('td', { text: ago(w.lastSeen), title: w.lastSeen || '' }),
          mmpCell((s.mmp || []).find((m) => m.name === w.name)),
        );
      }),
    );
  }

  /** Version verdicts from the CMS API (Call Bridges) and the MMP `version` probe (Web Bridges), by node name. */
  function versionsOf(s) {
    const out = new Map();
    for (const m of s.mmp || []) if (m.version) out.set(m.name, m.version);
    for (const a of s.api || []) if (a.version) out.set(a.name, a.version);
    return out;
  }

  function renderCallbridges(s) {
    const api = new Map((s.api || []).map((a) => [a.name, a]));
    const versions = versionsOf(s);
    $('callbridges')
      .querySelector('tbody')
      .replaceChildren(
        ...s.callbridges.map((c) => {
          const a = api.get(c.name);
          const v = versions.get(c.name);
          return el(
            'tr',
            { 'data-node': c.name },
            el('td', { text: c.name }),
            el('td', { class: 'num', text: num(c.cma) }),
            el('td', { text: ago(c.lastSeen), title: c.lastSeen || '' }),
            el('td', { class: 'num', text: a ? (a.count ? String(a.count.acano) : '—') : 'no API' }),
            el('td', {
              text: a ? (a.error ? `error: ${a.error.code}` : a.count ? ago(new Date(a.count.at).toISOString()) : 'not yet') : '',
              title: a && a.error ? a.error.message : '',
            }),
            el('td', { text: v ? v.version : 'unknown', title: v ? v.advice : '' }),
          );
        }),
      );
    const lines = [...versions.values()].filter((v) => v.affected).map((v) => v.advice);
    const unique = [...new Set(lines)];
    const names = [...versions.entries()].map(([n, v]) => `${n} ${v.version}`).join(', ');
    $('versions').textContent = versions.size
      ? `CMS versions: ${names}. ${unique.join(' ') || 'No node runs an affected version.'}`
      : 'CMS versions: unknown yet (from the CMS API, or the MMP `version` command of the login probe).';
  }

  function renderLeakEstimate(s) {
    const e = s.leakEstimate;
    $('leak-estimate').textContent = e
      ? `Leak estimate now: ${e.value} sessions (Σ active − Σ real sessions by ${e.source === 'api' ? 'the CMS API' : 'the STATS lines'}, ${ago(e.at)}; the fresher view is used). The restart guards use the proven bound per Web Bridge.`
      : '';
  }

  // Several clusters: the alerts and journal of the one shown (entries of the whole daemon carry no cluster).
  const ofCluster = (list, name) => list.filter((x) => !x.cluster || !name || x.cluster === name);

  function renderAlerts(alerts) {
    $('alerts-section').hidden = alerts.length === 0;
    $('alerts').replaceChildren(...alerts.map((a) => el('li', { class: a.severity, text: a.summary })));
  }

  function guardText(e) {
    if (Array.isArray(e.decisions)) {
      return e.decisions
        .map((d) => `${d.node}: ${d.kind} — ${(d.guards || []).map((g) => `${g.guard} ${g.verdict}: ${g.detail}`).join('; ') || (d.reasons || []).join('; ')}`)
        .join(' | ');
    }
    if (Array.isArray(e.guards)) return e.guards.map((g) => `${g.guard} ${g.verdict}: ${g.detail}`).join('; ');
    if (Array.isArray(e.reasons)) return e.reasons.join('; ');
    return e.error ? String(e.error.message || e.error) : '';
  }

  function renderJournal(entries) {
    // Newest first; command output and verification readings stay in the journal file, not on the page.
    const rows = [...entries].reverse().filter((e) => e.kind !== 'output' && e.kind !== 'verification').slice(0, 30);
    $('journal')
      .querySelector('tbody')
      .replaceChildren(
        ...rows.map((e) =>
          el(
            'tr',
            { 'data-kind': e.kind },
            el('td', { text: fmtTime(e.ts) }),
            el('td', { text: e.kind === 'plan' ? `plan${e.action ? ` (${e.action})` : ''}` : e.kind }),
            el('td', { text: e.node || (e.order || []).join(', ') }),
            el('td', { text: e.outcome || e.action || '' }),
            el('td', { class: 'small', text: guardText(e) }),
          ),
        ),
      );
  }

  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  /** Vertical dashed lines at restarts, and nothing else drawn outside uPlot's own series. */
  function restartMarks(times) {
    return {
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = css('--info');
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1.5 * devicePixelRatio;
            for (const t of times) {
              const x = Math.round(u.valToPos(t / 1000, 'x', true));
              if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function axes() {
    const stroke = css('--muted');
    const grid = { stroke: css('--line'), width: 1 };
    return [
      clock.simulated ? { stroke, grid, ticks: grid, label: 'simulated time', labelSize: 20 } : { stroke, grid, ticks: grid },
      { stroke, grid, ticks: grid, size: 45 },
    ];
  }

  function joinSeries(list) {
    // uPlot wants one x array: join the series' own times, leaving gaps where a series has no point.
    return uPlot.join(list.map((s) => [s.t.map((t) => t / 1000), s.v]));
  }

  /** The x range: a fixed span, or (fit) from the first point of the last day, with a small margin before it. */
  function chartRange(h, latest) {
    if (hours !== 'fit') return { from: latest - hours * 3600000, to: latest };
    const firsts = [...h.webbridges.map((w) => w.active.t[0]), ...h.callbridges.map((c) => c.cma.t[0])].filter((t) => t);
    const first = Math.max(latest - FIT_HOURS * 3600000, Math.min(latest - 60000, ...firsts));
    return { from: first - (latest - first) * 0.02, to: latest };
  }

  function chartWidth(container) {
    return Math.max(300, Math.floor(container.clientWidth - 12));
  }

  function drawCharts(h) {
    for (const c of view.charts) c.destroy();
    view.charts = [];
    const box = $('charts');
    const latest = Math.max(
      guardNow(),
      ...h.webbridges.map((w) => w.active.t[w.active.t.length - 1] || 0),
      ...h.callbridges.map((c) => c.cma.t[c.cma.t.length - 1] || 0),
    );
    const { from, to } = chartRange(h, latest);
    // Every holder first, so the grid has its final columns before a chart measures its width.
    const holders = h.webbridges.map((w) => el('div', { class: 'chart', 'data-node': w.name }, el('h3', { text: w.name })));
    box.replaceChildren(...holders);
    h.webbridges.forEach((w, i) => {
      const holder = holders[i];
      const xs = joinSeries([w.active, w.leakedMin]);
      const limitLine = xs[0].map(() => h.limit);
      const u = new uPlot(
        {
          width: chartWidth(holder),
          height: 220,
          scales: { x: { time: true, min: from / 1000, max: to / 1000 }, y: { range: (_u, _min, max) => [0, Math.max(h.limit + 10, max)] } },
          series: [
            {},
            { label: 'active', stroke: css('--active'), width: 1.5, spanGaps: true },
            { label: 'leaked ≥', stroke: css('--leak'), width: 1.5, spanGaps: true },
            { label: `limit ${h.limit}`, stroke: css('--limit'), width: 1, dash: [6, 4], points: { show: false } },
          ],
          axes: axes(),
          plugins: [restartMarks(w.restarts)],
        },
        [...xs, limitLine],
        holder,
      );
      u.wbguardNode = w.name;
      view.charts.push(u);
    });
    const holder = $('cluster-chart');
    holder.replaceChildren();
    const list = [...h.callbridges.map((c) => c.cma), h.clusterLeaked];
    const data = joinSeries(list);
    const palette = [css('--cma'), '#8b5cf6', '#0ea5e9', '#14b8a6', '#84cc16'];
    const u = new uPlot(
      {
        width: chartWidth(holder),
        height: 200,
        scales: { x: { time: true, min: from / 1000, max: to / 1000 } },
        series: [
          {},
          ...h.callbridges.map((c, i) => ({ label: `CMA ${c.name}`, stroke: palette[i % palette.length], width: 1.5, spanGaps: true })),
          { label: 'cluster leaked ≥', stroke: css('--leak'), width: 1.5, spanGaps: true },
        ],
        axes: axes(),
      },
      data,
      holder,
    );
    u.wbguardNode = '(cluster)';
    view.charts.push(u);
  }

  async function loadHistory() {
    const started = performance.now();
    const from = new Date(guardNow() - (hours === 'fit' ? FIT_HOURS : hours) * 3600000).toISOString();
    const h = await getJson(withCluster(`/api/v1/history?from=${encodeURIComponent(from)}&points=${POINTS}`));
    view.history = h;
    drawCharts(h);
    view.historyMs = performance.now() - started;
    lastHistory = Date.now();
  }

  async function refresh(force = false) {
    try {
      const [all, allAlerts, allJournal] = await Promise.all([getJson('/api/v1/clusters'), getJson('/api/v1/alerts'), getJson('/api/v1/journal?limit=100')]);
      const s = all.find((k) => k.clusterName === cluster) || all[0];
      if (!s) throw new Error('no cluster is configured');
      if (cluster !== s.clusterName && all.length > 1) {
        cluster = s.clusterName;
        force = true;
      }
      const name = all.length > 1 ? s.clusterName : null;
      const alerts = ofCluster(allAlerts, name);
      const journal = ofCluster(allJournal, name);
      view.state = s;
      view.clusters = all;
      renderClusters(all, allAlerts);
      renderHeader(s);
      renderNodes(s);
      renderCallbridges(s);
      renderLeakEstimate(s);
      renderCards(s, journal);
      renderAlerts(alerts);
      renderJournal(journal);
      if (force || Date.now() - lastHistory > HISTORY_MS) await loadHistory();
      showError('');
      document.body.dataset.ready = 'true';
    } catch (err) {
      showError(`Cannot read the daemon: ${err.message}`);
    }
  }

  for (const b of document.querySelectorAll('#range button')) {
    b.addEventListener('click', () => {
      hours = b.dataset.hours === 'fit' ? 'fit' : Number(b.dataset.hours);
      for (const o of document.querySelectorAll('#range button')) o.classList.toggle('on', o === b);
      loadHistory().catch((err) => showError(err.message));
    });
  }

  function resultsTable(results) {
    return el(
      'table',
      { id: 'results' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Web Bridge' }), el('th', { text: 'outcome' }), el('th', { text: 'why' }))),
      el(
        'tbody',
        {},
        ...results.map((r) =>
          el('tr', { 'data-node': r.name, 'data-outcome': r.outcome }, el('td', { text: r.name }), el('td', { text: r.outcome }), el('td', { class: 'small', text: (r.reasons || []).join('; ') })),
        ),
      ),
    );
  }

  $('plan-button').addEventListener('click', async () => {
    const out = $('act-out');
    out.replaceChildren(el('p', { class: 'muted', text: 'planning…' }));
    try {
      const p = await getJson(withCluster('/api/v1/plan'));
      out.replaceChildren(
        el('p', { id: 'plan-summary', text: `Plan (${p.mode}, window ${p.windowOpen ? 'open' : 'closed'}): ${p.plan.order.length ? `restart ${p.plan.order.join(', ')} one at a time` : 'restart nothing'} → ${p.action}` }),
        resultsTable(p.plan.decisions.map((d) => ({ name: d.name, outcome: d.kind, reasons: d.reasons }))),
      );
    } catch (err) {
      out.replaceChildren(el('p', { class: 'error', text: err.message }));
    }
  });

  $('restart-button').addEventListener('click', () => {
    const names = (view.state ? view.state.webbridges : []).map((w) => w.name);
    $('restart-nodes').replaceChildren(
      el('legend', { text: 'Web Bridges' }),
      ...names.map((n) => el('label', {}, el('input', { type: 'checkbox', name: 'node', value: n, checked: false }), ` ${n}`)),
    );
    $('token').value = token();
    $('restart-dialog').showModal();
  });
  $('restart-cancel').addEventListener('click', () => $('restart-dialog').close());
  $('restart-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = [...document.querySelectorAll('#restart-nodes input:checked')].map((i) => i.value);
    const out = $('act-out');
    if (chosen.length === 0) {
      out.replaceChildren(el('p', { class: 'error', text: 'choose at least one Web Bridge' }));
      $('restart-dialog').close();
      return;
    }
    const typed = $('token').value;
    $('restart-dialog').close();
    out.replaceChildren(el('p', { class: 'muted', text: `restarting ${chosen.join(', ')} (one at a time, verified back)…` }));
    try {
      const res = await fetch('/api/v1/restart', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${typed}` },
        // Always the names ticked: the API restarts every Web Bridge only when told "all": true.
        body: JSON.stringify(cluster ? { cluster, names: chosen } : { names: chosen }),
      });
      const body = await res.json();
      if (!res.ok) {
        out.replaceChildren(el('p', { class: 'error', id: 'restart-refused', text: `Refused (HTTP ${res.status}): ${body.error}${body.code ? ` (${body.code})` : ''}` }));
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, typed);
      out.replaceChildren(el('p', { id: 'restart-done', text: 'Restart run finished:' }), resultsTable(body.results));
      refresh(true);
    } catch (err) {
      out.replaceChildren(el('p', { class: 'error', text: err.message }));
    }
  });

  addEventListener('resize', () => {
    if (view.history) drawCharts(view.history);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => view.history && drawCharts(view.history));

  refresh(true);
  setInterval(refresh, REFRESH_MS);
})();
