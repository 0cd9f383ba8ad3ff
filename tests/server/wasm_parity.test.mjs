// The server's authoritative colour equals the browser preview (the wasm
// build of the same core) for the same declaration, rule set and authority
// data: colour, fired rules, validity, streak, rules version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startServer, call, loginResident, loginStaff, declaration, root } from './lib.mjs';

const wasmDir = process.env.ANKANG_WASM_DIR || join(root, 'build-wasm', 'wasm');
const require = createRequire(import.meta.url);

let srv;
let core;
before(async () => {
  assert.ok(existsSync(join(wasmDir, 'ankang_core.js')), `wasm build missing in ${wasmDir}`);
  const AnkangCore = require(join(wasmDir, 'ankang_core.js'));
  core = await AnkangCore({ wasmBinary: readFileSync(join(wasmDir, 'ankang_core.wasm')) });
  srv = await startServer();
});
after(async () => { await srv.stop(); srv.cleanup(); });

const NOW = '2026-12-10T08:00:00+08:00';

const cases = [
  ['normal', {}],
  ['fever', { temperature: 37.6 }],
  ['borderline 37.2', { temperature: 37.2 }],
  ['symptom', { symptoms: ['sore_throat'] }],
  ['two symptoms and fever', { temperature: 38.4, symptoms: ['fatigue', 'dry_cough'] }],
  ['contact confirmed', { contact: 'confirmed' }],
  ['contact unsure', { contact: 'unsure' }],
  ['stayed in a high-risk county', { travel: [{ region: '420102', from: '2026-12-01', to: '2026-12-03' }] }],
  ['stayed in a medium-risk city', { travel: [{ region: '440305', from: '2026-12-02', to: '2026-12-04' }] }],
  ['stayed in a low-risk area', { travel: [{ region: '310101', from: '2026-12-02', to: '2026-12-04' }] }],
  ['overseas stay, arrived 5 days ago', { travel: [{ region: 'overseas', country: 'USA', from: '2026-11-28', to: '2026-12-05' }], arrived: '2026-12-05' }],
  ['lives in a high-risk county', { region: '420102' }],
  ['lives in a medium-risk city', { region: '440303' }],
];

test('server colour == wasm preview for the same declarations', async () => {
  const admin = await loginStaff(srv.base, 'admin');
  const areas = [{ region: '420102', level: 'high' }, { region: '440300', level: 'medium' }, { region: '310101', level: 'low' }];
  assert.equal((await call(srv.base, 'PUT', '/api/v1/admin/risk-areas', { body: { areas }, token: admin })).status, 200);
  assert.equal((await call(srv.base, 'POST', '/api/v1/dev/clock', { body: { now: NOW } })).status, 200);
  const rules = (await call(srv.base, 'GET', '/api/v1/rules')).text;
  const authority = (await call(srv.base, 'GET', '/api/v1/risk-areas')).text;
  const colours = new Set();
  for (const [name, opts] of cases) {
    const tok = await loginResident(srv.base);
    const body = declaration(opts);
    const server = await call(srv.base, 'POST', '/api/v1/declarations', { body, token: tok });
    assert.equal(server.status, 201, `${name}: ${server.text}`);
    const s = server.json.code;
    // The dev clock runs on from NOW: preview at the server's own instant of the declaration.
    const preview = JSON.parse(core.preview(JSON.stringify(body), rules, JSON.stringify({ risk_areas: JSON.parse(authority) }), s.declared_at));
    assert.ok(!preview.error && !preview.errors, `${name}: preview failed ${JSON.stringify(preview)}`);
    assert.equal(s.color, preview.color, `${name}: colour`);
    assert.deepEqual(s.reasons, preview.reasons, `${name}: reasons`);
    assert.deepEqual(s.advice, preview.advice, `${name}: advice`);
    assert.equal(s.valid_until, preview.valid_until, `${name}: validity`);
    assert.equal(s.streak, preview.streak, `${name}: streak`);
    assert.equal(s.rules_version, preview.rules_version, `${name}: rules version`);
    colours.add(s.color);
    console.log(`${name}: ${s.color} [${s.reasons.map((r) => r.rule).join(', ')}] (server == wasm)`);
  }
  assert.deepEqual([...colours].sort(), ['green', 'red', 'yellow'], 'the cases cover every self-declared colour');
});

test('gray where review is required: server == preview with review_required', async () => {
  const admin = await loginStaff(srv.base, 'admin');
  await call(srv.base, 'PUT', '/api/v1/admin/review-regions', { body: { regions: ['320100'] }, token: admin });
  const rules = (await call(srv.base, 'GET', '/api/v1/rules')).text;
  const tok = await loginResident(srv.base);
  const body = declaration({ region: '320102' });
  const server = await call(srv.base, 'POST', '/api/v1/declarations', { body, token: tok });
  const preview = JSON.parse(core.preview(JSON.stringify(body), rules,
    JSON.stringify({ risk_areas: JSON.parse((await call(srv.base, 'GET', '/api/v1/risk-areas')).text), review_required: true }), NOW));
  assert.equal(server.json.code.color, 'gray');
  assert.equal(preview.color, 'gray');
  assert.deepEqual(server.json.code.reasons, preview.reasons);
});
