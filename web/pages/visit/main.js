// /v/{venue_id}: what a resident lands on after scanning a venue code (场所码).
// Signs in with phone + one-time code if needed (the same session key as the
// resident page), records the visit with a temperature for self and the family
// members present, then shows each one's own health code to the door staff,
// live as on the resident's card: a running clock and a moving stripe, so the
// staff can tell it from a screenshot.
import { residentClient, fetchWithTimeout } from '../../common/api.js';
import { colorWord } from '../../common/colors.js';
import { loadCore, getCore } from '../../common/core.js';
import { countdown, retryAfter, RESEND_SECONDS } from '../../common/countdown.js';
import { h, $, clear } from '../../common/dom.js';
import { netBar } from '../../common/netstate.js';
import { qrMatrix, qrSvg } from '../../common/qr.js';
import { bi, fmtTime } from '../../common/staff.js';
import { RELATION_WORDS, biWord } from '../../common/words.js';

const root = $('#app');
const venueId = decodeURIComponent(location.pathname.replace(/^\/v\//, '').replace(/\/.*$/, ''));

const { api, session } = residentClient;

// What went wrong, in words for the visitor (never a raw error code).
function plainError(r) {
  const d = r && r.data;
  const errs = d && Array.isArray(d.errors) ? d.errors : null;
  if (errs && errs.length) return errs.map((e) => (e.message_zh || e.message_en ? `${e.message_zh || ''} ${e.message_en || ''}`.trim() : e.message || '')).join('\n');
  const e = d && d.error;
  if (e && e.message) return typeof e.message === 'object' ? `${e.message.zh} ${e.message.en}` : String(e.message);
  if (r && r.status === 429) return '请求过于频繁，请稍后再试 Too many requests: please wait a moment';
  return `出错了，请稍后再试 Something went wrong: please try again (${r ? r.status : '?'})`;
}
const networkText = '无法连接服务器，请检查网络后重试 Cannot reach the server: check the network and try again';

// The server's clock and time zone, learnt from the check-in's time (the
// card's other times are the server's too): now as "2026-11-21 08:00:05".
let skewMs = 0;
let offsetMin = -new Date().getTimezoneOffset();
function learnServerTime(iso) {
  const at = Date.parse(iso || '');
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso || '');
  if (Number.isNaN(at)) return;
  skewMs = at - Date.now();
  offsetMin = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
const clockNow = () => new Date(Date.now() + skewMs + offsetMin * 60000).toISOString().slice(0, 19).replace('T', ' ');

const clocks = new Set();
setInterval(() => { for (const c of clocks) { if (c.isConnected) c.textContent = clockNow(); else clocks.delete(c); } }, 1000);

function codeCard(p, code) {
  const color = code && code.color;
  const words = colorWord(color);
  const card = h('div', { class: `code-card card`, 'data-color': color || '', 'data-person': p.person_id });
  const clock = h('time', { class: 'now' }, clockNow());
  clocks.add(clock);
  card.append(h('div', { class: `result ${color}`, role: 'status', 'aria-label': `${p.name_masked || ''} ${words.zh} ${words.en}` },
    h('div', { class: 'big' }, h('span', null, words.zh), h('span', { class: 'en' }, words.en)),
    h('p', { class: 'status' }, p.name_masked || ''),
    code && code.valid_until ? h('p', { class: 'mode' }, `有效期至 Valid until ${fmtTime(code.valid_until)}`) : null),
  h('div', { class: 'stripe', 'aria-hidden': 'true' }, h('span')),
  h('p', { class: 'clock' }, h('span', { class: 'sr' }, '当前时间 Current time '), clock));
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
  const phone = h('input', { id: 'visit-phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', required: true, 'aria-describedby': 'visit-phone-hint' });
  const code = h('input', { id: 'visit-otp', inputmode: 'numeric', autocomplete: 'one-time-code' });
  const msg = h('p', { class: 'error', role: 'alert' });
  const devHint = h('p', { class: 'muted', id: 'dev-code' });
  const sendWords = bi('获取验证码', 'Send code');
  const send = h('button', { type: 'button', id: 'visit-send' }, sendWords);
  const showWait = (b, left) => { clear(b).append(...(left ? [`重新发送 Resend (${left} s)`] : bi('重新获取验证码', 'Send a new code'))); };
  send.addEventListener('click', async () => {
    msg.textContent = '';
    send.disabled = true;
    let r;
    try {
      r = await api('POST', '/auth/otp', { phone: phone.value.trim() });
    } catch {
      send.disabled = false;
      msg.textContent = networkText;
      return;
    }
    if (r.status === 429) { msg.textContent = plainError(r); countdown(send, retryAfter(r), showWait); return; }
    if (r.status !== 202) { send.disabled = false; msg.textContent = plainError(r); return; }
    if (r.data && r.data.dev_code) devHint.textContent = `开发模式验证码 Dev code: ${r.data.dev_code}`;
    countdown(send, RESEND_SECONDS, showWait);
    code.focus();
  });
  const form = h('form', { class: 'card', id: 'visit-login' },
    h('h2', null, bi('请先登录', 'Sign in first')),
    h('label', { for: 'visit-phone' }, bi('手机号', 'Phone')),
    h('p', { class: 'muted', id: 'visit-phone-hint' }, bi('中国大陆手机号，或以 + 和国家代码开头的号码', 'A mainland mobile number, or + and the country code')), phone, h('p', null, send), devHint,
    h('label', { for: 'visit-otp' }, bi('验证码', 'One-time code')), code,
    h('p', null, h('button', { type: 'submit', class: 'primary', id: 'visit-login-submit' }, bi('登录', 'Sign in'))), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let r;
    try { r = await api('POST', '/auth/login', { phone: phone.value.trim(), code: code.value.trim() }); } catch { msg.textContent = networkText; return; }
    if (r.status !== 200) { msg.textContent = plainError(r); return; }
    session.set({ token: r.data.token, account_id: r.data.account_id });
    form.remove();
    onDone();
  });
  box.append(form);
}

// The English name of a region code, from the name files the build writes
// (regions/en/*.json): "Lixia District, Jinan City, Shandong Province"; ""
// when not to be had within 5 s.
async function regionEn(code) {
  if (!/^\d{6}$/.test(code || '')) return '';
  const get = (f) => fetchWithTimeout(`/regions/en/${f}.json`, {}, 5000).then((r) => (r.ok ? r.json() : [])).catch(() => []);
  const [provinces, cities] = await Promise.all([get('index'), get(code.slice(0, 2))]);
  const p = provinces.find((x) => x[0] === code.slice(0, 2));
  const c = code.slice(2, 4) !== '00' && cities.find((x) => x[0] === code.slice(2, 4));
  const a = c && code.slice(4) !== '00' && c[2].find((x) => x[0] === code.slice(4));
  return [a && a[1], c && c[1], p && p[1]].filter(Boolean).join(', ');
}

// A temperature as the server takes it: 34.0–43.0 °C.
const tempProblem = (v) => (v === '' ? '请填写体温 Enter the temperature'
  : !/^\d{2}(\.\d)?$/.test(v) || Number(v) < 34 || Number(v) > 43 ? '体温应在 34.0–43.0 °C 之间 Between 34.0 and 43.0 °C' : '');

async function main() {
  netBar(residentClient);
  const corePromise = loadCore({ base: '/' });
  const head = h('header', { class: 'bar' }, h('strong', null, '场所登记 Venue check-in'));
  const body = h('main', { class: 'visit' });
  root.append(head, body);
  let v;
  try {
    v = await api('GET', `/venues/${encodeURIComponent(venueId)}`);
  } catch {
    body.append(h('p', { class: 'error', id: 'venue-missing', role: 'alert' }, networkText), h('button', { type: 'button', onclick: () => location.reload() }, bi('重试', 'Try again')));
    return;
  }
  if (v.status !== 200) {
    body.append(h('h1', null, bi('场所码无效', 'Unknown venue code')),
      h('p', { class: 'error', id: 'venue-missing', role: 'alert' }, v.status === 404
        ? bi('找不到这个场所：场所码可能已停用或印错。请向工作人员出示健康码，或扫描场所的新码。', 'This place is not known: its code may be withdrawn or misprinted. Show your health code to the staff, or scan the place\'s new code.')
        : plainError(v)));
    return;
  }
  // Where: the address as the venue wrote it, the region in Chinese and in English.
  const where = h('p', { class: 'muted', id: 'venue-where' }, [v.data.address, v.data.region_name].filter(Boolean).join(' · '));
  body.append(h('h1', { id: 'venue-title' }, v.data.name), where);
  regionEn(v.data.region).then((en) => { if (en) where.append(' · ', h('span', { lang: 'en' }, en)); });
  const box = h('div');
  body.append(box);

  async function form() {
    clear(box);
    let pr;
    try { pr = await api('GET', '/persons'); } catch {
      box.append(h('p', { class: 'error', role: 'alert' }, networkText), h('button', { type: 'button', onclick: form }, bi('重试', 'Try again')));
      return;
    }
    if (pr.status === 401) { session.clear(); return login(box, form); }
    if (pr.status !== 200) { box.append(h('p', { class: 'error' }, plainError(pr))); return; }
    const persons = Array.isArray(pr.data) ? pr.data : [];
    if (!persons.length) {
      box.append(h('p', { id: 'no-persons' }, bi('请先完成健康申报', 'Please declare first'), ' ', h('a', { href: '/' }, bi('去申报', 'Declare'))));
      return;
    }
    const rows = persons.map((p, i) => {
      const here = h('input', { type: 'checkbox', checked: i === 0, class: 'here', id: `here-${i}` });
      const err = h('p', { class: 'field-error', id: `temp-${i}-err`, hidden: true });
      const temp = h('input', { type: 'text', class: 'narrow temp', id: `temp-${i}`, inputmode: 'decimal', placeholder: '36.5', maxlength: 4, 'aria-describedby': `temp-${i}-err` });
      const rel = p.relation && p.relation !== 'self' ? ` (${biWord(RELATION_WORDS, p.relation)})` : '';
      return { p, here, temp, err, node: h('div', { class: 'card', 'data-person': p.person_id },
        h('label', { for: `here-${i}` }, here, ' ', p.name_masked || p.person_id, rel),
        h('label', { for: `temp-${i}` }, bi('体温 °C', 'Temperature °C')), temp, err) };
    });
    const msg = h('p', { class: 'error', role: 'alert', id: 'visit-msg' });
    // Each row says its own problem, checked again as the visitor types: no
    // message outlives the value it was about.
    const check = (r, show) => {
      const problem = r.here.checked ? tempProblem(r.temp.value.trim()) : '';
      const on = !!problem && (show || !r.err.hidden);
      r.err.hidden = !on;
      r.err.textContent = on ? problem : '';
      if (on) r.temp.setAttribute('aria-invalid', 'true'); else r.temp.removeAttribute('aria-invalid');
      return problem;
    };
    const f = h('form', { id: 'visit-form' }, h('h2', null, bi('到访人员(含同行家人)', 'Who is here (with family members)')),
      rows.map((r) => r.node), h('button', { type: 'submit', class: 'primary', id: 'visit-submit' }, bi('登记到访', 'Check in')), msg);
    f.addEventListener('input', () => { msg.textContent = ''; for (const r of rows) check(r, false); });
    f.addEventListener('change', () => { for (const r of rows) check(r, false); });
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.textContent = '';
      const chosen = rows.filter((r) => r.here.checked);
      if (!chosen.length) { msg.textContent = '请选择到访人员 Choose who is here'; return; }
      const bad = rows.filter((r) => check(r, true));
      if (bad.length) { bad[0].temp.focus(); return; }
      const visitors = chosen.map((r) => ({ person_id: r.p.person_id, temperature: Number(r.temp.value.trim()) }));
      let r;
      try { r = await api('POST', `/venues/${encodeURIComponent(venueId)}/checkins`, { visitors }); } catch { msg.textContent = networkText; return; }
      if (r.status !== 201) { msg.textContent = plainError(r); return; }
      await corePromise;
      clear(box);
      const at = r.data.visits && r.data.visits[0] && r.data.visits[0].visited_at;
      learnServerTime(at);
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
