// The resident page's line to the server: the resident session (a device
// session in the server's HttpOnly cookie; what is kept here only says which
// account is signed in) and api() of the shared client, the server's clock
// and its error messages as {zh, en}.
import { residentClient, fetchWithTimeout } from '../../common/api.js';

export { NetworkError } from '../../common/api.js';
export const { api, session } = residentClient;

let skew = 0;  // server clock minus this device's clock (serverInfo)
export const serverNow = () => Date.now() + skew;
export const clockSkew = () => skew;
// The offset learnt before (kept with the card), until the server is reached.
export function setClockSkew(ms) { if (Number.isFinite(ms)) skew = ms; }

// The server's clock (it can differ from the device's, and is moved in --dev
// trials) and whether it runs as a local trial: GET /healthz {"now","dev"}.
// Null when the server has not answered within 3 s: the page goes on with
// what the device has.
export async function serverInfo() {
  try {
    const t0 = Date.now();
    const res = await fetchWithTimeout('/healthz', { cache: 'no-store', credentials: 'omit' }, 3000);
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
