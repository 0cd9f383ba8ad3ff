// Service worker of the resident page: keeps the page itself (HTML, CSS, JS,
// wasm) so it opens without a network and shows the last code kept on the
// device. Never touches /api/: codes are not cached here.
const VERSION = 'ankang-__VERSION__';
const SHELL = ['./', 'index.css', 'index.js', 'ankang_core.js', 'ankang_core.wasm'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(VERSION).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', (e) => {
  if (e.request.method !== 'GET') return;
  const url = new URL(e.request.url);
  const scope = self.registration.scope;
  const here = url.origin + url.pathname;
  if (here === scope || here === `${scope}index.html`) {
    // The page: network first (a new version arrives at once), the kept copy offline.
    e.respondWith(fetch(e.request).catch(() => caches.match('./')));
  } else if (SHELL.some((p) => new URL(p, scope).href === here)) {
    e.respondWith(caches.match(e.request, { ignoreSearch: true }).then((hit) => hit || fetch(e.request)));
  }
  // Anything else (the API, other pages) goes to the network untouched.
});
