// /admin: the health authority's console (防控管理). Statistics with charts,
// risk areas and case status (single edits and CSV bulk imports with a progress
// bar and per-line errors), rule sets (shape check, dry run, activation),
// appeals (overdue highlighted), review regions, trusted issuers (互认), venues
// (who was there, mark close contacts), persons (audited reveal), staff
// accounts (sign-in locks with unlock, TOTP) and the audit log. An activation
// (and a large import) recolours in the background: its progress bar polls the
// job until it is over. Every call here is audited by the server.
import { staffClient } from '../../common/api.js';
import { h, $, clear } from '../../common/dom.js';
import { bi, fmtTime, requireStaff, staffHeader, errorText, labelCells } from '../../common/staff.js';
import { stackedColumns, stackedBars, COLORS } from './charts.js';

const { api } = staffClient;
const root = $('#app');
const CHUNK_LINES = 50;

const pill = (c) => (c ? h('span', { class: `pill ${c}` }, c) : '');
// Rows become labelled cards on a phone (staff.js labelCells).
const table = (id, heads, rows) => labelCells(h('table', { id }, h('thead', null, h('tr', null, heads.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', null, rows)));
// A form's fields, each under its label: [[key, zh, en], control].
const labelled = (f, words) => Object.entries(f).map(([k, v]) => h('div', null, h('label', { for: v.id }, words[k] ? bi(...words[k]) : k), v));
const msgEl = (id) => h('p', { id, role: 'status', class: 'msg' });
function say(el, r, okText) {
  if (r.status >= 200 && r.status < 300) { el.className = 'ok'; el.textContent = okText; return true; }
  el.className = 'error';
  el.textContent = errorText(r);
  return false;
}
// ---- background recolouring (GET /admin/recolour-jobs/{id}) ----
const JOB_POLL_MS = 500;
const JOB_OVER = ['finished', 'superseded', 'failed', 'stopped'];
function jobText(j) {
  const n = (x) => (x == null ? '…' : Number(x).toLocaleString('en'));
  const changed = n(j.counts && j.counts.changed);
  if (j.state === 'queued') return '等待重新着色 Recolouring queued behind another job';
  if (j.state === 'running') {
    return `后台重新着色 Recolouring in the background: ${n(j.done)} / ${n(j.total)} 人 persons · ${n(Math.round(j.rate || 0))}/s · 颜色变化 recoloured ${changed}`;
  }
  if (j.state === 'finished') return `重新着色完成 Recolouring finished: ${n(j.done)} 人 persons in ${(j.seconds || 0).toFixed(1)} s · 颜色变化 recoloured ${changed}`;
  if (j.state === 'superseded') return `已被新的启用取代 Superseded by a newer activation after ${n(j.done)} 人 persons`;
  return `重新着色中断 Recolouring ${j.state} after ${n(j.done)} 人 persons`;
}
// A progress bar for job `job` (as the API answers it), polled until the job is
// over or the element leaves the page; `done` resolves with the last state seen.
function jobWatch(job) {
  const bar = h('progress', { class: 'job-progress', max: 1, value: 0 });
  const text = h('p', { class: 'job-text', role: 'status' });
  const el = h('div', { class: 'card job', 'data-job': job.job_id }, text, bar);
  const show = (j) => {
    el.dataset.state = j.state;
    bar.max = Math.max(1, j.total || 0);
    bar.value = j.state === 'finished' ? bar.max : Math.min(bar.max, j.done || 0);
    text.className = `job-text ${j.state === 'failed' ? 'error' : j.state === 'finished' ? 'ok' : ''}`;
    text.textContent = jobText(j);
  };
  show(job);
  const done = new Promise((resolve) => {
    const poll = async (j) => {
      if (JOB_OVER.includes(j.state)) { resolve(j); return; }
      await new Promise((t) => setTimeout(t, JOB_POLL_MS));
      if (!el.isConnected) { resolve(j); return; }  // another tab was opened
      const r = await api('GET', `/admin/recolour-jobs/${encodeURIComponent(j.job_id)}`);
      if (r.status !== 200) { text.className = 'job-text error'; text.textContent = errorText(r); resolve(j); return; }
      show(r.data);
      poll(r.data);
    };
    poll(job);
  });
  return { el, done };
}

const legend = () => h('p', { class: 'legend' }, Object.entries(COLORS).map(([c, v]) => h('span', null, h('i', { style: { background: v } }), c)));

// ---- statistics ----
async function statsTab(box) {
  const days = h('select', { id: 'stats-days' }, [7, 14, 30].map((d) => h('option', { value: d, selected: d === 14 }, `${d} 天 days`)));
  const out = h('div', { class: 'chart', id: 'stats' });
  async function load() {
    clear(out);
    const r = await api('GET', `/admin/statistics?days=${days.value}`);
    if (r.status !== 200) { out.append(h('p', { class: 'error' }, errorText(r))); return; }
    const d = r.data;
    const tot = d.current || {};
    out.append(
      h('p', { id: 'stats-current' }, '当前 Now: ', ['green', 'yellow', 'gray', 'red'].map((c) => [pill(c), ` ${tot[c] || 0}  `])),
      h('h3', null, bi('每日持码人数(按当日颜色)', 'People by code colour per day')),
      stackedColumns((d.by_day || []).map((x) => ({ ...x, label: (x.date || '').slice(5) })), { title: 'codes by colour over time' }),
      legend(),
      h('h3', null, bi('各地区当前颜色', 'Current colours by region')),
      stackedBars((d.by_region || []).map((x) => ({ ...x, label: `${x.name || ''} ${x.region}`.trim() })), { title: 'codes by region' }));
  }
  days.addEventListener('change', load);
  box.append(h('div', { class: 'row' }, h('h2', null, bi('统计', 'Statistics')), h('label', { for: 'stats-days', class: 'sr' }, '天数 Days shown'), days), out);
  await load();
}

// ---- CSV import with a progress bar and per-line errors ----
function csvImport(box, { id, path, title, example }) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', id: `${id}-file` });
  const text = h('textarea', { rows: 6, id: `${id}-csv`, placeholder: example });
  const bar = h('progress', { id: `${id}-progress`, max: 1, value: 0 });
  const summary = msgEl(`${id}-summary`);
  const errs = h('div', { class: 'errors', id: `${id}-errors` });
  const jobBox = h('div', { id: `${id}-job` });
  file.setAttribute('aria-label', `CSV 文件 file`);
  text.setAttribute('aria-label', 'CSV');
  file.addEventListener('change', async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  const go = h('button', { type: 'button', class: 'primary', id: `${id}-import` }, bi('导入', 'Import'));
  go.addEventListener('click', async () => {
    const lines = text.value.replace(/\r\n?/g, '\n').split('\n');
    while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
    clear(errs);
    summary.className = '';
    summary.textContent = '';
    go.disabled = true;
    bar.max = Math.max(1, lines.length);
    bar.value = 0;
    let accepted = 0;
    let affected = 0;
    const errors = [];
    const jobs = [];  // chunks whose recolouring went on in the background (202)
    clear(jobBox);
    try {
      for (let i = 0; i < lines.length; i += CHUNK_LINES) {
        const chunk = lines.slice(i, i + CHUNK_LINES);
        const r = await api('POST', path, { csv: chunk.join('\n'), first_line: i + 1 });
        if (r.status !== 200 && r.status !== 202) { errors.push({ line: `${i + 1}–${i + chunk.length}`, code: 'request_failed', message: errorText(r) }); }
        else {
          accepted += r.data.accepted || 0;
          affected += r.data.recolored || 0;
          errors.push(...(r.data.errors || []));
          if (r.status === 202 && r.data.job) jobs.push(r.data.job);
        }
        bar.value = Math.min(lines.length, i + chunk.length);
      }
      // The jobs run one after the other: follow each to its end.
      for (const job of jobs) {
        const w = jobWatch(job);
        clear(jobBox).append(w.el);
        const end = await w.done;
        affected += (end.counts && end.counts.changed) || 0;
      }
    } finally {
      go.disabled = false;
    }
    summary.className = errors.length ? 'error' : 'ok';
    summary.textContent = `已导入 Imported ${accepted} 行 lines · 错误 errors ${errors.length} · 颜色变化 residents recoloured ${affected}`;
    if (errors.length) {
      errs.append(table(`${id}-error-table`, ['行 Line', '代码 Code', '说明 Message'],
        errors.map((e) => h('tr', null, h('td', null, String(e.line)), h('td', null, e.code), h('td', null, e.message || '')))));
    }
  });
  box.append(h('section', { class: 'card' }, h('h3', null, title), h('p', { class: 'muted' }, example.split('\n')[0]),
    file, text, h('p', null, go), bar, jobBox, summary, errs));
}

// ---- risk areas ----
async function riskTab(box) {
  const q = h('input', { id: 'risk-q', placeholder: '370102 / 历下' });
  const list = h('div', { id: 'risk-list' });
  const msg = msgEl('risk-msg');
  const jobBox = h('div', { id: 'risk-job' });
  async function search() {
    const r = await api('GET', `/admin/regions?q=${encodeURIComponent(q.value.trim())}`);
    clear(list);
    if (r.status !== 200) { list.append(h('p', { class: 'error' }, errorText(r))); return; }
    const items = r.data.areas || [];
    list.append(table('risk-table', ['代码 Code', '地区 Region', '等级 Level', ''], items.map((a) => {
      const sel = h('select', { class: 'level', 'aria-label': `等级 Level ${a.region}` }, ['low', 'medium', 'high'].map((l) => h('option', { value: l, selected: l === a.level }, l)));
      return h('tr', { 'data-region': a.region }, h('td', null, a.region), h('td', null, a.name || ''), h('td', null, sel),
        h('td', null, h('button', { type: 'button', onclick: async () => {
          // One region at a time, merged into the list (the import endpoint merges; PUT replaces all).
          const rr = await api('POST', '/admin/risk-areas/import', { csv: `${a.region},${sel.value}`, first_line: 2 });
          if ((rr.status === 200 || rr.status === 202) && rr.data.errors.length) { msg.className = 'error'; msg.textContent = rr.data.errors.map((e) => e.message).join('; '); return; }
          if (rr.status === 202) {
            say(msg, rr, `已设置 Set ${a.region} → ${sel.value} · 后台重新着色 recolouring in the background`);
            const w = jobWatch(rr.data.job);
            clear(jobBox).append(w.el);
            return;
          }
          say(msg, rr, `已设置 Set ${a.region} → ${sel.value} · 颜色变化 recoloured ${rr.data && rr.data.recolored}`);
        } }, bi('设置', 'Set'))));
    })));
  }
  const sf = h('form', { class: 'row' }, h('label', { for: 'risk-q' }, bi('查找地区', 'Search a region')), q, h('button', { type: 'submit' }, bi('查找', 'Search')));
  sf.addEventListener('submit', (e) => { e.preventDefault(); search(); });
  box.append(h('h2', null, bi('风险地区', 'Risk areas')), h('section', { class: 'card' }, sf, msg, jobBox, list));
  csvImport(box, { id: 'risk-import', path: '/admin/risk-areas/import', title: bi('批量导入风险地区 (CSV)', 'Bulk import risk areas (CSV)'), example: 'region,level\n370102,high\n370103,medium' });
  search();
}

// ---- case status ----
async function caseTab(box) {
  const f = { id_type: h('select', { id: 'case-idtype' }, ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent_id'].map((t) => h('option', null, t))),
    id_number: h('input', { id: 'case-idnum' }),
    status: h('select', { id: 'case-status' }, ['confirmed', 'suspected', 'asymptomatic', 'close_contact', 'recovered', 'cleared', 'falsified'].map((t) => h('option', null, t))),
    since: h('input', { id: 'case-since', type: 'date' }) };
  const msg = msgEl('case-msg');
  const form = h('form', { class: 'card row' }, labelled(f, { id_type: ['证件类型', 'ID type'], id_number: ['证件号码', 'ID number'], status: ['状态', 'Status'], since: ['起始日期', 'Since'] }),
    h('button', { type: 'submit', class: 'primary' }, bi('保存', 'Save')), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api('PUT', '/admin/case-status', { id_type: f.id_type.value, id_number: f.id_number.value.trim(), status: f.status.value, since: f.since.value || undefined });
    say(msg, r, '已保存 Saved');
  });
  box.append(h('h2', null, bi('病例名单', 'Case status')), form);
  csvImport(box, { id: 'case-import', path: '/admin/case-status/import', title: bi('批量导入病例名单 (CSV)', 'Bulk import case status (CSV)'), example: 'id_type,id_number,status,since\nresident_id,11010519491231002X,confirmed,2026-11-20' });
}

// ---- rule sets ----
async function rulesTab(box) {
  const list = h('div', { id: 'ruleset-list' });
  const text = h('textarea', { rows: 14, id: 'ruleset-json', placeholder: '{"id": "default", "version": "2026.2", ...}', 'aria-label': '规则集 JSON Rule set JSON' });
  const out = h('div', { id: 'ruleset-result' });
  const msg = msgEl('ruleset-msg');
  const jobBox = h('div', { id: 'ruleset-job' });
  // The recolouring after an activation, followed to its end.
  async function follow(job, activated) {
    const w = jobWatch(job);
    clear(jobBox).append(w.el);
    const end = await w.done;
    if (activated && end.state === 'finished') say(msg, { status: 200 }, `已启用 Activated · 颜色变化 recoloured ${end.counts.changed}`);
  }
  async function load() {
    const r = await api('GET', '/admin/rulesets');
    clear(list);
    if (r.status !== 200) { list.append(h('p', { class: 'error' }, errorText(r))); return; }
    list.append(table('ruleset-table', ['规则集 Rule set', '版本 Version', '来源 Source', '状态 State', ''], (r.data.rulesets || []).map((s) => h('tr', { 'data-ruleset': s.ruleset_id },
      h('td', null, s.id), h('td', null, s.version), h('td', null, s.source || ''), h('td', null, s.active ? '● 使用中 active' : ''),
      h('td', null, h('button', { type: 'button', class: 'copy', onclick: async () => {
        const rr = await api('GET', `/admin/rulesets/${encodeURIComponent(s.ruleset_id)}`);
        if (!say(msg, rr, `已复制到编辑框 Copied to the editor: ${s.id} ${s.version}`)) return;
        text.value = JSON.stringify(rr.data.rule_set, null, 2);
        text.focus();
      } }, bi('编辑副本', 'Copy to editor')), ' ',
        s.active ? null : h('button', { type: 'button', class: 'activate', onclick: () => activate(s.ruleset_id) }, bi('启用', 'Activate')))))));
  }
  async function activate(id) {
    const r = await api('POST', `/admin/rulesets/${encodeURIComponent(id)}/activate`, {});
    load();
    if (!say(msg, r, '已启用 Activated · 后台重新着色 recolouring in the background')) return;
    if (r.data.job) await follow(r.data.job, true);
  }
  async function upload() {
    clear(out);
    let doc;
    try { doc = JSON.parse(text.value); } catch (e) { out.append(h('p', { class: 'error', id: 'ruleset-errors' }, `JSON: ${e.message}`)); return; }
    const r = await api('POST', '/admin/rulesets', { rule_set: doc });
    if (r.status === 422) {
      const errs = r.data.errors || [];
      out.append(h('p', { class: 'error' }, `${errs.length} 个问题 problems`), table('ruleset-errors', ['位置 Path', '代码 Code', '说明 Message'],
        errs.map((e) => h('tr', null, h('td', null, e.path || e.field), h('td', null, e.code), h('td', null, e.message)))));
      return;
    }
    if (r.status !== 201) { out.append(h('p', { class: 'error' }, errorText(r))); return; }
    const d = r.data.dry_run || {};
    out.append(h('div', { class: 'card', id: 'dry-run' },
      h('p', null, `试运行 Dry run: ${d.total ?? 0} 人中 of residents, `, h('strong', { id: 'dry-run-changed' }, String(d.changed ?? 0)), ' 人颜色将变化 would change colour'),
      h('ul', null, Object.entries(d.transitions || {}).map(([k, v]) => h('li', null, `${k}: ${v}`))),
      h('button', { type: 'button', class: 'primary', id: 'ruleset-activate', onclick: () => activate(r.data.ruleset_id) }, bi('启用此版本', 'Activate this version'))));
    load();
  }
  box.append(h('h2', null, bi('规则集', 'Rule sets')), msg, jobBox, list,
    h('section', { class: 'card' }, h('h3', null, bi('上传新版本', 'Upload a new version')), text,
      h('p', null, h('button', { type: 'button', class: 'primary', id: 'ruleset-upload', onclick: upload }, bi('检查并试运行', 'Check and dry run'))), out));
  load();
  // A recolouring still going on (an activation made before this page was opened).
  const jr = await api('GET', '/admin/recolour-jobs');
  const running = jr.status === 200 && (jr.data.jobs || []).find((j) => j.kind === 'ruleset' && !JOB_OVER.includes(j.state));
  if (running) follow(running, false);
}

// ---- appeals ----
async function appealsTab(box) {
  const list = h('div', { id: 'appeals' });
  const msg = msgEl('appeal-msg');
  async function load() {
    const r = await api('GET', '/admin/appeals');
    clear(list);
    if (r.status !== 200) { list.append(h('p', { class: 'error' }, errorText(r))); return; }
    const items = Array.isArray(r.data) ? r.data : r.data.appeals || [];
    const now = Date.now();
    const resolve = async (a, decision, note) => {
      say(msg, await api('POST', `/admin/appeals/${encodeURIComponent(a.appeal_id)}/resolve`, { decision, note }), '已处理 Resolved');
      load();
    };
    list.append(table('appeal-table', ['提交 Filed', '截止 Due', '人员 Person', '类型 Topic', '内容 Message', '状态 State', '处理 Resolve'], items.map((a) => {
      const note = h('input', { placeholder: '答复(必填) Note (required)', class: 'note', 'aria-label': '答复 Note' });
      const open = a.state === 'open';
      const overdue = open && (a.overdue || (a.due_at && Date.parse(a.due_at) < now));
      return h('tr', { class: overdue ? 'overdue' : '', 'data-appeal': a.appeal_id },
        h('td', null, fmtTime(a.filed_at)), h('td', null, fmtTime(a.due_at), overdue ? h('strong', null, ' 逾期 OVERDUE') : ''),
        h('td', null, a.name_masked || ''), h('td', null, a.topic || ''), h('td', null, a.message || ''),
        h('td', null, a.state || ''),
        h('td', null, open ? [note, ' ',
          h('button', { type: 'button', class: 'primary', onclick: () => resolve(a, 'resolved', note.value) }, bi('已解决', 'Resolve')), ' ',
          h('button', { type: 'button', onclick: () => resolve(a, 'rejected', note.value) }, bi('驳回', 'Reject'))] : `${a.resolved_by || ''}: ${a.note || ''}`));
    })));
  }
  box.append(h('h2', null, bi('申诉', 'Appeals')), msg, list);
  load();
}

// ---- review regions ----
async function reviewRegionsTab(box) {
  const regions = h('input', { id: 'review-regions', placeholder: '370102, 370103', style: { width: '100%' } });
  const msg = msgEl('review-regions-msg');
  const cur = await api('GET', '/admin/review-regions');
  if (cur.status === 200) regions.value = (cur.data.regions || []).join(', ');
  box.append(h('h2', null, bi('需审核地区', 'Regions that require review')), h('section', { class: 'card' },
    h('label', { for: 'review-regions' }, bi('行政区划代码(逗号分隔)', 'Region codes (comma separated)')), regions,
    h('p', null, h('button', { type: 'button', class: 'primary', onclick: async () => {
      const list = regions.value.split(/[\s,;]+/).filter(Boolean);
      say(msg, await api('PUT', '/admin/review-regions', { regions: list }), `已保存 Saved (${list.length})`);
    } }, bi('保存', 'Save'))), msg));
}

// ---- trusted issuers (互认) ----
async function issuersTab(box) {
  const list = h('div', { id: 'issuer-list' });
  const msg = msgEl('issuer-msg');
  const f = { issuer: h('input', { id: 'issuer-id', placeholder: 'ankang-hz' }), name: h('input', { id: 'issuer-name', placeholder: '杭州 Hangzhou' }),
    keys_url: h('input', { id: 'issuer-url', placeholder: 'http://127.0.0.1:8081/api/v1/keys', style: { width: '100%' } }),
    keys: h('textarea', { id: 'issuer-keys', rows: 4, placeholder: '{"issuer": "...", "keys": [{"kid", "x", ...}]}' }) };
  async function load() {
    const r = await api('GET', '/admin/issuers');
    clear(list);
    if (r.status !== 200) { list.append(h('p', { class: 'error' }, errorText(r))); return; }
    list.append(table('issuer-table', ['签发方 Issuer', '名称 Name', '来源 Source', '密钥 Keys', '更新 Updated', ''], (r.data.issuers || []).map((i) => h('tr', { 'data-issuer': i.issuer },
      h('td', null, i.issuer), h('td', null, i.name), h('td', null, i.keys_url || 'keys'), h('td', null, (i.keys || []).map((k) => k.kid).join(', ')), h('td', null, fmtTime(i.updated_at)),
      h('td', null, i.keys_url ? h('button', { type: 'button', onclick: async () => { say(msg, await api('POST', `/admin/issuers/${encodeURIComponent(i.issuer)}/refresh`, {}), '已更新 Refreshed'); load(); } }, bi('更新', 'Refresh')) : null, ' ',
        h('button', { type: 'button', class: 'danger', onclick: async () => { say(msg, await api('DELETE', `/admin/issuers/${encodeURIComponent(i.issuer)}`), '已移除 Removed'); load(); } }, bi('移除', 'Remove')))))));
  }
  const form = h('form', { class: 'card', id: 'issuer-form' }, h('h3', null, bi('添加互认签发方', 'Add a trusted issuer')),
    h('label', { for: 'issuer-id' }, bi('签发方标识', 'Issuer id')), f.issuer, h('label', { for: 'issuer-name' }, bi('名称', 'Name')), f.name,
    h('label', { for: 'issuer-url' }, bi('密钥列表地址', 'Key-list URL')), f.keys_url,
    h('label', { for: 'issuer-keys' }, bi('或直接粘贴密钥列表', 'or paste the key list')), f.keys,
    h('p', null, h('button', { type: 'submit', class: 'primary' }, bi('添加', 'Add'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { issuer: f.issuer.value.trim(), name: f.name.value.trim() };
    if (f.keys_url.value.trim()) body.keys_url = f.keys_url.value.trim();
    if (f.keys.value.trim()) {
      try { const k = JSON.parse(f.keys.value); body.keys = Array.isArray(k) ? k : k.keys; if (!body.issuer && k.issuer) body.issuer = k.issuer; } catch (er) { msg.className = 'error'; msg.textContent = `keys JSON: ${er.message}`; return; }
    }
    if (say(msg, await api('POST', '/admin/issuers', body), '已添加 Added')) { form.reset(); load(); }
  });
  box.append(h('h2', null, bi('互认签发方', 'Cross-region recognition (互认)')), msg, list, form);
  load();
}

// ---- venues: who was there ----
async function venuesTab(box) {
  const sel = h('select', { id: 'venue-select' });
  const from = h('input', { type: 'datetime-local', id: 'venue-from' });
  const to = h('input', { type: 'datetime-local', id: 'venue-to' });
  const out = h('div', { id: 'venue-visits' });
  const msg = msgEl('venue-msg');
  const now = new Date();
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  from.value = local(new Date(now.getTime() - 24 * 3600 * 1000));
  to.value = local(new Date(now.getTime() + 3600 * 1000));
  const vr = await api('GET', '/venues');
  for (const v of (vr.status === 200 ? (Array.isArray(vr.data) ? vr.data : vr.data.venues) : []) || []) sel.append(h('option', { value: v.venue_id }, `${v.name} (${v.venue_id})`));
  const range = () => `from=${encodeURIComponent(new Date(from.value).toISOString())}&to=${encodeURIComponent(new Date(to.value).toISOString())}`;
  async function query() {
    clear(out);
    const r = await api('GET', `/admin/venues/${encodeURIComponent(sel.value)}/visits?${range()}`);
    if (r.status !== 200) { out.append(h('p', { class: 'error' }, errorText(r))); return; }
    const visits = r.data.visits || [];
    out.append(h('p', { id: 'visit-count' }, `${visits.length} 次到访 visits · ${new Set(visits.map((v) => v.person_id)).size} 人 people`),
      table('visit-table', ['时间 Time', '人员 Person', '体温 Temp', '颜色 Colour'], visits.map((v) => h('tr', null,
        h('td', null, fmtTime(v.visited_at)), h('td', null, v.name_masked || v.person_id), h('td', null, v.temperature ?? ''), h('td', null, pill(v.color))))),
      visits.length ? h('p', null, h('button', { type: 'button', class: 'danger', id: 'mark-close-contacts', onclick: async () => {
        if (!confirm(`将 ${visits.length} 次到访的人员标记为密接? Mark everyone as close contacts?`)) return;
        const rr = await api('POST', `/admin/venues/${encodeURIComponent(sel.value)}/close-contacts`, { from: new Date(from.value).toISOString(), to: new Date(to.value).toISOString() });
        say(msg, rr, `已标记 Marked ${rr.data && rr.data.marked} 人 people as close contacts · 颜色变化 recoloured ${rr.data && rr.data.recolored}`);
        query();
      } }, bi('全部标记为密接', 'Mark all as close contacts'))) : '');
  }
  box.append(h('h2', null, bi('场所到访查询', 'Who was at a venue')), h('section', { class: 'card row' },
    h('div', null, h('label', { for: 'venue-select' }, bi('场所', 'Venue')), sel), h('div', null, h('label', { for: 'venue-from' }, bi('从', 'From')), from),
    h('div', null, h('label', { for: 'venue-to' }, bi('到', 'To')), to), h('button', { type: 'button', class: 'primary', id: 'venue-query', onclick: query }, bi('查询', 'Query'))), msg, out);
}

// ---- persons: search and audited reveal ----
async function personsTab(box) {
  const q = h('input', { id: 'person-q', placeholder: 'ID number / phone / person id' });
  const out = h('div', { id: 'person-results' });
  const form = h('form', { class: 'card row' }, h('label', { for: 'person-q' }, bi('查找人员', 'Find a person')), q, h('button', { type: 'submit' }, bi('查找', 'Search')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(out);
    const r = await api('POST', '/admin/persons/search', { q: q.value.trim() });
    if (r.status !== 200) { out.append(h('p', { class: 'error' }, errorText(r))); return; }
    out.append(table('person-table', ['人员 Person', '证件 ID', '地区 Region', '颜色 Colour', '查看全部信息(将记录审计) Reveal (audited)'], (r.data.persons || []).map((p) => {
      const reason = h('input', { placeholder: '理由 Reason (required)', class: 'reason', 'aria-label': '理由 Reason' });
      const cell = h('td');
      cell.append(reason, ' ', h('button', { type: 'button', class: 'reveal', onclick: async () => {
        const rr = await api('POST', `/admin/persons/${encodeURIComponent(p.person_id)}/reveal`, { reason: reason.value.trim() });
        if (rr.status !== 200) { cell.append(h('p', { class: 'error' }, errorText(rr))); return; }
        const d = rr.data;
        clear(cell).append(h('dl', { class: 'revealed' }, Object.entries(d.person || d).map(([k, v]) => [h('dt', null, k), h('dd', null, typeof v === 'object' ? JSON.stringify(v) : String(v))])));
      } }, bi('查看', 'Reveal')));
      return h('tr', null, h('td', null, p.name_masked), h('td', null, p.id_masked || ''), h('td', null, p.region_name || p.region || ''), h('td', null, pill(p.color)), cell);
    })));
  });
  box.append(h('h2', null, bi('人员', 'Persons')), h('p', { class: 'muted' }, bi('姓名与证件号默认打码;查看全部信息需填写理由并记入审计日志。', 'Names and ID numbers are masked; revealing them needs a reason and is written to the audit log.')), form, out);
}

// ---- staff accounts ----
async function staffTab(box) {
  const sessUser = (staffClient.session.get() || {}).username;
  const list = h('div', { id: 'staff-list' });
  const msg = msgEl('staff-msg');
  const f = { username: h('input', { id: 'staff-user' }), password: h('input', { id: 'staff-pass', type: 'password', autocomplete: 'new-password' }),
    role: h('select', { id: 'staff-role' }, ['verifier', 'issuer', 'venue', 'admin'].map((r) => h('option', null, r))),
    region: h('input', { id: 'staff-region', placeholder: '370103', class: 'narrow', inputmode: 'numeric' }) };
  const setRegion = (id, region) => api('PUT', `/admin/staff/${encodeURIComponent(id)}/region`, { region });
  async function load() {
    const r = await api('GET', '/admin/staff');
    clear(list);
    if (r.status !== 200) { list.append(h('p', { class: 'error' }, errorText(r))); return; }
    const staff = Array.isArray(r.data) ? r.data : r.data.staff || [];
    const rg = await api('GET', '/admin/staff-regions');
    const regions = (rg.status === 200 && rg.data.regions) || {};
    const act = (method, id, suffix, body, okText) => async () => { say(msg, await api(method, `/admin/staff/${encodeURIComponent(id)}${suffix}`, body), okText); load(); };
    list.append(table('staff-table', ['用户名 User', '角色 Role', '社区 Community', '创建 Created', '状态 State', '登录 Sign-in', ''], staff.map((s) => h('tr', { 'data-user': s.username, class: s.locked_until ? 'locked' : '' },
      h('td', null, s.username), h('td', null, s.role), h('td', { class: 'region' }, regions[s.staff_id] || (s.role === 'issuer' ? '全部 all' : '')),
      h('td', null, fmtTime(s.created_at)), h('td', null, s.disabled ? '停用 disabled' : '启用 active'),
      h('td', { class: 'sign-in' },
        s.locked_until ? h('span', { class: 'lock error' }, `锁定至 locked until ${fmtTime(s.locked_until)} · ${s.failures} 次失败 failures`)
          : s.failures ? `${s.failures} 次失败 failures` : '',
        s.totp === 'enrolled' ? h('span', { class: 'totp muted' }, ' · TOTP') : ''),
      h('td', null,
        h('button', { type: 'button', onclick: act('PATCH', s.staff_id, '', { disabled: !s.disabled }, '已更新 Updated') }, s.disabled ? bi('启用', 'Enable') : bi('停用', 'Disable')),
        s.locked_until || s.failures ? h('button', { type: 'button', class: 'unlock', onclick: act('POST', s.staff_id, '/unlock', undefined, `已解锁 Unlocked ${s.username}`) }, bi('解锁', 'Unlock')) : '',
        s.totp === 'enrolled' && s.username !== sessUser ? h('button', { type: 'button', class: 'totp-reset', onclick: act('DELETE', s.staff_id, '/totp', undefined, `TOTP 已重置 reset: ${s.username}`) }, bi('重置动态码', 'Reset TOTP')) : '')))));
  }
  const form = h('form', { class: 'card row' }, labelled(f, { username: ['用户名', 'Username'], password: ['密码', 'Password'], role: ['角色', 'Role'], region: ['社区（地区代码）', 'Community (region code)'] }),
    h('button', { type: 'submit', class: 'primary' }, bi('新建账号', 'Create account')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api('POST', '/admin/staff', { username: f.username.value.trim(), password: f.password.value, role: f.role.value });
    if (!say(msg, r, '已创建 Created')) return;
    if (f.region.value.trim()) say(msg, await setRegion(r.data.staff_id, f.region.value.trim()), `已创建 Created · ${f.region.value.trim()}`);
    form.reset();
    load();
  });
  box.append(h('h2', null, bi('工作人员账号', 'Staff accounts')), form, msg, list, totpCard());
  load();
}

// The signed-in admin's own TOTP: a secret shown once, enrolled by its first code.
function totpCard() {
  const out = h('div', { id: 'totp-setup' });
  const msg = msgEl('totp-msg');
  const start = h('button', { type: 'button', id: 'totp-start' }, bi('设置动态验证码', 'Set up authenticator (TOTP)'));
  start.addEventListener('click', async () => {
    const r = await api('POST', '/auth/staff/totp');
    clear(out);
    if (!say(msg, r, '')) return;
    const code = h('input', { id: 'totp-code', inputmode: 'numeric', maxlength: 6, autocomplete: 'one-time-code' });
    const confirm = h('form', { class: 'row' }, h('label', { for: 'totp-code' }, bi('首个验证码', 'First code')), code, h('button', { type: 'submit', class: 'primary' }, bi('确认', 'Confirm')));
    confirm.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (say(msg, await api('POST', '/auth/staff/totp/confirm', { code: code.value.trim() }), '已启用 TOTP enrolled')) clear(out);
    });
    out.append(h('p', null, bi('将密钥加入身份验证器(只显示一次)', 'Add this secret to an authenticator app (shown once)'), ': ', h('code', { id: 'totp-secret' }, r.data.secret)),
      h('p', { class: 'muted' }, h('code', { id: 'totp-url' }, r.data.otpauth_url)), confirm);
  });
  return h('div', { class: 'card' }, h('h3', null, bi('我的两步验证', 'My second factor')), start, out, msg);
}

// ---- audit log ----
async function auditTab(box) {
  const f = { actor: h('input', { id: 'audit-actor', class: 'narrow' }), action: h('input', { id: 'audit-action' }), target: h('input', { id: 'audit-target' }) };
  const out = h('div', { id: 'audit-list' });
  async function load() {
    const qs = Object.entries(f).filter(([, v]) => v.value.trim()).map(([k, v]) => `${k}=${encodeURIComponent(v.value.trim())}`).join('&');
    const r = await api('GET', `/admin/audit-log?limit=200${qs ? '&' + qs : ''}`);
    clear(out);
    if (r.status !== 200) { out.append(h('p', { class: 'error' }, errorText(r))); return; }
    out.append(table('audit-table', ['时间 When', '操作人 Who', '操作 Action', '对象 Record', '详情 Detail'], (r.data.entries || []).map((e) => h('tr', null,
      h('td', null, fmtTime(e.at)), h('td', null, e.actor), h('td', null, e.action), h('td', null, e.target || ''), h('td', { class: 'muted' }, e.detail || '')))));
  }
  const form = h('form', { class: 'card row' }, labelled(f, { actor: ['操作人', 'Who'], action: ['操作', 'Action'], target: ['对象', 'Record'] }), h('button', { type: 'submit' }, bi('查询', 'Query')));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  box.append(h('h2', null, bi('审计日志', 'Audit log')), form, out);
  load();
}

const TABS = [
  ['stats', '统计', 'Statistics', statsTab], ['risk', '风险地区', 'Risk areas', riskTab], ['cases', '病例名单', 'Case status', caseTab],
  ['rules', '规则集', 'Rule sets', rulesTab], ['appeals', '申诉', 'Appeals', appealsTab], ['review', '审核地区', 'Review regions', reviewRegionsTab],
  ['issuers', '互认', 'Issuers', issuersTab], ['venues', '场所', 'Venues', venuesTab], ['persons', '人员', 'Persons', personsTab],
  ['staff', '账号', 'Staff', staffTab], ['audit', '审计', 'Audit log', auditTab],
];

function startApp(sess) {
  const main = h('main', { id: 'tab-body' });
  const nav = h('nav', { class: 'tabs', role: 'tablist' });
  async function show(key) {
    const t = TABS.find((x) => x[0] === key) || TABS[0];
    for (const b of nav.children) b.setAttribute('aria-selected', String(b.dataset.tab === t[0]));
    clear(main);
    main.dataset.tab = t[0];
    history.replaceState(null, '', `#${t[0]}`);
    await t[3](main);
    main.dataset.loaded = t[0];
  }
  for (const [key, zh, en] of TABS) nav.append(h('button', { type: 'button', role: 'tab', 'data-tab': key, id: `tab-${key}`, onclick: () => show(key) }, bi(zh, en)));
  root.append(staffHeader('防控管理 Ankang admin', sess), nav, main);
  show(location.hash.slice(1));
  staffClient.onRetry(() => show(main.dataset.tab));  // "try again" on the network bar: the tab again
}

requireStaff(root, ['admin'], startApp);
