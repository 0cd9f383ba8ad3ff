// /review: the issuer's queue (审核签发). Declarations from regions that
// require review wait here in gray; the issuer approves (the code the rules
// give is issued) or rejects with a note. The server auto-issues at 18:00 the
// next day (SPEC §3); the deadline is shown and late ones are highlighted.
import { api, h, $, clear, bi, fmtTime, requireStaff, staffHeader, errorText } from '../common/staff-api.js';

const root = $('#app');

function pill(color) {
  return color ? h('span', { class: `pill ${color}` }, color) : '';
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
    const color = r.data && (r.data.color || (r.data.code && r.data.code.color));
    msg.className = 'ok';
    msg.textContent = `${decision === 'approve' ? '已批准 Approved' : '已驳回 Rejected'} · ${item.name_masked || item.declaration_id}${color ? ` → ${color}` : ''}`;
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
      h('thead', null, h('tr', null, ['姓名 Name', '地区 Region', '提交 Submitted', '截止 Deadline', '规则结果 Rules give', '原因 Reasons', '决定 Decision'].map((t) => h('th', null, t)))),
      h('tbody', null, items.map((it) => {
        const note = h('input', { placeholder: '备注 Note', class: 'note', 'aria-label': 'note' });
        const deadline = it.deadline || it.auto_issue_at;
        const late = deadline && Date.parse(deadline) < now;
        const reasons = (it.reasons || []).map((x) => x.zh || x.rule).join(';');
        return h('tr', { class: late ? 'overdue' : '', 'data-declaration': it.declaration_id },
          h('td', null, it.name_masked || ''),
          h('td', null, it.region_name || it.region || ''),
          h('td', null, fmtTime(it.submitted_at || it.created_at)),
          h('td', null, fmtTime(deadline)),
          h('td', null, pill(it.rules_color || it.color)),
          h('td', null, reasons),
          h('td', null, note, ' ',
            h('button', { type: 'button', class: 'primary approve', onclick: () => decide(it, 'approve', note.value) }, bi('批准', 'Approve')), ' ',
            h('button', { type: 'button', class: 'danger reject', onclick: () => decide(it, 'reject', note.value) }, bi('驳回', 'Reject'))));
      }))));
  }
  load();
}

requireStaff(root, ['issuer', 'admin'], '审核签发 Ankang review', startApp);
