// /review: the issuer's queue (审核签发). Declarations from regions that
// require review wait here in gray; the issuer approves (the code the rules
// give is issued) or rejects with a note. The server auto-issues at 18:00 the
// next day (SPEC §3); the deadline is shown and late ones are highlighted.
import { staffClient } from '../../common/api.js';
import { h, $, clear } from '../../common/dom.js';
import { bi, fmtTime, requireStaff, staffHeader, errorText } from '../../common/staff.js';

const { api } = staffClient;
const root = $('#app');

// The health answers an issuer judges (no identity data beyond the masked name).
function summary(d) {
  if (!d || typeof d !== 'object') return '';
  const hl = d.health || {};
  const parts = [`体温 ${hl.temperature ?? '?'}°C`];
  if ((hl.symptoms || []).length) parts.push(`症状 ${hl.symptoms.join(',')}`);
  if (hl.fever_clinic_14d) parts.push('发热门诊 fever clinic');
  if ((d.travel_14d || []).length) parts.push(`行程 ${d.travel_14d.map((t) => t.region || t.country).join(',')}`);
  if (d.contact_14d && d.contact_14d !== 'none') parts.push(`接触 contact: ${d.contact_14d}`);
  return parts.join(' · ');
}

function startApp(sess) {
  const list = h('div', { id: 'pending' });
  const msg = h('p', { id: 'review-msg', role: 'status' });
  root.append(staffHeader('审核签发 Review', sess),
    h('main', null,
      h('div', { class: 'row' },
        h('h1', null, bi('待审核申报', 'Declarations awaiting review')),
        h('button', { type: 'button', id: 'reload', onclick: load }, bi('刷新', 'Reload'))),
      msg, list));

  async function decide(item, decision, note) {
    msg.className = '';
    msg.textContent = '';
    const r = await api('POST', `/review/${encodeURIComponent(item.declaration_id)}`, { decision, note });
    if (r.status !== 200) { msg.className = 'error'; msg.textContent = errorText(r); return; }
    msg.className = 'ok';
    msg.textContent = `${decision === 'approve' ? '已批准 Approved' : '已驳回 Rejected'} · ${item.name_masked || item.declaration_id} · ${r.data.review_state}`;
    load();
  }

  async function load() {
    const r = await api('GET', '/review/pending');
    clear(list);
    if (r.status !== 200) { list.append(h('p', { class: 'error' }, errorText(r))); return; }
    const items = Array.isArray(r.data) ? r.data : (r.data && (r.data.pending || r.data.items)) || [];
    if (!items.length) { list.append(h('p', { class: 'muted', id: 'empty' }, bi('没有待审核的申报', 'Nothing to review'))); return; }
    const now = Date.now();
    list.append(h('table', { id: 'pending-table' },
      h('thead', null, h('tr', null, ['姓名 Name', '尾号 ID tail', '地区 Region', '申报 Declared', '自动签发 Auto-issue at', '申报内容 Declaration', '决定 Decision'].map((t) => h('th', null, t)))),
      h('tbody', null, items.map((it) => {
        const note = h('input', { placeholder: '备注 Note', class: 'note', 'aria-label': 'note' });
        const deadline = it.due_at;
        // Six working hours is the target (SPEC §3); past it the row is highlighted.
        const late = Date.parse(it.declared_at) + 6 * 3600 * 1000 < now;
        return h('tr', { class: late ? 'overdue' : '', 'data-declaration': it.declaration_id },
          h('td', null, it.name_masked || ''),
          h('td', null, it.id_tail || ''),
          h('td', null, it.region_name || it.region || ''),
          h('td', null, fmtTime(it.declared_at)),
          h('td', null, fmtTime(deadline)),
          h('td', { class: 'muted' }, summary(it.declaration)),
          h('td', null, note, ' ',
            h('button', { type: 'button', class: 'primary approve', onclick: () => decide(it, 'approve', note.value) }, bi('批准', 'Approve')), ' ',
            h('button', { type: 'button', class: 'danger reject', onclick: () => decide(it, 'reject', note.value) }, bi('驳回', 'Reject'))));
      }))));
  }
  load();
}

requireStaff(root, ['issuer', 'admin'], startApp);
