// The page's only way to the server: same-origin JSON over fetch with the
// bearer token. Personal data goes in bodies, never in URLs. The session token
// lives in sessionStorage (gone when the tab closes); localStorage holds only
// the last code shown (see store.js).
const KEY = 'ankang.session';

export class NetworkError extends Error {}

let skew = 0;  // server clock minus this device's clock (serverInfo)
export const serverNow = () => Date.now() + skew;

export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch { return null; }
  },
  set(s) { try { sessionStorage.setItem(KEY, JSON.stringify(s)); } catch { /* private mode */ } },
  clear() { try { sessionStorage.removeItem(KEY); } catch { /* ignore */ } },
};

// Returns {status, data, headers}; throws NetworkError when the server cannot be reached.
export async function api(method, path, body, opts = {}) {
  const headers = {};
  const s = session.get();
  if (s && s.token) headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new NetworkError(String(e));
  }
  let data = null;
  if (opts.text) data = await res.text();
  else {
    const txt = await res.text();
    try { data = txt ? JSON.parse(txt) : null; } catch { data = null; }
  }
  return { status: res.status, data, headers: res.headers };
}

// The server's clock (it can differ from the device's, and is moved in --dev
// trials) and whether it runs as a local trial: GET /healthz {"now","dev"}.
export async function serverInfo() {
  try {
    const t0 = Date.now();
    const res = await fetch('/healthz', { cache: 'no-store', credentials: 'omit' });
    const info = await res.json();
    const now = Date.parse(info.now);
    if (now) skew = now - (t0 + Date.now()) / 2;
    return info;
  } catch {
    return null;
  }
}

// The server's error message pair, if any: {"error":{"code","message"}} (message
// may be a {zh,en} object or a string).
export function errorText(data) {
  const e = data && data.error;
  if (!e) return null;
  const m = e.message;
  if (m && typeof m === 'object') return m;
  // "English sentence. 中文句子。": split where the Chinese starts.
  const text = String(m || e.code);
  const i = text.search(/[\u3400-\u9fff]/);
  if (i > 0) return { en: text.slice(0, i).trim(), zh: text.slice(i).trim() };
  return { zh: text, en: text };
}
