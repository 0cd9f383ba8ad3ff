// Offline verification of a health code in the browser (SPEC §4): the token is
// parsed by the shared C++ core (wasm inspectToken, the same strict parser the
// server uses), its Ed25519 signature is checked with @noble/ed25519 against
// the cached key list of our issuer and of the trusted other issuers (互认),
// and its expiry against this device's clock. No network is touched here.
import * as ed from '@noble/ed25519';

const KEYS_KEY = 'ankang.staff.keys';
const LIMIT_KEY = 'ankang.staff.maxKeyAgeHours';
export const DEFAULT_MAX_KEY_AGE_HOURS = 24;

export function b64urlToBytes(s) {
  const t = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(t + '='.repeat((4 - (t.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// {fetched_at: ms, issuers: [{issuer, name, own, keys: [{kid, x, not_before, not_after}]}]} or null.
export function loadKeyList() {
  try {
    const v = JSON.parse(localStorage.getItem(KEYS_KEY));
    return v && Array.isArray(v.issuers) && typeof v.fetched_at === 'number' ? v : null;
  } catch { return null; }
}
export function saveKeyList(list) {
  try { localStorage.setItem(KEYS_KEY, JSON.stringify(list)); } catch { /* quota: keep in memory only */ }
}
export function maxKeyAgeHours() {
  const v = Number(localStorage.getItem(LIMIT_KEY));
  return v > 0 ? v : DEFAULT_MAX_KEY_AGE_HOURS;
}
export function setMaxKeyAgeHours(hours) { localStorage.setItem(LIMIT_KEY, String(hours)); }

// Builds the key list from GET /api/v1/keys (our issuer) and GET /api/v1/issuers
// (trusted other issuers). `trusted` may be null when that call failed.
export function buildKeyList(own, trusted, nowMs) {
  const issuers = [];
  if (own && own.issuer && Array.isArray(own.keys)) {
    issuers.push({ issuer: own.issuer, name: own.name || own.issuer, own: true, keys: own.keys });
  }
  for (const t of (trusted && trusted.issuers) || []) {
    if (t && t.issuer && Array.isArray(t.keys) && t.issuer !== (own && own.issuer)) {
      issuers.push({ issuer: t.issuer, name: t.name || t.issuer, own: false, keys: t.keys });
    }
  }
  return { fetched_at: nowMs, issuers };
}

const isoToSec = (v) => {
  if (v == null || v === '') return null;
  if (typeof v === 'number') return v;
  const t = Date.parse(v);
  return isNaN(t) ? null : Math.floor(t / 1000);
};

// Verifies `qr` offline. core: the loaded wasm module. Answers the same shape as
// POST /api/v1/verify plus {offline: true, key_age_s, issuer, issuer_name}:
// status malformed | unknown_issuer | bad_signature | expired | current | stale_keys.
// Like the server it names the token's kind ("screen", or "offline": a code
// the phone shows without network, valid for hours until its own expiry) and
// how old the data behind it is (data_age_seconds, from its issued-at).
export async function verifyOffline(core, qr, list, nowMs, maxAgeHours) {
  const base = { valid: false, offline: true, key_age_s: list ? Math.round((nowMs - list.fetched_at) / 1000) : null };
  if (!list) return { ...base, status: 'stale_keys' };
  if (nowMs - list.fetched_at > maxAgeHours * 3600 * 1000) return { ...base, status: 'stale_keys' };
  let tok;
  try { tok = JSON.parse(core.inspectToken(String(qr).trim())); } catch { tok = null; }
  if (!tok || !tok.ok) return { ...base, status: 'malformed', error: tok && tok.error };
  const c = tok.claims || {};
  const iss = list.issuers.find((i) => i.issuer === c.issuer);
  if (!iss) return { ...base, status: 'unknown_issuer', issuer: c.issuer };
  const out = { ...base, issuer: iss.issuer, issuer_name: iss.name, own_issuer: !!iss.own };
  const key = iss.keys.find((k) => k.kid === tok.kid);
  if (!key || tok.alg !== -8) return { ...out, status: 'bad_signature' };
  let ok = false;
  try {
    ok = await ed.verifyAsync(b64urlToBytes(tok.signature), b64urlToBytes(tok.to_be_signed), b64urlToBytes(key.x));
  } catch { ok = false; }
  if (!ok) return { ...out, status: 'bad_signature' };
  // A key signs only inside its window; tokens it signed stay valid until they expire.
  const nb = isoToSec(key.not_before);
  const na = isoToSec(key.not_after);
  if ((nb != null && c.issued_at < nb - 300) || (na != null && c.issued_at > na)) return { ...out, status: 'bad_signature' };
  const claims = {
    color: c.color,
    name_masked: c.name_masked,
    id_tail: c.id_tail,
    valid_until: new Date(c.expires_at * 1000).toISOString(),
    issued_at: new Date(c.issued_at * 1000).toISOString(),
    expires_at: new Date(c.expires_at * 1000).toISOString(),
    kind: c.kind || 'screen',
    data_age_seconds: Math.max(0, Math.round(nowMs / 1000 - c.issued_at)),
  };
  if (nowMs / 1000 > c.expires_at) return { ...out, ...claims, status: 'expired' };
  return { ...out, ...claims, valid: true, status: 'current' };
}
