// What the staff pages (/staff, /admin, /review, /venue) share beyond the
// client and the DOM helper: the sign-in form and header bar on the staff
// session (staffClient of api.js; the verifier's gate device signs in once on
// its own device session, verifierClient), bilingual labels, error answers and
// times as text, tables that stay readable on a phone, and the bar that shows
// the network state. The venue check-in page /v/{id} uses the labels and texts too.
import { staffClient } from './api.js';
import { h } from './dom.js';
import { netBar } from './netstate.js';

// "code: message" of an error answer, for display.
export function errorText(r) {
  const e = r && r.data && r.data.error;
  if (e) {
    const m = typeof e.message === 'object' && e.message ? `${e.message.zh} / ${e.message.en}` : e.message;
    return `${e.code}${m ? ': ' + m : ''}`;
  }
  if (r && r.data && Array.isArray(r.data.errors)) {
    return r.data.errors.map((x) => `${x.field || x.path || x.line || ''} ${x.code}: ${x.message || ''}`).join('\n');
  }
  return `HTTP ${r ? r.status : '?'}`;
}

// Bilingual label: "中文 English".
export const bi = (zh, en) => [h('span', { lang: 'zh-CN' }, zh), ' ', h('span', { lang: 'en', class: 'en' }, en)];

// Local date-time text for an ISO instant or Unix seconds.
export function fmtTime(v) {
  if (v == null || v === '') return '';
  // The server's ISO text carries its time zone (days count there): show that wall time.
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d)$/.test(v)) return v.slice(0, 16).replace('T', ' ');
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
  if (isNaN(d)) return String(v);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// Renders the login form, headed by the page's title, into `root` unless a
// session with one of `roles` exists; calls onReady(session) once signed in.
// client: the session to use (default staffClient); with a device client
// (verifierClient) the session is the server's cookie and what is kept says
// who signed in, so a signed-in device opens without the network.
export function requireStaff(root, roles, onReady, client = staffClient) {
  netBar(client);
  const s = client.session.get();
  if (s && (s.token || s.device) && roles.includes(s.role)) { onReady(s); return; }
  const msg = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  // An admin with TOTP enrolled is asked for the authenticator's code.
  const totp = h('input', { id: 'login-totp', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6 });
  const totpRow = h('div', { id: 'login-totp-row', hidden: true }, h('label', { for: 'login-totp' }, bi('动态验证码', 'Authenticator code')), totp);
  const form = h('form', { class: 'card login', id: 'login-form' },
    h('h1', null, document.title),
    h('label', { for: 'login-user' }, bi('用户名', 'Username')), user,
    h('label', { for: 'login-pass' }, bi('密码', 'Password')), pass,
    totpRow,
    h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, bi('登录', 'Sign in')),
    msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      const body = { username: user.value.trim(), password: pass.value };
      if (totp.value.trim()) body.totp = totp.value.trim();
      if (client.device) body.cookie = true;  // a device session, in the server's cookie
      const r = await client.api('POST', '/auth/staff', body, { token: '' });
      const code = r.data && r.data.error && r.data.error.code;
      if (code === 'totp_required' || code === 'bad_totp') { totpRow.hidden = false; totp.value = ''; totp.focus(); }
      if (r.status !== 200) { msg.textContent = `登录失败 Sign-in failed (${errorText(r)})`; return; }
      if (!roles.includes(r.data.role)) { msg.textContent = `此页面需要角色 This page needs role: ${roles.join(' / ')}`; return; }
      const sess = r.data.token ? { token: r.data.token, role: r.data.role, username: user.value.trim() }
        : { device: true, role: r.data.role, username: user.value.trim(), expires_at: r.data.expires_at };
      client.session.set(sess);
      form.remove();
      onReady(sess);
    } catch (e) {
      msg.textContent = `无法连接服务器 Cannot reach the server`;
    }
  });
  root.append(form);
  user.focus();
}

// Header bar: the page's title as its h1, the signed-in user and a sign-out
// button that asks first (what stays on the device is said in the question);
// the server ends the session (without network this device forgets it).
export function staffHeader(title, sess, client = staffClient) {
  const out = async () => {
    if (!window.confirm('确定退出登录？本机保存的离线密钥列表会保留。\nSign out? The offline key list kept on this device stays.')) return;
    try { await client.api('POST', '/auth/logout', {}, { timeoutMs: 3000 }); } catch { /* offline */ }
    client.session.clear();
    location.reload();
  };
  return h('header', { class: 'bar' },
    h('h1', null, title),
    h('span', { class: 'who', id: 'who' }, `${sess.username || ''} (${sess.role})`),
    h('button', { type: 'button', class: 'link', id: 'logout', onclick: out }, bi('退出', 'Sign out')));
}

// A table whose cells carry their column's heading (data-label), so that on a
// narrow screen (staff.css) each row becomes a card of "heading: value" lines
// and nothing needs scrolling sideways. heads: texts; rows: <tr> elements.
export function labelledTable(id, heads, rows) {
  const t = h('table', { id, class: 'stack' }, h('thead', null, h('tr', null, heads.map((x) => h('th', { scope: 'col' }, x || h('span', { class: 'sr' }, '操作 Actions'))))), h('tbody', null, rows));
  labelCells(t);
  return t;
}
// Gives every body cell of `table` its column heading as data-label.
export function labelCells(table) {
  const heads = [...table.querySelectorAll('thead th')].map((th) => {
    if (!th.textContent.trim()) th.append(h('span', { class: 'sr' }, '操作 Actions'));  // a heading for the buttons' column
    return th.querySelector('.sr') ? '' : th.textContent.trim();
  });
  for (const tr of table.querySelectorAll('tbody tr')) {
    [...tr.children].forEach((td, i) => { if (heads[i]) td.dataset.label = heads[i]; });
  }
  table.classList.add('stack');
  return table;
}
