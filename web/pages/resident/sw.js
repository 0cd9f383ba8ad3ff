// Service worker of the resident page: keeps the page itself (HTML, CSS, JS,
// wasm, icon) so it opens at once, with or without a network, and shows the
// last code kept on the device; keeps the region names fetched for the
// pickers. Never touches /api/: codes are not cached here.
//
// The page is answered from the kept copy first: at a gate on a slow network
// (or one that connects and never answers) the code must be on screen within
// a second, not after a network time-out. The kept copy is one build's files
// together (VERSION is a hash of them), so it never mixes versions; the browser
// checks sw.js on every visit and a new build replaces the copy in the
// background, in force from the next visit. Only with no kept copy does the
// page wait for the network.
const VERSION = 'ankang-__VERSION__';
const DATA = 'ankang-data';  // region names: the same files across builds
const SHELL = ['./', 'index.css', 'first.js', 'index.js', 'ankang_core.js', 'ankang_core.wasm', 'favicon.svg'];
const WAIT_MS = 3000;  // a kept file older than a network answer: after this long

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(VERSION).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  // Only this page's own old copies go (the verifier's worker keeps "ankang-staff-*").
  const mine = (k) => k.startsWith('ankang-') && !k.startsWith('ankang-staff-') && k !== VERSION && k !== DATA;
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter(mine).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The network's answer, or null when it fails or takes longer than ms.
function network(request, ms) {
  return new Promise((resolve) => {
    const ctl = new AbortController();
    const timer = setTimeout(() => { ctl.abort(); resolve(null); }, ms);
    fetch(request, { signal: ctl.signal }).then((res) => { clearTimeout(timer); resolve(res); }, () => { clearTimeout(timer); resolve(null); });
  });
}

self.addEventListener('fetch', (e) => {
  if (e.request.method !== 'GET') return;
  const url = new URL(e.request.url);
  const scope = self.registration.scope;
  const here = url.origin + url.pathname;
  if (here === scope || here === `${scope}index.html`) {
    e.respondWith(caches.match('./', { cacheName: VERSION }).then((hit) => hit || fetch(e.request)));
  } else if (SHELL.some((p) => new URL(p, scope).href === here)) {
    e.respondWith(caches.match(e.request, { ignoreSearch: true }).then((hit) => hit || fetch(e.request)));
  } else if (here.startsWith(`${scope}regions/`)) {
    // Region names: the kept file at once; fetched (and kept) the first time.
    e.respondWith(caches.open(DATA).then(async (c) => {
      const hit = await c.match(e.request, { ignoreSearch: true });
      if (hit) return hit;
      const res = await network(e.request, WAIT_MS * 3);
      if (res && res.ok) c.put(e.request, res.clone());
      return res || Response.error();
    }));
  }
  // Anything else (the API, other pages) goes to the network untouched.
});
