// The rep's web app: plain JavaScript over the read API, no build step. The key stays in sessionStorage (this tab only).
'use strict';
const $ = (s) => document.querySelector(s);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const words = (feature) => feature.replace(/^[a-z]+\./, '').replace(/[._]/g, ' ');
const pct = (x) => (100 * x).toFixed(1) + '%';
let me = null;

async function api(path) {
  const key = sessionStorage.getItem('pql-key');
  const r = await fetch(path, { headers: { Authorization: 'Bearer ' + key } });
  if (r.status === 401) { sessionStorage.removeItem('pql-key'); showLogin('That key was not accepted.'); throw new Error('401'); }
  if (!r.ok) throw new Error(path + ': ' + r.status);
  return r.json();
}

async function post(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { Authorization: 'Bearer ' + sessionStorage.getItem('pql-key'), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.detail || data.title || (path + ': ' + r.status));
  return data;
}

async function text(path) {
  const r = await fetch(path, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('pql-key') } });
  if (!r.ok) throw new Error(path + ': ' + r.status);
  return r.text();
}

const tierBadge = (row) => `<span class="tier tier-${esc(row.tier)}">${esc(row.tier)}</span>` + (row.override || (row.attributes && row.attributes.override)
  ? ` <span class="override" title="${esc((row.attributes || {}).override_reason || '')}">override${(row.attributes || {}).model_tier ? ': model said ' + esc(row.attributes.model_tier) : ''}</span>` : '');

function showLogin(message) {
  $('#login').hidden = false; $('#view').innerHTML = ''; $('#login-error').textContent = message || '';
}

$('#login-form').addEventListener('submit', (e) => {
  e.preventDefault(); sessionStorage.setItem('pql-key', $('#key').value.trim()); $('#login').hidden = true; route();
});

async function route() {
  if (!sessionStorage.getItem('pql-key')) return showLogin();
  $('#login').hidden = true;
  if (!me) {
    me = await api('/v1/me');
    $('#who').textContent = me.name + ' (' + me.role + ')';
    const goals = await api('/v1/goals');
    $('#goals').innerHTML = goals.map((g) => `<a href="#/goal/${esc(g)}">${esc(g)}</a>`).join('');
    if (location.hash === '' || location.hash === '#/') location.hash = '#/goal/' + goals[0];
  }
  const [, kind, id, rest] = location.hash.split('/');
  if (kind === 'goal') return goalList(decodeURIComponent(id), new URLSearchParams(rest || ''));
  if (kind === 'account' || kind === 'user') return entityPage(kind, decodeURIComponent(id));
  if (kind === 'models') return modelsPage();
  if (kind === 'report') return reportPage(decodeURIComponent(id));
}

async function goalList(goal, params) {
  const page = Number(params.get('page') || 1);
  const q = new URLSearchParams({ page, pageSize: 50 });
  for (const k of ['tier', 'segment', 'q', 'movedUp', 'owner']) if (params.get(k)) q.set(k, params.get(k));
  const [data, facets] = await Promise.all([api(`/v1/goals/${encodeURIComponent(goal)}/scores?${q}`), api(`/v1/goals/${encodeURIComponent(goal)}/facets`)]);
  const sel = (name, options) => `<select name="${name}"><option value="">any ${name}</option>${options.map((o) =>
    `<option ${params.get(name) === o ? 'selected' : ''}>${esc(o)}</option>`).join('')}</select>`;
  $('#view').innerHTML = `
    <h1>${esc(goal)}: ${data.total.toLocaleString()} accounts <a class="small" href="#/report/${encodeURIComponent(goal)}">report</a></h1>
    <form class="filters" id="filters">
      <label><input type="checkbox" name="mine" ${params.get('owner') ? 'checked' : ''}> my accounts</label>
      ${sel('tier', facets.tiers)}
      ${facets.segments.length ? sel('segment', facets.segments) : ''}
      <label><input type="checkbox" name="movedUp" ${params.get('movedUp') ? 'checked' : ''}> moved up</label>
      <input type="search" name="q" placeholder="search id, owner, industry" value="${esc(params.get('q'))}">
      <button>Apply</button>
      <button type="button" id="csv">Export CSV</button>
    </form>
    <table id="scores"><thead><tr><th>Account</th><th>Score</th><th>Change (1 day)</th><th>Tier</th><th>Health</th><th>Top reasons</th><th>Owner</th><th>Segment</th></tr></thead>
    <tbody>${data.rows.map((r) => `<tr>
      <td><a href="#/account/${encodeURIComponent(r.entityId)}">${esc(r.entityId)}</a></td>
      <td class="num">${pct(r.score)}</td>
      <td class="num ${r.change > 0 ? 'up' : r.change < 0 ? 'down' : ''}">${r.change == null ? '' : (r.change > 0 ? '+' : '') + (100 * r.change).toFixed(1)}</td>
      <td>${tierBadge(r)}</td><td class="num">${r.health == null ? '' : r.health}</td>
      <td>${r.drivers.map((d) => `<span title="${esc(d.text || '')}">${esc(words(d.feature)) + (d.contribution >= 0 ? ' ↑' : ' ↓')}</span>`).join(', ')}</td>
      <td>${esc(r.owner)}</td><td>${esc(r.segment)}</td></tr>`).join('')}</tbody></table>
    <div class="pager"><button id="prev" ${page <= 1 ? 'disabled' : ''}>Previous</button>
      page ${page} of ${Math.max(1, Math.ceil(data.total / data.pageSize))}
      <button id="next" ${page * data.pageSize >= data.total ? 'disabled' : ''}>Next</button></div>`;
  const go = (p) => {
    const f = new FormData($('#filters')); const n = new URLSearchParams();
    for (const k of ['tier', 'segment', 'q']) if (f.get(k)) n.set(k, f.get(k));
    if (f.get('movedUp')) n.set('movedUp', 'true');
    if (f.get('mine')) n.set('owner', me.name);
    n.set('page', p); location.hash = `#/goal/${encodeURIComponent(goal)}/${n}`;
  };
  $('#filters').addEventListener('submit', (e) => { e.preventDefault(); go(1); });
  $('#csv').addEventListener('click', async () => { // a download needs the key too: fetch it, then hand the browser a blob
    const r = await fetch(`/v1/goals/${encodeURIComponent(goal)}/scores?${q}&format=csv`, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('pql-key') } });
    const a = document.createElement('a'); a.href = URL.createObjectURL(await r.blob()); a.download = goal + '-scores.csv'; a.click();
  });
  $('#prev').addEventListener('click', () => go(page - 1));
  $('#next').addEventListener('click', () => go(page + 1));
}

function historyChart(points) {
  if (points.length === 0) return '<p>No scores yet.</p>';
  const w = 520, h = 140, n = points.length;
  const x = (i) => n === 1 ? w / 2 : 20 + (i * (w - 40)) / (n - 1);
  const y = (s) => h - 15 - s * (h - 30);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.row.score).toFixed(1)}`).join(' ');
  return `<svg width="${w}" height="${h}" role="img" aria-label="score history"><path d="${path}" fill="none" stroke="#2b6cb0" stroke-width="2"/>
    ${points.map((p, i) => `<circle cx="${x(i)}" cy="${y(p.row.score)}" r="3" fill="#2b6cb0"><title>${new Date(p.createdMs).toISOString()} ${pct(p.row.score)}</title></circle>`).join('')}
    <text x="2" y="12" font-size="10">100%</text><text x="2" y="${h - 4}" font-size="10">0%</text></svg>`;
}

function waterfall(drivers) {
  const max = Math.max(1e-9, ...drivers.map((d) => Math.abs(d.contribution)));
  return `<table class="drivers" id="drivers"><thead><tr><th>Reason</th><th>Value</th><th>Effect on the score</th></tr></thead><tbody>${drivers.map((d) => `<tr>
    <td>${esc(d.text || words(d.feature))}</td><td class="num">${d.valueName != null ? esc(d.valueName) : d.value == null ? 'missing' : Number(d.value).toLocaleString()}</td>
    <td><svg width="260" height="14"><rect x="${d.contribution >= 0 ? 130 : 130 - 128 * Math.abs(d.contribution) / max}" y="2" height="10"
      width="${128 * Math.abs(d.contribution) / max}" fill="${d.contribution >= 0 ? '#137333' : '#b3261e'}"/><line x1="130" x2="130" y1="0" y2="14" stroke="#999"/></svg>
      ${(d.contribution >= 0 ? '+' : '') + d.contribution.toFixed(3)}</td></tr>`).join('')}</tbody></table>`;
}

async function entityPage(kind, id) {
  const data = await api(`/v1/${kind}s/${encodeURIComponent(id)}`);
  const overrides = {}; const health = {};
  for (const g of data.goals) {
    const o = await api(`/v1/goals/${encodeURIComponent(g.goal)}/overrides`);
    overrides[g.goal] = o.active.find((x) => x.entityId === id);
    if (kind === 'account' && g.latest) {
      const page = await api(`/v1/goals/${encodeURIComponent(g.goal)}/scores?q=${encodeURIComponent(id)}&pageSize=500`);
      const row = page.rows.find((r) => r.entityId === id);
      if (row && row.health != null) health.index = row.health;
    }
  }
  const overrideLine = (o) => o ? `<p class="override-line">Override: ${esc(o.tier ? 'tier ' + o.tier : 'suppressed')} until ${esc(new Date(o.expiresMs).toISOString().slice(0, 10))}
    by ${esc(o.createdBy)}${o.approvedBy ? ', approved by ' + esc(o.approvedBy) : ''}: ${esc(o.reason)}</p>` : '';
  const feedbackForm = (goal) => `<form class="feedback" data-goal="${esc(goal)}"><h3>Is this score wrong?</h3>
    <input name="reason" placeholder="why (required)" size="40" required>
    <button name="kind" value="false_positive">False positive</button><button name="kind" value="false_negative">False negative</button>
    <button name="kind" value="disqualified">Disqualified (90 days)</button><span class="feedback-result"></span></form>`;
  $('#view').innerHTML = `<h1>${esc(kind)} ${esc(id)}${health.index != null ? ` <span class="health" id="health">health ${health.index}/100</span>` : ''}</h1><div class="cards">${data.goals.map((g) => `<div class="card">
    <h2>${esc(g.goal)} ${g.latest ? `${pct(g.latest.row.score)} ${tierBadge(overrides[g.goal] ? { tier: overrides[g.goal].tier || g.latest.row.tier, override: true, attributes: { override_reason: overrides[g.goal].reason } } : g.latest.row)}` : ''}</h2>
    ${overrideLine(overrides[g.goal])}${feedbackForm(g.goal)}
    ${g.latest ? `<p>Owner ${esc(g.latest.row.attributes.owner)}, segment ${esc(g.latest.row.attributes.segment)}</p>` : ''}
    <h3>Score history</h3>${historyChart(g.history)}
    <h3>Why: drivers</h3>${g.latest ? waterfall(g.latest.row.drivers) : ''}
    <h3>Triggers</h3><ul>${g.triggers.map((t) => `<li>${new Date(t.createdMs).toISOString().slice(0, 16)} ${esc(t.trigger)}: ${esc(t.reason)}</li>`).join('') || '<li>none</li>'}</ul>
    <h3>Actions</h3><ul>${g.actions.map((a) => `<li>${esc(a.connector)} ${esc(a.action)}: ${esc(a.status)}${a.lastError ? ' (' + esc(a.lastError) + ')' : ''}</li>`).join('') || '<li>none</li>'}</ul>
  </div>`).join('')}</div>`;
  for (const form of document.querySelectorAll('form.feedback')) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const out = form.querySelector('.feedback-result');
      try {
        const f = await post(`/v1/goals/${encodeURIComponent(form.dataset.goal)}/feedback`, { entity: id, kind: e.submitter.value, reason: form.reason.value });
        out.textContent = `Recorded: ${e.submitter.value.replace('_', ' ')} by ${f.by}. The next retrain uses it.`;
        form.reason.value = '';
      } catch (err) { out.textContent = err.message; }
    });
  }
}

async function reportPage(goal) {
  const html = await text(`/v1/goals/${encodeURIComponent(goal)}/report`);
  $('#view').innerHTML = `<h1>${esc(goal)}: report</h1><iframe id="report" title="report" style="width:100%;height:80vh;border:1px solid #ddd"></iframe>`;
  $('#report').srcdoc = html;
}

// Calibration: each validation decile's mean predicted probability against the share that reached the goal; on the diagonal
// a score of 30% means 3 in 10 do.
function calibrationChart(bins) {
  const w = 300, h = 220, m = 30, top = Math.max(0.05, ...bins.map((b) => Math.max(b.meanPredicted, b.observedRate)));
  const x = (v) => m + (v / top) * (w - m - 10), y = (v) => h - m - (v / top) * (h - m - 10);
  return `<svg class="calibration" width="${w}" height="${h}" role="img" aria-label="calibration">
    <line x1="${x(0)}" y1="${y(0)}" x2="${x(top)}" y2="${y(top)}" stroke="#bbb" stroke-dasharray="4 3"/>
    <line x1="${m}" y1="${y(0)}" x2="${w - 10}" y2="${y(0)}" stroke="#999"/><line x1="${m}" y1="${y(0)}" x2="${m}" y2="10" stroke="#999"/>
    <path d="${bins.map((b, i) => `${i ? 'L' : 'M'}${x(b.meanPredicted).toFixed(1)},${y(b.observedRate).toFixed(1)}`).join(' ')}" fill="none" stroke="#2b6cb0" stroke-width="2"/>
    ${bins.map((b) => `<circle cx="${x(b.meanPredicted)}" cy="${y(b.observedRate)}" r="3.5" fill="#2b6cb0"><title>predicted ${pct(b.meanPredicted)}, observed ${pct(b.observedRate)} (${b.rows} rows)</title></circle>`).join('')}
    <text x="${w / 2}" y="${h - 6}" font-size="10" text-anchor="middle">predicted (0 to ${pct(top)})</text>
    <text x="10" y="${h / 2}" font-size="10" transform="rotate(-90 10 ${h / 2})" text-anchor="middle">observed</text></svg>`;
}

// Lift: how many times the base rate each decile reaches the goal, highest scores first; the line at 1 is random targeting.
function liftChart(bins, baseRate) {
  const deciles = [...bins].reverse().map((b) => (baseRate > 0 ? b.observedRate / baseRate : 0));
  const w = 300, h = 220, m = 30, top = Math.max(1.5, ...deciles), bw = (w - m - 10) / deciles.length;
  const y = (v) => h - m - (v / top) * (h - m - 10);
  return `<svg class="lift" width="${w}" height="${h}" role="img" aria-label="lift by decile">
    ${deciles.map((l, i) => `<rect x="${m + i * bw + 2}" y="${y(l)}" width="${bw - 4}" height="${y(0) - y(l)}" fill="#137333"><title>decile ${i + 1}: lift ${l.toFixed(2)}</title></rect>`).join('')}
    <line x1="${m}" y1="${y(1)}" x2="${w - 10}" y2="${y(1)}" stroke="#b3261e" stroke-dasharray="4 3"/>
    <line x1="${m}" y1="${y(0)}" x2="${w - 10}" y2="${y(0)}" stroke="#999"/>
    <text x="${m - 4}" y="${y(1) + 3}" font-size="10" text-anchor="end">1</text><text x="${m - 4}" y="${y(top) + 8}" font-size="10" text-anchor="end">${top.toFixed(1)}</text>
    <text x="${w / 2}" y="${h - 6}" font-size="10" text-anchor="middle">deciles, highest scores first</text></svg>`;
}

async function modelsPage() {
  const models = await api('/v1/models');
  $('#view').innerHTML = `<h1>Models</h1><div class="cards">${models.map((m) => `<div class="card model"><h2>${esc(m.goal)}: ${esc(m.kind)} ${esc(m.version)}</h2>
    ${m.calibration && m.calibration.length ? `<div class="charts"><figure><figcaption>Calibration (validation)</figcaption>${calibrationChart(m.calibration)}</figure>
      <figure><figcaption>Lift by decile (base rate ${pct(m.baseRate)})</figcaption>${liftChart(m.calibration, m.baseRate)}</figure></div>` : '<p>No validation deciles in this model.</p>'}
    <section class="changelog"><h3>Change log</h3>${m.changeLog ? markdown(m.changeLog) : '<p>No change log for this version (trained before change logs were kept).</p>'}</section>
    <details><summary>Model card</summary><pre>${esc(m.card || JSON.stringify(m.metrics, null, 2))}</pre></details></div>`).join('')}</div>`;
}

// The change log is Markdown written by pql train (docs/GOVERNANCE.md): headings, paragraphs, bullet lists and pipe tables only,
// so a few lines render it; everything is escaped first.
function markdown(md) {
  const out = [];
  let table = null;
  let list = null;
  const flush = () => {
    if (table) out.push(`<table>${table.map((cells, i) => `<tr>${cells.map((c) => i === 0 ? `<th>${c}</th>` : `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`);
    if (list) out.push(`<ul>${list.map((li) => `<li>${li}</li>`).join('')}</ul>`);
    table = null;
    list = null;
  };
  for (const raw of md.split('\n')) {
    const line = esc(raw.trimEnd()).replace(/`([^`]+)`/g, '<code>$1</code>');
    if (line.startsWith('|')) {
      if (/^\|[\s:|-]+\|$/.test(line)) continue;   // the header's separator row
      if (list) flush();
      (table ||= []).push(line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|').replace(/\\\\/g, '\\')));
    } else if (line.startsWith('- ')) {
      if (table) flush();
      (list ||= []).push(line.slice(2));
    } else {
      flush();
      const h = /^(#{1,3}) (.*)$/.exec(line);
      if (h) out.push(`<h${h[1].length + 2}>${h[2]}</h${h[1].length + 2}>`);
      else if (line) out.push(`<p>${line}</p>`);
    }
  }
  flush();
  return out.join('');
}

window.addEventListener('hashchange', () => route().catch((e) => console.error(e)));
route().catch((e) => console.error(e));
