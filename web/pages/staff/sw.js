// Service worker of the verifier page /staff (scope "/staff"): keeps the page,
// its bundle and the wasm core so a gate device can reopen the verifier with
// no network and keep verifying offline with the key list in localStorage.
// Network first (a new version arrives at once), but a network that has not
// answered within 3 s (or fails) gets the kept copy: a gate device on a
// network that connects and never answers opens in about 3 s, not never.
// Never touches /api/. Caches of other workers (the resident page's) are left alone.
const VERSION = 'ankang-staff-__VERSION__';
const SHELL = ['/staff', '/staff-assets/staff.js', '/staff-assets/staff.css', '/ankang_core.js', '/ankang_core.wasm', '/favicon.svg'];
const WAIT_MS = 3000;

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(VERSION).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('ankang-staff-') && k !== VERSION).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', (e) => {
  if (e.request.method !== 'GET') return;
  const url = new URL(e.request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname === '/staff/' ? '/staff' : url.pathname;
  if (!SHELL.includes(path)) return;  // the API and everything else: untouched
  e.respondWith(new Promise((resolve) => {
    let done = false;
    const kept = () => caches.match(path, { cacheName: VERSION }).then((hit) => hit || null);
    const answer = (res) => { if (!done && res) { done = true; resolve(res); } };
    const ctl = new AbortController();
    const timer = setTimeout(() => kept().then((hit) => {
      if (hit) { answer(hit); ctl.abort(); }  // else keep waiting for the network
    }), WAIT_MS);
    fetch(e.request, { signal: ctl.signal }).then((res) => {
      clearTimeout(timer);
      if (res.ok) {
        const copy = res.clone();
        caches.open(VERSION).then((c) => c.put(path, copy));
      }
      answer(res);
    }, () => {
      clearTimeout(timer);
      kept().then((hit) => { if (!done) { done = true; resolve(hit || Response.error()); } });
    });
  }));
});
