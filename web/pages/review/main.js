// /review: the issuer's queue (审核签发). Declarations from regions that
// require review wait here in gray; the issuer approves (the code the rules
// give is issued) or rejects with a note. The server auto-issues at 18:00 the
// next day (SPEC §3); the deadline is shown and late ones are highlighted.
// Below it, residents' claims of their own ID (纠错): the issuer checks the
// identity and approves (the record gets the claimed name, the claimant becomes
// its own guardian, every other guardian is removed) or rejects with a note.
import { staffClient } from '../../common/api.js';
import { h, $, clear } from '../../common/dom.js';
import { bi, fmtTime, requireStaff, staffHeader, errorText, labelledTable } from '../../common/staff.js';
import { SYMPTOM_WORDS, biWord } from '../../common/words.js';

const { api } = staffClient;
const root = $('#app');

// The health answers an issuer judges (no identity data beyond the masked name).
function summary(d) {
  if (!d || typeof d !== 'object') return '';
  const hl = d.health || {};
  const parts = [`体温 Temperature ${hl.temperature ?? '?'}°C`];
  if ((hl.symptoms || []).length) parts.push(`症状 Symptoms: ${hl.symptoms.map((c) => biWord(SYMPTOM_WORDS, c)).join('、')}`);
  if (hl.fever_clinic_14d) parts.push('发热门诊 fever clinic');
  if ((d.travel_14d || []).length) parts.push(`行程 ${d.travel_14d.map((t) => t.region || t.country).join(',')}`);
  if (d.contact_14d && d.contact_14d !== 'none') parts.push(`接触 contact: ${d.contact_14d}`);
  return parts.join(' · ');
}

function startApp(sess) {
  const list = h('div', { id: 'pending' });
  const msg = h('p', { id: 'review-msg', role: 'status' });
  const claims = h('div', { id: 'claims' });
  const claimsMsg = h('p', { id: 'claims-msg', role: 'status' });
  root.append(staffHeader('审核签发 Review', sess),
    h('main', null,
      h('div', { class: 'row' },
        h('h2', null, bi('待审核申报', 'Declarations awaiting review')),
        h('button', { type: 'button', id: 'reload', onclick: () => { load(); loadClaims(); } }, bi('刷新', 'Reload'))),
      msg, list,
      h('h2', { id: 'claims-title' }, bi('证件认领（纠错）', 'ID claims (corrections)')),
      h('p', { class: 'muted' }, bi('核实申请人身份后批准：记录改为申请人填写的姓名，申请人成为本人，其他代办人全部移除。',
        'Approve after checking the claimant\'s identity: the record takes the claimed name, the claimant becomes its owner and every other guardian is removed.')),
      claimsMsg, claims));

  async function decideClaim(c, decision, note) {
    claimsMsg.className = '';
    claimsMsg.textContent = '';
    if (decision === 'reject' && !note) {
      claimsMsg.className = 'error';
      claimsMsg.textContent = '驳回请填写理由 A rejection needs a note';
      return;
    }
    const r = await api('POST', `/review/claims/${encodeURIComponent(c.id)}`, { decision, note });
    if (r.status !== 200) { claimsMsg.className = 'error'; claimsMsg.textContent = errorText(r); return; }
    claimsMsg.className = 'ok';
    claimsMsg.textContent = `${decision === 'approve' ? '已批准 Approved' : '已驳回 Rejected'} · ${c.claimed_name || c.id}${r.data && r.data.state ? ` · ${r.data.state}` : ''}`;
    loadClaims();
  }

  // guardians: a count or a list of {phone_masked, relation} (or masked phones).
  const guardiansText = (g) => {
    if (Array.isArray(g)) return g.map((x) => (typeof x === 'object' && x ? [x.phone_masked, x.relation].filter(Boolean).join(' ') : String(x))).join(', ') || '0';
    return g == null ? '' : String(g);
  };

  async function loadClaims() {
    const r = await api('GET', '/review/claims');
    clear(claims);
    if (r.status !== 200) { claims.append(h('p', { class: 'error' }, errorText(r))); return; }
    const items = Array.isArray(r.data) ? r.data : (r.data && (r.data.claims || r.data.items)) || [];
    if (!items.length) { claims.append(h('p', { class: 'muted', id: 'claims-empty' }, bi('没有待处理的认领', 'No claims to decide'))); return; }
    claims.append(labelledTable('claims-table', ['申请姓名 Claimed name', '证件 ID', '现记录姓名 Name on record', '现代办人 Guardians', '申请人手机 Claimant phone', '提交 Filed', '说明 Note', '决定 Decision'],
      items.map((c) => {
        const note = h('input', { placeholder: '备注 Note', class: 'note', 'aria-label': '备注 Note' });
        return h('tr', { 'data-claim': c.id },
          h('td', null, c.claimed_name || ''),
          h('td', null, [c.id_type || '', ' ', c.id_masked || '']),
          h('td', null, c.record_name_masked || h('span', { class: 'muted' }, bi('无记录', 'no record'))),
          h('td', null, guardiansText(c.guardians)),
          h('td', null, c.claimant_phone_masked || ''),
          h('td', null, fmtTime(c.created_at)),
          h('td', { class: 'muted' }, c.note || ''),
          h('td', null, note, ' ',
            h('button', { type: 'button', class: 'primary approve', onclick: () => decideClaim(c, 'approve', note.value) }, bi('批准', 'Approve')), ' ',
            h('button', { type: 'button', class: 'danger reject', onclick: () => decideClaim(c, 'reject', note.value) }, bi('驳回', 'Reject'))));
      })));
  }

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
    list.append(labelledTable('pending-table', ['姓名 Name', '尾号 ID tail', '地区 Region', '申报 Declared', '自动签发 Auto-issue at', '申报内容 Declaration', '决定 Decision'],
      items.map((it) => {
        const note = h('input', { placeholder: '备注 Note', class: 'note', 'aria-label': '备注 Note' });
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
      })));
  }
  load();
  loadClaims();
  staffClient.onRetry(() => { load(); loadClaims(); });  // "try again" on the network bar
}

requireStaff(root, ['issuer', 'admin'], startApp);
