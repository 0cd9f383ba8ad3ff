// Every page's only way to the server: same-origin JSON over fetch with the
// bearer token of a session kept in sessionStorage (gone when the tab closes,
// and per tab, so a verifier and an admin can be signed in in two tabs of one
// browser), or, for the resident and a verifier's gate device, a device
// session in an HttpOnly cookie that outlives the tab. Personal data goes in
// bodies, never in URLs. The resident and the staff differ only in the
// parameters of createClient: which session, and how long a call may take.
//
// No call waits for ever: each attempt is aborted after its timeout (a network
// that connects but never answers looks like no network at all), a call that
// is safe to repeat (GET, PUT, DELETE, or opts.idempotent) is tried again after
// a growing pause, and the client tells the page what is going on (net state:
// ok, slow, retrying, offline) so that the page can show it and offer
// "try again" (see common/netstate.js).

export class NetworkError extends Error {
  constructor(message, { timeout = false } = {}) {
    super(message);
    this.timeout = timeout;  // true: no answer within the time limit (not a refused connection)
  }
}

// fetch() that gives up after `ms` (0: never): rejects with a NetworkError
// then, as on a failed connection.
export async function fetchWithTimeout(url, init = {}, ms = 0) {
  const ctl = ms && typeof AbortController === 'function' ? new AbortController() : null;
  let timedOut = false;
  const timer = ctl && setTimeout(() => { timedOut = true; ctl.abort(); }, ms);
  try {
    return await fetch(url, ctl ? { ...init, signal: ctl.signal } : init);
  } catch (e) {
    throw new NetworkError(timedOut ? `no answer within ${ms} ms` : String(e), { timeout: timedOut });
  } finally {
    clearTimeout(timer);
  }
}

// {get, set, clear} of the JSON value kept under sessionStorage[key], or
// localStorage[key] with local (then never a token: a device session lives in
// its HttpOnly cookie, and what is kept here only says who is signed in; a
// tab that holds a bearer session in sessionStorage, from before, still uses it).
export function storedSession(key, local = false) {
  const read = (store) => { try { return JSON.parse(store.getItem(key)) || null; } catch { return null; } };
  return {
    get() {
      const tab = read(sessionStorage);
      return local && !(tab && tab.token) ? read(localStorage) : tab;
    },
    set(s) {
      const { token, ...rest } = s || {};
      try {
        if (!local) sessionStorage.setItem(key, JSON.stringify(s));
        else { sessionStorage.removeItem(key); localStorage.setItem(key, JSON.stringify(rest)); }
      } catch { /* private mode */ }
    },
    clear() {
      try { sessionStorage.removeItem(key); if (local) localStorage.removeItem(key); } catch { /* ignore */ }
    },
  };
}

const SAFE = ['GET', 'HEAD', 'PUT', 'DELETE'];
const sleep = (ms, wake) => new Promise((resolve) => {
  const timer = setTimeout(done, ms);
  function done() { clearTimeout(timer); wake.delete(done); resolve(); }
  wake.add(done);
});

// {session, api, net, onNet, onRetry, retryNow} for the session under
// sessionKey.
//   timeoutMs: one attempt not answered by then is aborted (default 10 s).
//   retries: further attempts of a call that is safe to repeat (default 2),
//     after backoffMs, then twice that, ... (with some jitter).
//   slowMs: a call unanswered this long makes the net state "slow" (default 3 s).
//   device ("resident" or "staff"): a call without a token says
//     X-Ankang-Session: device, so the server signs in with (and a log-in
//     sets) that device session's HttpOnly cookie; the session note lives in
//     localStorage (server/domain/sessions.h).
//
// api(method, path, body, opts) returns {status, data, headers} (data: parsed
// JSON, null when empty or not JSON) and throws NetworkError when the server
// cannot be reached in any attempt. opts: {token} instead of the session's,
// {raw: 'text/csv'} to send body as is with that type, {text: true} to read the
// answer as text, {timeoutMs}, {retries} for this call, {idempotent: true} to
// retry a POST that changes nothing (a search, a verification).
//
// net: {state: 'ok'|'slow'|'retrying'|'offline', attempt, of, retryAt}; onNet(fn)
// calls fn(net) on every change (returns the unsubscribe function). retryNow()
// ends the pause of calls waiting to be retried and calls the onRetry(fn)
// listeners, where a page reloads what it failed to get.
export function createClient({ sessionKey, timeoutMs = 10000, retries = 2, backoffMs = 1000, slowMs = 3000, device = '' }) {
  const session = storedSession(sessionKey, !!device);
  const listeners = new Set();
  const retryListeners = new Set();
  const wake = new Set();  // pending pauses: retryNow() ends them
  const net = { state: 'ok', attempt: 0, of: 0, retryAt: 0 };
  let inFlight = 0;
  let slowTimer = 0;
  function setNet(patch) {
    const before = JSON.stringify(net);
    Object.assign(net, patch);
    if (JSON.stringify(net) === before) return;
    for (const fn of [...listeners]) { try { fn({ ...net }); } catch { /* a listener's bug stays its own */ } }
  }

  async function attempt(method, path, headers, payload, limit) {
    inFlight += 1;
    if (inFlight === 1 && net.state === 'ok') {
      clearTimeout(slowTimer);
      slowTimer = setTimeout(() => { if (inFlight && net.state === 'ok') setNet({ state: 'slow' }); }, slowMs);
    }
    try {
      return await fetchWithTimeout(`/api/v1${path}`, {
        method, headers, body: payload, cache: 'no-store', credentials: device ? 'same-origin' : 'omit',
      }, limit);
    } finally {
      inFlight -= 1;
      if (!inFlight) clearTimeout(slowTimer);
    }
  }

  async function api(method, path, body, opts = {}) {
    const headers = {};
    const s = session.get();
    const token = opts.token !== undefined ? opts.token : s && s.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (device && opts.token === undefined) headers['X-Ankang-Session'] = device;
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = opts.raw || 'application/json';
      payload = opts.raw ? body : JSON.stringify(body);
    }
    const limit = opts.timeoutMs || timeoutMs;
    const safe = opts.idempotent || SAFE.includes(method.toUpperCase());
    const tries = 1 + (safe ? (opts.retries ?? retries) : 0);
    let res;
    for (let i = 1; ; i++) {
      try {
        res = await attempt(method, path, headers, payload, limit);
        break;
      } catch (e) {
        if (!(e instanceof NetworkError)) throw e;
        if (i >= tries) {
          setNet({ state: 'offline', attempt: i, of: tries, retryAt: 0 });
          throw e;
        }
        const pause = backoffMs * 2 ** (i - 1) * (0.8 + 0.4 * Math.random());
        setNet({ state: 'retrying', attempt: i + 1, of: tries, retryAt: Date.now() + pause });
        await sleep(pause, wake);
      }
    }
    setNet({ state: 'ok', attempt: 0, of: 0, retryAt: 0 });
    const txt = await res.text();
    let data = txt;
    if (!opts.text) { try { data = txt ? JSON.parse(txt) : null; } catch { data = null; } }
    return { status: res.status, data, headers: res.headers };
  }

  function onNet(fn) { listeners.add(fn); return () => listeners.delete(fn); }
  function onRetry(fn) { retryListeners.add(fn); return () => retryListeners.delete(fn); }
  function retryNow() {
    const waiting = wake.size;
    for (const w of [...wake]) w();
    if (!waiting) setNet({ state: 'ok', attempt: 0, of: 0, retryAt: 0 });
    for (const fn of [...retryListeners]) { try { fn(); } catch { /* its own */ } }
  }
  return { session, api, net, onNet, onRetry, retryNow, device };
}

// The resident's session: the resident page "/" and the venue check-in page
// /v/{id} sign in the same account, a device session that outlives the tab.
// An attempt gives up after 8 s.
export const residentClient = /* @__PURE__ */ createClient({ sessionKey: 'ankang.session', timeoutMs: 8000, device: 'resident' });

// The staff session, shared by the staff pages; an attempt gives up after 15 s.
export const staffClient = /* @__PURE__ */ createClient({ sessionKey: 'ankang.staff', timeoutMs: 15000 });
// A gate device's verifier session (/staff): signed in once, kept across
// restarts; a tab that holds a staff bearer session (signed in on another
// staff page) uses that.
export const verifierClient = /* @__PURE__ */ createClient({ sessionKey: 'ankang.staff', timeoutMs: 15000, device: 'staff' });
