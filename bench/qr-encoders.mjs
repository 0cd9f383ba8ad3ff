// Compares npm QR encoders for the screen code drawn on the phone
// (web/common/qr.js): gzip bytes each adds to the resident page's index.js,
// and encode + draw time in Chromium for a token as long as Ankang's
// (235 Base45 characters, level M). Each candidate stands in for the `qr`
// package behind the same call, so the page code and its drawing are the same.
//   node bench/qr-encoders.mjs [ROUNDS]
// Installs the candidates into a temporary folder (npm, nothing saved in the
// project); needs the project's npm packages (esbuild, jsqr, playwright-core)
// and /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const jsQR = require('jsqr');
const ROUNDS = Number(process.argv[2] || 9);
const tmp = mkdtempSync(join(tmpdir(), 'ankang-qr-encoders-'));
const VERSIONS = { uqr: '0.1.3', 'qrcode-generator': '2.0.4', qr: '0.7.0', 'lean-qr': '2.7.4' };
execFileSync('npm', ['install', '--prefix', tmp, '--no-save', '--no-audit', '--no-fund', '--loglevel=error',
  ...Object.entries(VERSIONS).map(([n, v]) => `${n}@${v}`)], { stdio: 'inherit' });

// Each adapter answers encodeQR(text, 'raw', {ecc: 'medium', border: 1}) of `qr`:
// rows of booleans with one light module around the symbol.
const ring = (n, dark) => Array.from({ length: n + 2 }, (_, y) => Array.from({ length: n + 2 }, (_, x) =>
  x > 0 && y > 0 && x <= n && y <= n && dark(y - 1, x - 1)));
const ADAPTERS = {
  none: 'export default () => [[false]];',
  qr: `export { default } from '${join(tmp, 'node_modules', 'qr', 'index.js')}';`,
  uqr: `import { encode } from '${join(tmp, 'node_modules', 'uqr', 'dist', 'index.mjs')}';
    const ring = ${ring};
    export default (t) => { const r = encode(t, { ecc: 'M', border: 0 }); return ring(r.size, (y, x) => r.data[y][x]); };`,
  'qrcode-generator': `import qrcode from '${join(tmp, 'node_modules', 'qrcode-generator', 'dist', 'qrcode.mjs')}';
    const ring = ${ring};
    export default (t) => { const q = qrcode(0, 'M'); q.addData(t, /^[0-9A-Z $%*+\\-./:]*$/.test(t) ? 'Alphanumeric' : 'Byte'); q.make();
      return ring(q.getModuleCount(), (y, x) => q.isDark(y, x)); };`,
  'lean-qr': `import { generate, correction } from '${join(tmp, 'node_modules', 'lean-qr', 'index.mjs')}';
    const ring = ${ring};
    export default (t) => { const c = generate(t, { minCorrectionLevel: correction.M, maxCorrectionLevel: correction.M });
      return ring(c.size, (y, x) => c.get(x, y)); };`,
};
const alias = (name) => ({
  name: 'qr-candidate',
  setup(b) {
    b.onResolve({ filter: /^qr$/ }, () => ({ path: name, namespace: 'candidate' }));
    b.onResolve({ filter: /^ankang-core:color-words$/ }, () => ({ path: 'cw', namespace: 'candidate' }));
    b.onLoad({ filter: /.*/, namespace: 'candidate' }, (a) => (a.path === 'cw'
      ? { contents: 'export default {}', loader: 'js' }
      : { contents: ADAPTERS[a.path], loader: 'js', resolveDir: tmp }));
  },
});
const bundle = async (entry, name, extra) => (await build({
  entryPoints: [entry], bundle: true, minify: true, legalComments: 'none', write: false, logLevel: 'error',
  plugins: [alias(name)], ...extra,
})).outputFiles[0].text;

// A token-like text: "AK1:" and Base45 characters, as long as Ankang's screen token.
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
let text = 'AK1:';
for (let s = 7; text.length < 235;) { s = (s * 1103515245 + 12345) & 0x7fffffff; text += B45[s % 45]; }

const results = {};
for (const name of Object.keys(ADAPTERS)) {
  // The resident page bundle as web/build.mjs makes it (IIFE, same targets).
  const page = await bundle(join(root, 'web', 'pages', 'resident', 'main.js'), name,
    { format: 'iife', target: ['chrome80', 'safari13', 'firefox78'] });
  const lib = await bundle(join(root, 'web', 'common', 'qr.js'), name,
    { format: 'iife', globalName: 'AnkangQr', target: ['chrome80'] });
  results[name] = { gzip: gzipSync(page, { level: 9 }).length, lib };
}

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  for (const [name, r] of Object.entries(results)) {
    if (name === 'none') continue;
    for (const rate of [1, 4]) {
      const cold = [];
      const warm = [];
      for (let i = 0; i < ROUNDS; i++) {
        const p = await browser.newPage();
        const cdp = await p.context().newCDPSession(p);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate });
        await p.evaluate(r.lib);
        const t = await p.evaluate((txt) => {
          const once = () => { const t0 = performance.now(); window.AnkangQr.qrSvg(window.AnkangQr.qrMatrix(txt), 'green'); return performance.now() - t0; };
          const first = once();
          const w = [];
          for (let j = 0; j < 11; j++) w.push(once());
          return { first, warm: w.sort((a, b) => a - b)[5], m: window.AnkangQr.qrMatrix(txt) };
        }, text);
        cold.push(t.first);
        warm.push(t.warm);
        if (i === 0 && rate === 1) {
          // The symbol decodes back to the text (jsQR on a 4-pixel-per-module drawing).
          const n = t.m.size;
          const side = (n + 8) * 4;
          const px = new Uint8ClampedArray(side * side * 4).fill(255);
          for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (t.m.bits[y * n + x] === '1') {
            for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) px.fill(0, 4 * (((y + 4) * 4 + dy) * side + (x + 4) * 4 + dx), 4 * (((y + 4) * 4 + dy) * side + (x + 4) * 4 + dx) + 3);
          }
          const d = jsQR(px, side, side);
          r.version = (n - 17) / 4;
          r.decodes = !!d && d.data === text;
        }
        await p.close();
      }
      r[`x${rate}`] = { first: median(cold), warm: median(warm) };
    }
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}

const base = results.none.gzip;
const lines = [`${text.length}-character Base45 text, level M; medians of ${ROUNDS} fresh pages; ms for encode + SVG`,
  '| encoder | version | decodes (jsQR) | + gzip bytes to index.js | first x1 | warm x1 | first x4 | warm x4 |',
  '|---|---:|---|---:|---:|---:|---:|---:|'];
for (const [name, r] of Object.entries(results)) {
  if (name === 'none') continue;
  lines.push(`| ${name} ${VERSIONS[name]} | ${r.version} | ${r.decodes ? 'yes' : 'NO'} | ${r.gzip - base} | ${r.x1.first.toFixed(1)} | ${r.x1.warm.toFixed(2)} | ${r.x4.first.toFixed(1)} | ${r.x4.warm.toFixed(2)} |`);
}
console.log(lines.join('\n'));
writeFileSync(join(tmpdir(), 'ankang-qr-encoders.md'), `${lines.join('\n')}\n`);
