// The one companion of the shared C++ core (ankang_core.js + ankang_core.wasm,
// built from wasm/) for every page that loads it. The core is loaded once per
// page, after the page is usable; a page keeps working when it cannot be
// loaded (no WebAssembly, blocked, slow): loadCore() then resolves to null and
// each page says what it does without it.
let corePromise = null;
let core = null;

// Resolves to the core module, or null when it cannot be had within 20 s.
// base: the URL prefix of ankang_core.{js,wasm}: '' next to the page (the
// resident page, which may be served below a path), '/' at the site root.
// REQUIRES: the same base on every call of a page (the first call loads).
export function loadCore({ base = '' } = {}) {
  if (corePromise) return corePromise;
  corePromise = new Promise((resolve) => {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') return resolve(null);
    let settled = false;
    const timer = setTimeout(() => done(null), 20000);
    const done = (m) => {  // the first outcome counts: a core arriving after the timeout stays unused
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      core = m;
      resolve(m);
    };
    const s = document.createElement('script');
    s.src = `${base}ankang_core.js`;
    s.async = true;
    s.onerror = () => done(null);
    s.onload = () => {
      if (typeof window.AnkangCore !== 'function') return done(null);
      window.AnkangCore({ locateFile: (file) => `${base}${file}` }).then(done, () => done(null));
    };
    document.head.append(s);
  });
  return corePromise;
}

// The loaded core, or null before loadCore() has resolved to it.
export const getCore = () => core;

// JSON-in/JSON-out call into the core: object arguments are sent as JSON text,
// the answer parsed. Null when the core is absent or answers junk.
export function call(fn, ...args) {
  if (!core) return null;
  try {
    return JSON.parse(core[fn](...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))));
  } catch {
    return null;
  }
}
