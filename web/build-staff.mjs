// Builds the staff pages (/staff, /admin, /review, /venue, /v/{venue_id}) into
// web/dist/: NAME.html, staff-assets/NAME.js (esbuild bundle, minified, no
// third-party requests), staff-assets/staff.css, staff-sw.js (the verifier's service worker)
// and ankang_core.{js,wasm}
// (the verifier parses tokens offline with the shared core). Called by
// web/build.mjs; runs alone too: `node web/build-staff.mjs`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const STAFF_PAGES = ['staff', 'admin', 'review', 'venue', 'visit'];

export async function buildStaff({ outDir = path.join(here, 'dist'), wasmDir = path.join(here, '..', 'build-wasm', 'wasm') } = {}) {
  const assets = path.join(outDir, 'staff-assets');
  fs.mkdirSync(assets, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(STAFF_PAGES.map((p) => [p, path.join(here, 'src', p, 'main.js')])),
    outdir: assets,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome90', 'safari14'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(here, 'staff.css'), path.join(assets, 'staff.css'));
  for (const p of STAFF_PAGES) fs.copyFileSync(path.join(here, `${p}.html`), path.join(outDir, `${p}.html`));
  // web/build.mjs copies the wasm core to the dist root; do it here when run alone.
  for (const f of ['ankang_core.js', 'ankang_core.wasm']) {
    const src = path.join(process.env.ANKANG_WASM_DIR || wasmDir, f);
    if (fs.existsSync(path.join(outDir, f))) continue;
    if (fs.existsSync(src)) fs.copyFileSync(src, path.join(outDir, f));
    else console.warn(`build-staff: ${src} missing (build the wasm module first); offline verification needs it`);
  }
  // The verifier's service worker, versioned by what it keeps.
  const hash = createHash('sha256');
  for (const f of ['staff.html', 'staff-assets/staff.js', 'staff-assets/staff.css', 'ankang_core.js', 'ankang_core.wasm']) {
    const p = path.join(outDir, f);
    if (fs.existsSync(p)) hash.update(f).update(fs.readFileSync(p));
  }
  const sw = fs.readFileSync(path.join(here, 'src', 'staff', 'sw.js'), 'utf8').replace('__VERSION__', hash.digest('hex').slice(0, 12));
  fs.writeFileSync(path.join(outDir, 'staff-sw.js'), sw);
  const sizes = STAFF_PAGES.map((p) => `${p} ${(fs.statSync(path.join(assets, `${p}.js`)).size / 1024).toFixed(1)} KB`);
  console.log(`build-staff: ${sizes.join(', ')}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildStaff().catch((e) => { console.error(e); process.exit(1); });
}
