// Every page's only way to the server: same-origin JSON over fetch with the
// bearer token of a session kept in sessionStorage (gone when the tab closes,
// and per tab, so a verifier and an admin can be signed in in two tabs of one
// browser). Personal data goes in bodies, never in URLs. The resident and the
// staff differ only in the parameters of createClient: which session, and how
// long a call may take.

export class NetworkError extends Error {}

// {get, set, clear} of the JSON value kept under sessionStorage[key].
export function storedSession(key) {
  return {
    get() {
      try { return JSON.parse(sessionStorage.getItem(key)) || null; } catch { return null; }
    },
    set(s) { try { sessionStorage.setItem(key, JSON.stringify(s)); } catch { /* private mode */ } },
    clear() { try { sessionStorage.removeItem(key); } catch { /* ignore */ } },
  };
}

// {session, api} for the session under sessionKey. timeoutMs: a call not
// answered by then fails as a NetworkError (0: no limit).
//
// api(method, path, body, opts) returns {status, data, headers} (data: parsed
// JSON, null when empty or not JSON) and throws NetworkError when the server
// cannot be reached. opts: {token} instead of the session's, {raw: 'text/csv'}
// to send body as is with that type, {text: true} to read the answer as text,
// {timeoutMs} for this call.
export function createClient({ sessionKey, timeoutMs = 0 }) {
  const session = storedSession(sessionKey);
  async function api(method, path, body, opts = {}) {
    const headers = {};
    const s = session.get();
    const token = opts.token !== undefined ? opts.token : s && s.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = opts.raw || 'application/json';
      payload = opts.raw ? body : JSON.stringify(body);
    }
    const limit = opts.timeoutMs || timeoutMs;
    const ctl = limit ? new AbortController() : null;
    const timer = ctl && setTimeout(() => ctl.abort(), limit);
    let res;
    try {
      res = await fetch(`/api/v1${path}`, {
        method, headers, body: payload, cache: 'no-store', credentials: 'omit', signal: ctl ? ctl.signal : undefined,
      });
    } catch (e) {
      throw new NetworkError(String(e));
    } finally {
      clearTimeout(timer);
    }
    const txt = await res.text();
    let data = txt;
    if (!opts.text) { try { data = txt ? JSON.parse(txt) : null; } catch { data = null; } }
    return { status: res.status, data, headers: res.headers };
  }
  return { session, api };
}

// The resident's session: the resident page "/" and the venue check-in page
// /v/{id} sign in the same account.
export const residentClient = /* @__PURE__ */ createClient({ sessionKey: 'ankang.session' });

// The staff session, shared by the staff pages; a call gives up after 15 s.
export const staffClient = /* @__PURE__ */ createClient({ sessionKey: 'ankang.staff', timeoutMs: 15000 });
