// Prints the gzip size of everything the resident page "/" loads (HTML, CSS,
// JS, wasm) from web/dist and fails when it is over the 150 KB budget (SPEC §7).
//   node web/size.mjs
// Region names load per province: counted are the province list and the
// largest province file (a resident picks one or two provinces).
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = process.env.ANKANG_WEB_DIST || join(dirname(fileURLToPath(import.meta.url)), 'dist');
const files = ['index.html', 'index.css', 'index.js', 'ankang_core.js', 'ankang_core.wasm', 'sw.js', 'regions/index.json'];
if (existsSync(join(dist, 'regions'))) {
  const big = readdirSync(join(dist, 'regions')).filter((f) => f !== 'index.json')
    .sort((a, b) => statSync(join(dist, 'regions', b)).size - statSync(join(dist, 'regions', a)).size)[0];
  if (big) files.push(`regions/${big}`);
}
const BUDGET = 150 * 1024;
let raw = 0;
let gz = 0;
for (const f of files) {
  const p = join(dist, f);
  if (!existsSync(p)) {
    console.error(`size: ${f} missing in web/dist (run node web/build.mjs after the wasm build)`);
    process.exit(1);
  }
  const b = readFileSync(p);
  const g = gzipSync(b, { level: 9 }).length;
  raw += b.length;
  gz += g;
  console.log(`${f.padEnd(20)} ${String(b.length).padStart(8)} B  ${String(g).padStart(7)} B gzip`);
}
console.log(`${'total'.padEnd(20)} ${String(raw).padStart(8)} B  ${String(gz).padStart(7)} B gzip (${(gz / 1024).toFixed(1)} KB of ${BUDGET / 1024} KB)`);
if (gz > BUDGET) {
  console.error('size: over budget');
  process.exit(1);
}
