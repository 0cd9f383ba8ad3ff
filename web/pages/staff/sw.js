// Service worker of the verifier page /staff (scope "/staff"): keeps the page,
// its bundle and the wasm core so a gate device can reopen the verifier with
// no network and keep verifying offline with the key list in localStorage.
// Network first (a new version arrives at once), the kept copy when offline.
// Never touches /api/. Caches of other workers (the resident page's) are left alone.
const VERSION = 'ankang-staff-__VERSION__';
const SHELL = ['/staff', '/staff-assets/staff.js', '/staff-assets/staff.css', '/ankang_core.js', '/ankang_core.wasm'];

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
  e.respondWith(fetch(e.request).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(VERSION).then((c) => c.put(path, copy));
    }
    return res;
  }).catch(() => caches.match(path).then((hit) => hit || Response.error())));
});
