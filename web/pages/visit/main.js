// /v/{venue_id}: what a resident lands on after scanning a venue code (场所码).
// Signs in with phone + one-time code if needed (the same session key as the
// resident page), records the visit with a temperature for self and the family
// members present, then shows each one's own health code to the door staff.
import { residentClient } from '../../common/api.js';
import { colorWord } from '../../common/colors.js';
import { loadCore, getCore } from '../../common/core.js';
import { h, $, clear } from '../../common/dom.js';
import { qrMatrix, qrSvg } from '../../common/qr.js';
import { bi, fmtTime, errorText } from '../../common/staff.js';

const root = $('#app');
const venueId = decodeURIComponent(location.pathname.replace(/^\/v\//, '').replace(/\/.*$/, ''));

const { api, session } = residentClient;

function codeCard(p, code) {
  const color = code && code.color;
  const words = colorWord(color);
  const card = h('div', { class: `code-card card`, 'data-color': color || '', 'data-person': p.person_id });
  card.append(h('div', { class: `result ${color}`, role: 'status', 'aria-label': `${p.name_masked || ''} ${words.zh} ${words.en}` },
    h('div', { class: 'big' }, h('span', null, words.zh), h('span', { class: 'en' }, words.en)),
    h('p', { class: 'status' }, p.name_masked || ''),
    code && code.valid_until ? h('p', { class: 'mode' }, `有效期至 Valid until ${fmtTime(code.valid_until)}`) : null));
  // The QR is encoded here from the signed token text; the core draws the card
  // around it, or, without the core, the QR is drawn alone.
  const m = code && qrMatrix(code.qr);
  const core = getCore();
  if (m) {
    const box = h('div', { class: 'qr' });
    box.innerHTML = core  // our own markup: the core XML-escapes the text it draws
      ? core.renderCard(JSON.stringify(m), JSON.stringify({ color, name_masked: p.name_masked || '', issued_at: code.issued_at || '', valid_until: code.valid_until || '', lang: 'zh' }))
      : qrSvg(m, color);
    card.append(box);
  }
  return card;
}

async function login(box, onDone) {
  const phone = h('input', { id: 'visit-phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', required: true });
  const code = h('input', { id: 'visit-otp', inputmode: 'numeric', autocomplete: 'one-time-code' });
  const msg = h('p', { class: 'error', role: 'alert' });
  const devHint = h('p', { class: 'muted', id: 'dev-code' });
  const send = h('button', { type: 'button', id: 'visit-send' }, bi('获取验证码', 'Send code'));
  send.addEventListener('click', async () => {
    msg.textContent = '';
    const r = await api('POST', '/auth/otp', { phone: phone.value.trim() });
    if (r.status !== 202) { msg.textContent = errorText(r); return; }
    if (r.data && r.data.dev_code) devHint.textContent = `开发模式验证码 Dev code: ${r.data.dev_code}`;
    code.focus();
  });
  const form = h('form', { class: 'card', id: 'visit-login' },
    h('h2', null, bi('请先登录', 'Sign in first')),
    h('label', { for: 'visit-phone' }, bi('手机号', 'Phone')), phone, h('p', null, send), devHint,
    h('label', { for: 'visit-otp' }, bi('验证码', 'One-time code')), code,
    h('p', null, h('button', { type: 'submit', class: 'primary', id: 'visit-login-submit' }, bi('登录', 'Sign in'))), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api('POST', '/auth/login', { phone: phone.value.trim(), code: code.value.trim() });
    if (r.status !== 200) { msg.textContent = errorText(r); return; }
    session.set({ token: r.data.token, account_id: r.data.account_id });
    form.remove();
    onDone();
  });
  box.append(form);
}

async function main() {
  const corePromise = loadCore({ base: '/' });
  const head = h('header', { class: 'bar' }, h('strong', null, '场所登记 Venue check-in'));
  const body = h('main', { class: 'visit' });
  root.append(head, body);
  const v = await api('GET', `/venues/${encodeURIComponent(venueId)}`);
  if (v.status !== 200) { body.append(h('p', { class: 'error', id: 'venue-missing' }, bi('场所码无效', 'Unknown venue code'), ` (${errorText(v)})`)); return; }
  body.append(h('h1', { id: 'venue-title' }, v.data.name), h('p', { class: 'muted' }, v.data.address || v.data.region_name || ''));
  const box = h('div');
  body.append(box);

  async function form() {
    clear(box);
    const pr = await api('GET', '/persons');
    if (pr.status === 401) { session.clear(); return login(box, form); }
    if (pr.status !== 200) { box.append(h('p', { class: 'error' }, errorText(pr))); return; }
    const persons = Array.isArray(pr.data) ? pr.data : [];
    if (!persons.length) {
      box.append(h('p', { id: 'no-persons' }, bi('请先完成健康申报', 'Please declare first'), ' ', h('a', { href: '/' }, bi('去申报', 'Declare'))));
      return;
    }
    const rows = persons.map((p, i) => {
      const here = h('input', { type: 'checkbox', checked: i === 0, class: 'here', id: `here-${i}` });
      const temp = h('input', { type: 'number', step: '0.1', min: '34', max: '43', class: 'narrow temp', id: `temp-${i}`, inputmode: 'decimal', placeholder: '36.5' });
      return { p, here, temp, node: h('div', { class: 'card', 'data-person': p.person_id },
        h('label', { for: `here-${i}` }, here, ' ', p.name_masked || p.person_id, p.relation && p.relation !== 'self' ? ` (${p.relation})` : ''),
        h('label', { for: `temp-${i}` }, bi('体温 °C', 'Temperature °C')), temp) };
    });
    const msg = h('p', { class: 'error', role: 'alert', id: 'visit-msg' });
    const f = h('form', { id: 'visit-form' }, h('h2', null, bi('到访人员(含同行家人)', 'Who is here (with family members)')),
      rows.map((r) => r.node), h('button', { type: 'submit', class: 'primary', id: 'visit-submit' }, bi('登记到访', 'Check in')), msg);
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const visitors = rows.filter((r) => r.here.checked).map((r) => ({ person_id: r.p.person_id, temperature: r.temp.value === '' ? null : Number(r.temp.value) }));
      if (!visitors.length) { msg.textContent = '请选择到访人员 Choose who is here'; return; }
      if (visitors.some((x) => x.temperature == null)) { msg.textContent = '请填写体温 Enter each temperature'; return; }
      const r = await api('POST', `/venues/${encodeURIComponent(venueId)}/checkins`, { visitors });
      if (r.status !== 201) { msg.textContent = errorText(r); return; }
      await corePromise;
      clear(box);
      const at = r.data.visits && r.data.visits[0] && r.data.visits[0].visited_at;
      box.append(h('p', { class: 'ok', id: 'visit-done', role: 'status' }, bi('已登记', 'Checked in'), ` · ${fmtTime(at)}`));
      for (const vis of r.data.visits || []) {
        const p = persons.find((x) => x.person_id === vis.person_id) || { person_id: vis.person_id };
        box.append(codeCard(p, vis.code || p.code));
      }
    });
    box.append(f);
  }
  if (!session.get()) login(box, form); else form();
}

main();
