// The real binary over HTTP: every endpoint with every role, allowed and
// refused; JSON errors (400, 401, 403, 404, 405, 413, 422); static files and
// security headers; /healthz and /metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, call, loginResident, loginStaff, declaration, tempDir } from './lib.mjs';

let srv;
let web;
const tokens = {};
const ids = {};

before(async () => {
  web = tempDir('ankang-web-');
  for (const [f, body] of [['index.html', '<!doctype html><title>home</title>'],
    ['staff.html', 'staff page'], ['visit.html', 'visit page'], ['admin.html', 'admin page'],
    ['app.js', 'console.log(1)'], ['ankang_core.wasm', '\0asm'], ['style.css', 'body{}'],
    ['icon.svg', '<svg/>'], ['data.json', '{}']]) {
    writeFileSync(join(web, f), body);
  }
  mkdirSync(join(web, 'sub'));
  writeFileSync(join(web, 'sub', 'x.mjs'), 'export {}');
  srv = await startServer({ args: ['--web', web] });
  tokens.resident = await loginResident(srv.base);
  for (const role of ['verifier', 'issuer', 'venue', 'admin']) tokens[role] = await loginStaff(srv.base, role);
  const d = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tokens.resident });
  assert.equal(d.status, 201, d.text);
  ids.person = d.json.person_id;
  ids.declaration = d.json.declaration_id;
  ids.qr = d.json.code.qr;
  const ap = await call(srv.base, 'POST', `/api/v1/persons/${ids.person}/appeals`,
    { body: { topic: 'color', message: 'please check' }, token: tokens.resident });
  assert.equal(ap.status, 201, ap.text);
  ids.appeal = ap.json.appeal_id;
  const staff = await call(srv.base, 'GET', '/api/v1/admin/staff', { token: tokens.admin });
  ids.staff = staff.json.find((s) => s.username === 'venue').staff_id;
});

after(async () => {
  await srv.stop();
  srv.cleanup();
  rmSync(web, { recursive: true, force: true });
});

const R = ['resident'];
const ANY = null;  // no token needed
const AUTH = ['resident', 'verifier', 'issuer', 'venue', 'admin'];
const ADMIN = ['admin'];
const ROLES = ['resident', 'verifier', 'issuer', 'venue', 'admin'];

// [method, path, body, allowed roles]
const endpoints = () => [
  ['GET', '/api/v1/keys', undefined, ANY],
  ['GET', '/api/v1/rules', undefined, ANY],
  ['GET', '/api/v1/risk-areas', undefined, ANY],
  ['GET', '/healthz', undefined, ANY],
  ['GET', '/metrics', undefined, ANY],
  ['GET', '/api/v1/dev/clock', undefined, ANY],
  ['GET', '/api/v1/me', undefined, AUTH],
  ['POST', '/api/v1/declarations', declaration({ relation: 'child', name: '李小四' }), R],
  ['GET', '/api/v1/persons', undefined, R],
  ['GET', `/api/v1/persons/${ids.person}`, undefined, R],
  ['PATCH', `/api/v1/persons/${ids.person}`, { address: '9 Edit Road' }, R],
  ['GET', `/api/v1/persons/${ids.person}/code`, undefined, R],
  ['POST', `/api/v1/persons/${ids.person}/checkins`, { temperature: 36.5, symptoms: [] }, R],
  ['GET', `/api/v1/persons/${ids.person}/paper-code`, undefined, R],
  ['POST', `/api/v1/persons/${ids.person}/appeals`, { topic: 'other', message: 'x' }, R],
  ['GET', '/api/v1/appeals', undefined, R],
  ['GET', '/api/v1/family', undefined, R],
  ['POST', '/api/v1/family', { name: '无此人', id_type: 'resident_id', id_number: 'bad' }, R],
  ['DELETE', '/api/v1/family/no-such-person', undefined, R],
  ['POST', '/api/v1/verify', { qr: ids.qr }, ['verifier', 'admin']],
  ['GET', '/api/v1/review/pending', undefined, ['issuer', 'admin']],
  ['POST', `/api/v1/review/${ids.declaration}`, { decision: 'approve' }, ['issuer', 'admin']],
  ['GET', '/api/v1/admin/risk-areas', undefined, ADMIN],
  ['PUT', '/api/v1/admin/risk-areas', { areas: [] }, ADMIN],
  ['PUT', '/api/v1/admin/case-status', { id_type: 'resident_id', id_number: 'x', status: 'x' }, ADMIN],
  ['GET', '/api/v1/admin/review-regions', undefined, ADMIN],
  ['PUT', '/api/v1/admin/review-regions', { regions: [] }, ADMIN],
  ['GET', '/api/v1/admin/appeals', undefined, ADMIN],
  ['POST', `/api/v1/admin/appeals/${ids.appeal}/resolve`, { decision: 'resolved' }, ADMIN],
  ['GET', '/api/v1/admin/staff', undefined, ADMIN],
  ['POST', '/api/v1/admin/staff', { username: '', role: 'x' }, ADMIN],
  ['PATCH', `/api/v1/admin/staff/${ids.staff}`, { disabled: false }, ADMIN],
  ['GET', '/api/v1/admin/audit-log', undefined, ADMIN],
  ['GET', '/api/v1/admin/statistics', undefined, ADMIN],
  ['POST', '/api/v1/admin/keys/rotate', {}, ADMIN],
  ['GET', '/api/v1/admin/recolour-jobs', undefined, ADMIN],
];

test('every endpoint: allowed roles get through, others are refused (401 / 403)', async () => {
  let checked = 0;
  for (const [method, path, body, allowed] of endpoints()) {
    const anon = await call(srv.base, method, path, { body });
    if (allowed === ANY) {
      assert.ok(anon.status < 400, `${method} ${path} anonymous: ${anon.status} ${anon.text}`);
    } else {
      assert.equal(anon.status, 401, `${method} ${path} anonymous`);
      assert.equal(anon.json.error.code, 'unauthorized');
    }
    for (const role of ROLES) {
      const r = await call(srv.base, method, path, { body, token: tokens[role] });
      const ok = allowed === ANY || allowed.includes(role);
      if (ok) {
        assert.ok(![401, 403, 405, 500].includes(r.status), `${method} ${path} as ${role}: ${r.status} ${r.text}`);
      } else {
        assert.equal(r.status, 403, `${method} ${path} as ${role} must be refused`);
        assert.equal(r.json.error.code, 'forbidden');
      }
      checked += 1;
    }
  }
  assert.ok(checked >= 34 * 5);
});

test('a resident reaching someone else\'s person gets 404', async () => {
  const other = await loginResident(srv.base);
  for (const [m, p] of [['GET', ''], ['GET', '/code'], ['GET', '/paper-code'], ['PATCH', ''],
    ['POST', '/checkins'], ['POST', '/appeals']]) {
    const r = await call(srv.base, m, `/api/v1/persons/${ids.person}${p}`, { body: m === 'GET' ? undefined : {}, token: other });
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.equal(r.json.error.code, 'not_found');
  }
});

test('JSON errors: 404, 405 with Allow, 400, 413, 422', async () => {
  const nf = await call(srv.base, 'GET', '/api/v1/no/such/thing');
  assert.equal(nf.status, 404);
  assert.equal(nf.json.error.code, 'not_found');
  for (const m of ['PUT', 'DELETE', 'PATCH', 'POST']) {
    const r = await call(srv.base, m, '/api/v1/keys', { body: m === 'DELETE' ? undefined : {} });
    assert.equal(r.status, 405, m);
    assert.equal(r.json.error.code, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET');
  }
  const bad = await call(srv.base, 'POST', '/api/v1/declarations', { body: '{"person":', raw: true, token: tokens.resident });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'bad_json');
  for (const size of [70 * 1024, 300 * 1024]) {
    const big = await call(srv.base, 'POST', '/api/v1/verify', { body: JSON.stringify({ qr: 'A'.repeat(size) }), raw: true, token: tokens.verifier });
    assert.equal(big.status, 413, `${size} bytes`);
    assert.equal(big.json.error.code, 'too_large');
  }
  const inv = await call(srv.base, 'POST', '/api/v1/declarations', { body: { person: { name: '' }, commitment: false }, token: tokens.resident });
  assert.equal(inv.status, 422);
  assert.ok(inv.json.errors.length >= 3, 'all field errors at once');
  for (const e of inv.json.errors) assert.ok(e.field && e.code && e.message, JSON.stringify(e));
  // The server is still healthy after all that.
  assert.equal((await call(srv.base, 'GET', '/healthz')).status, 200);
});

test('SPEC §5 shapes: keys, rules, verify, code', async () => {
  const keys = await call(srv.base, 'GET', '/api/v1/keys');
  assert.equal(keys.json.issuer, 'ankang-local');
  for (const k of keys.json.keys) {
    assert.equal(k.alg, 'EdDSA');
    assert.equal(k.crv, 'Ed25519');
    assert.match(k.kid, /^[A-Za-z0-9_-]{11}$/);
    assert.equal(Buffer.from(k.x, 'base64url').length, 32);
    assert.ok('not_before' in k && 'not_after' in k);
  }
  const rules = await call(srv.base, 'GET', '/api/v1/rules');
  assert.ok(rules.json.id && rules.json.version && Array.isArray(rules.json.rules));
  const code = await call(srv.base, 'GET', `/api/v1/persons/${ids.person}/code`, { token: tokens.resident });
  for (const f of ['color', 'reasons', 'advice', 'issued_at', 'valid_until', 'streak', 'rules_version', 'qr']) {
    assert.ok(f in code.json, f);
  }
  assert.match(code.json.issued_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  const v = await call(srv.base, 'POST', '/api/v1/verify', { body: { qr: code.json.qr }, token: tokens.verifier });
  for (const f of ['valid', 'status', 'color', 'name_masked', 'id_tail', 'valid_until']) assert.ok(f in v.json, f);
  assert.equal(v.json.status, 'current');
  // The verifier sees nothing else about the person.
  assert.ok(!('person_id' in v.json) && !('reasons' in v.json) && !('name' in v.json));
  const paper = await fetch(`${srv.base}/api/v1/persons/${ids.person}/paper-code`, { headers: { Authorization: `Bearer ${tokens.resident}` } });
  assert.match(paper.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(await paper.text(), /<svg/);
});

test('static files: types, app paths, no traversal, security headers', async () => {
  const types = { '/': /text\/html/, '/staff': /text\/html/, '/v/abc123': /text\/html/, '/app.js': /javascript/,
    '/sub/x.mjs': /javascript/, '/ankang_core.wasm': /^application\/wasm$/, '/style.css': /text\/css/,
    '/icon.svg': /image\/svg\+xml/, '/data.json': /application\/json/ };
  for (const [p, re] of Object.entries(types)) {
    const r = await fetch(srv.base + p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), re, p);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.ok(r.headers.get('cache-control'), p);
  }
  assert.equal(await (await fetch(`${srv.base}/v/xyz`)).text(), 'visit page');
  assert.equal((await fetch(`${srv.base}/review`)).status, 404);  // no review.html in this folder
  assert.equal((await fetch(`${srv.base}/nope.js`)).status, 404);
  assert.equal((await call(srv.base, 'POST', '/index.html', { body: {} })).status, 405);
  // A raw request line (fetch would normalise the dots away).
  for (const p of ['/../../etc/passwd', '/sub/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/.hidden']) {
    const status = await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: srv.port, path: p, method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 404, p);
  }
  const api = await fetch(`${srv.base}/api/v1/keys`);
  assert.match(api.headers.get('content-security-policy'), /default-src 'self'/);
});

test('healthz and metrics', async () => {
  const h = await call(srv.base, 'GET', '/healthz');
  assert.equal(h.json.status, 'ok');
  assert.ok(h.json.schema_version >= 1);
  const m = await fetch(`${srv.base}/metrics`);
  assert.match(m.headers.get('content-type'), /^text\/plain/);
  const text = await m.text();
  assert.match(text, /# TYPE ankang_http_requests_total counter/);
  assert.match(text, /ankang_http_requests_total\{method="POST",route="\/api\/v1\/declarations",status="201"\} \d+/);
  assert.match(text, /ankang_codes_issued_total\{color="green"\} [1-9]/);
  assert.match(text, /ankang_declarations_total [1-9]/);
  assert.match(text, /ankang_persons_by_color\{color="green"\} [1-9]/);
  assert.ok(!/\/persons\/[A-Za-z0-9_-]{16}/.test(text), 'route patterns, not paths with ids');
});

test('rule-set activation: 202 at once, the recolouring job\'s progress reaches its total', async () => {
  const admin = { token: tokens.admin };
  const act = await call(srv.base, 'POST', '/api/v1/admin/rulesets/preset:hangzhou/activate', { body: {}, ...admin });
  assert.equal(act.status, 202, act.text);
  assert.equal(act.json.active, true);
  assert.equal((await call(srv.base, 'GET', '/api/v1/rules')).json.id, 'hangzhou');  // in force at once
  let job = act.json.job;
  assert.equal(job.kind, 'ruleset');
  assert.equal(job.subject, 'preset:hangzhou');
  assert.ok(['queued', 'running', 'finished'].includes(job.state), job.state);
  for (let i = 0; i < 200 && !['finished', 'superseded', 'failed'].includes(job.state); i++) {
    await new Promise((t) => setTimeout(t, 50));
    const r = await call(srv.base, 'GET', `/api/v1/admin/recolour-jobs/${job.job_id}`, admin);
    assert.equal(r.status, 200, r.text);
    job = r.json;
  }
  assert.equal(job.state, 'finished');
  assert.ok(job.total >= 2, JSON.stringify(job));
  assert.equal(job.done, job.total);
  assert.ok(job.counts.total >= 1 && job.counts.total <= job.total);
  assert.ok(job.started_at && job.finished_at && job.created_at);
  assert.equal(typeof job.rate, 'number');
  const list = await call(srv.base, 'GET', '/api/v1/admin/recolour-jobs', admin);
  assert.equal(list.json.jobs[0].job_id, job.job_id);
  const missing = await call(srv.base, 'GET', '/api/v1/admin/recolour-jobs/job_nope', admin);
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'not_found');
  const audit = await call(srv.base, 'GET', `/api/v1/admin/audit-log?action=recolour.finished&target=${job.job_id}`, admin);
  assert.equal(audit.json.entries.length, 1);
  const back = await call(srv.base, 'POST', '/api/v1/admin/rulesets/preset:default/activate', { body: {}, ...admin });
  assert.equal(back.status, 202);
});
