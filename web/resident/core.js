// Loads the shared C++ core (WebAssembly) after the page is usable, and keeps
// the page working without it: no validation on this device (the server's 422
// messages are shown instead), regions from a static JSON file, and the QR
// drawn from the server's module matrix in plain JS.
let corePromise = null;

// Resolves to the core, or null when WebAssembly is missing or fails to load.
export function loadCore() {
  if (corePromise) return corePromise;
  corePromise = new Promise((resolve) => {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') return resolve(null);
    const timer = setTimeout(() => resolve(null), 20000);
    const s = document.createElement('script');
    s.src = 'ankang_core.js';
    s.async = true;
    s.onerror = () => { clearTimeout(timer); resolve(null); };
    s.onload = () => {
      if (typeof AnkangCore !== 'function') { clearTimeout(timer); return resolve(null); }
      AnkangCore().then((m) => { clearTimeout(timer); resolve(m); }, () => { clearTimeout(timer); resolve(null); });
    };
    document.head.append(s);
  });
  return corePromise;
}

let core = null;
export const getCore = () => core;
export const setCore = (c) => { core = c; };

// JSON-in/JSON-out call into the core; null when the core is absent or answers junk.
export function call(fn, ...args) {
  if (!core) return null;
  try {
    return JSON.parse(core[fn](...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))));
  } catch {
    return null;
  }
}

// ---- regions (GB/T 2260) ----
// The wasm core keeps region codes only (to stay small); names for the pickers
// come from static files written by web/build.mjs from the same source:
// regions/index.json [[pp, name]] and one regions/PP.json [[cc, name, [[aa, name]]]]
// per province, fetched when that province is chosen.
const regionFiles = {};
function regionFile(name) {
  if (!regionFiles[name]) {
    regionFiles[name] = fetch(`regions/${name}.json`).then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .catch(() => { delete regionFiles[name]; return []; });
  }
  return regionFiles[name];
}

// [{code, name}] children of parent ("" = provinces).
export async function regions(parent) {
  const list = (rows, prefix) => rows.map((r) => ({ code: (prefix + r[0]).padEnd(6, '0'), name: r[1] }));
  if (!parent) return list(await regionFile('index'), '');
  if (!/^\d{2}(0000|\d\d00)$/.test(parent)) return [];
  const pp = parent.slice(0, 2);
  const cities = await regionFile(pp);
  if (parent.endsWith('0000')) return list(cities, pp);
  const c = cities.find((r) => r[0] === parent.slice(2, 4));
  return c ? list(c[2], parent.slice(0, 4)) : [];
}

// The parent chain of a code: ["370000", "370100", "370102"].
export function regionChain(code) {
  if (!code || !/^\d{6}$/.test(code)) return [];
  const chain = [`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code];
  return chain.filter((c, i) => chain.indexOf(c) === i);
}

// ---- QR drawing ----
// The core renderer's colours (shared/card.cc), so both drawings look the same.
const INK = { green: '#1a7f37', yellow: '#d4a500', red: '#c62828', gray: '#555555' };

// SVG of the QR: the core's renderer, or the same picture drawn here from the
// matrix when the core is missing (drawing a given matrix, not encoding one).
export function qrSvg(matrix, color) {
  if (!matrix || !matrix.size || !matrix.bits) return '';
  if (core) {
    try {
      const svg = core.renderQr(JSON.stringify(matrix), color);
      if (svg) return svg;
    } catch { /* fall back */ }
  }
  const n = matrix.size;
  const q = 4;
  let d = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (matrix.bits[y * n + x] === '1') d += `M${x + q} ${y + q}h1v1h-1z`;
    }
  }
  const w = n + 2 * q;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${w}" shape-rendering="crispEdges"><rect width="${w}" height="${w}" fill="#fff"/><path fill="${INK[color] || INK.gray}" d="${d}"/></svg>`;
}
