// Shared by the staff pages (/staff, /review, /venue, /admin): same-origin JSON
// over fetch with the staff bearer token, the login form and tiny DOM helpers.
// The staff session lives in sessionStorage under a per-role key, so a verifier
// and an admin can be signed in in two tabs of one browser.

export class NetworkError extends Error {}

const KEY = 'ankang.staff';

export const staffSession = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch { return null; }
  },
  set(s) { try { sessionStorage.setItem(KEY, JSON.stringify(s)); } catch { /* private mode */ } },
  clear() { try { sessionStorage.removeItem(KEY); } catch { /* ignore */ } },
};

// Returns {status, data}; throws NetworkError when the server cannot be reached.
// opts: {token} to override the session, {raw: 'text/csv'} to send text as is,
// {text: true} to read the answer as text, {timeoutMs}.
export async function api(method, path, body, opts = {}) {
  const headers = {};
  const s = staffSession.get();
  const token = opts.token !== undefined ? opts.token : s && s.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    if (opts.raw) { headers['Content-Type'] = opts.raw; payload = body; }
    else { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs || 15000);
  let res;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body: payload, cache: 'no-store', signal: ctl.signal });
  } catch (e) {
    throw new NetworkError(String(e));
  } finally {
    clearTimeout(timer);
  }
  const txt = await res.text();
  let data = txt;
  if (!opts.text) { try { data = txt ? JSON.parse(txt) : null; } catch { data = null; } }
  return { status: res.status, data };
}

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

// h('div', {class: 'x', onclick: fn}, 'text', child, [children]).
export function h(tag, props, ...kids) {
  const n = document.createElement(tag);
  if (props) {
    for (const k in props) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') n.addEventListener(k.slice(2), v);
      else if (k === 'class') n.className = v;
      else if (k === 'style' && typeof v === 'object') Object.assign(n.style, v);
      else if (k in n && typeof v !== 'string') n[k] = v;
      else n.setAttribute(k, v === true ? '' : v);
    }
  }
  append(n, kids);
  return n;
}

function append(n, kids) {
  for (const c of kids) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(n, c);
    else n.append(c.nodeType ? c : document.createTextNode(String(c)));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);

export function clear(n) { while (n.firstChild) n.firstChild.remove(); return n; }

// Bilingual label: "中文 English".
export const bi = (zh, en) => [h('span', { lang: 'zh-CN' }, zh), ' ', h('span', { lang: 'en', class: 'en' }, en)];

export const COLOR_WORDS = {
  green: { zh: '绿码', en: 'GREEN' },
  yellow: { zh: '黄码', en: 'YELLOW' },
  red: { zh: '红码', en: 'RED' },
  gray: { zh: '灰码(待审核)', en: 'GRAY (pending review)' },
};

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

// Renders the login form into `root` unless a session with one of `roles`
// exists; calls onReady(session) once signed in.
export function requireStaff(root, roles, title, onReady) {
  const s = staffSession.get();
  if (s && s.token && roles.includes(s.role)) { onReady(s); return; }
  const msg = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card login', id: 'login-form' },
    h('h1', null, title),
    h('label', { for: 'login-user' }, bi('用户名', 'Username')), user,
    h('label', { for: 'login-pass' }, bi('密码', 'Password')), pass,
    h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, bi('登录', 'Sign in')),
    msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      const r = await api('POST', '/auth/staff', { username: user.value.trim(), password: pass.value }, { token: '' });
      if (r.status !== 200) { msg.textContent = `登录失败 Sign-in failed (${errorText(r)})`; return; }
      if (!roles.includes(r.data.role)) { msg.textContent = `此页面需要角色 This page needs role: ${roles.join(' / ')}`; return; }
      const sess = { token: r.data.token, role: r.data.role, username: user.value.trim() };
      staffSession.set(sess);
      form.remove();
      onReady(sess);
    } catch (e) {
      msg.textContent = `无法连接服务器 Cannot reach the server`;
    }
  });
  root.append(form);
  user.focus();
}

// Header bar with the signed-in user and a sign-out button.
export function staffHeader(title, sess) {
  return h('header', { class: 'bar' },
    h('strong', null, title),
    h('span', { class: 'who', id: 'who' }, `${sess.username || ''} (${sess.role})`),
    h('button', { type: 'button', class: 'link', id: 'logout', onclick: () => { staffSession.clear(); location.reload(); } }, bi('退出', 'Sign out')));
}

// Minimal CSV line splitter for previews (quotes with "" escapes). The server
// parses the CSV authoritatively; this only counts lines for the progress bar.
export function splitCsvLines(text) {
  return text.replace(/\r\n?/g, '\n').split('\n');
}
