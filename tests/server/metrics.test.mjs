// /metrics and the JSON access log through the real binary: a declaration, a
// code display and two verifications move the counters by exactly that (route
// pattern, status code, colour, verification status), and --log-format json
// writes one JSON object a line without the phone, ID number, person id or
// token the requests carried. The text format is checked in metrics_test.cc.
// Run: NODE_PATH=/usr/share/nodejs node --test tests/server/metrics.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call, newPhone, loginStaff, declaration, newId } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ quiet: false, args: ['--log-format', 'json'] }); });
after(async () => { await srv.stop(); srv.cleanup(); });

// name{labels} -> value, for every sample line.
async function scrape() {
  const r = await call(srv.base, 'GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const out = new Map();
  for (const line of r.text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const req = (method, route, status) => `method="${method}",route="${route}",status="${status}"`;

test('counters move by exactly what was done; the JSON access log holds no personal data', async () => {
  const phone = newPhone();
  const id = newId();
  const otp = await call(srv.base, 'POST', '/api/v1/auth/otp', { body: { phone } });
  const login = await call(srv.base, 'POST', '/api/v1/auth/login', { body: { phone, code: otp.json.dev_code } });
  const tok = login.json.token;
  const ver = await loginStaff(srv.base, 'verifier');
  const m0 = await scrape();
  const at = (m, key) => m.get(key) ?? 0;

  const d = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration({ id }), token: tok });
  assert.equal(d.status, 201, d.text);
  const person = d.json.person_id;
  const c = await call(srv.base, 'GET', `/api/v1/persons/${person}/code`, { token: tok });
  assert.equal(c.status, 200, c.text);
  const color = c.json.color;
  const good = await call(srv.base, 'POST', '/api/v1/verify', { body: { qr: c.json.qr }, token: ver });
  const bad = await call(srv.base, 'POST', '/api/v1/verify', { body: { qr: 'AK1:not-a-token' }, token: ver });
  assert.equal(good.status, 200);
  assert.equal(bad.status, 200);
  assert.notEqual(good.json.status, bad.json.status);
  const nobody = await call(srv.base, 'GET', `/api/v1/persons/${person}/code`);
  assert.equal(nobody.status, 401);

  const m1 = await scrape();
  const moved = (key) => at(m1, key) - at(m0, key);
  const codeRoute = '/api/v1/persons/{id}/code';
  assert.equal(moved(`ankang_http_requests_total{${req('POST', '/api/v1/declarations', 201)}}`), 1);
  assert.equal(moved(`ankang_http_requests_total{${req('GET', codeRoute, 200)}}`), 1);
  assert.equal(moved(`ankang_http_requests_total{${req('GET', codeRoute, 401)}}`), 1);
  assert.equal(moved(`ankang_http_requests_total{${req('POST', '/api/v1/verify', 200)}}`), 2);
  assert.equal(moved(`ankang_http_requests_total{${req('GET', '/metrics', 200)}}`), 1, 'the first scrape');
  assert.equal(moved(`ankang_http_request_duration_seconds_count{${req('GET', codeRoute, 200)}}`), 1);
  assert.equal(moved(`ankang_http_request_duration_seconds_bucket{${req('POST', '/api/v1/verify', 200)},le="+Inf"}`), 2);
  // The declaration's answer carries the first code, the display the second.
  assert.equal(moved(`ankang_codes_issued_total{color="${color}"}`), 2);
  assert.equal(moved('ankang_tokens_signed_total{kind="screen"}'), 2);
  assert.equal(moved('ankang_declarations_total'), 1);
  assert.equal(moved(`ankang_verifications_total{status="${good.json.status}"}`), 1);
  assert.equal(moved(`ankang_verifications_total{status="${bad.json.status}"}`), 1);
  for (const key of m1.keys()) {
    assert.ok(!key.includes(person), `no person id in ${key}`);
    assert.match(key.replace(/\{.*$/, ''), /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
  }
  for (const gauge of ['ankang_sms_waiting', 'ankang_pool_waiting{pool="password"}', 'ankang_write_behind_queued',
    'ankang_recolour_jobs{state="running"}', 'process_resident_memory_bytes', 'process_start_time_seconds',
    'process_open_fds', 'ankang_db_write_behind_flush_seconds_count']) {
    assert.ok(m1.has(gauge), gauge);
  }
  assert.ok(m1.get('process_resident_memory_bytes') > 1e6);

  // The access log: stdout lines after a request is answered.
  await new Promise((r) => setTimeout(r, 200));
  const lines = srv.log().split('\n').filter((l) => l.startsWith('{'));
  assert.ok(lines.length >= 8, srv.log());
  const entries = lines.map((l) => JSON.parse(l));
  for (const e of entries) {
    assert.deepEqual(Object.keys(e), ['time', 'method', 'route', 'status', 'duration_ms', 'bytes']);
    assert.ok(!Number.isNaN(Date.parse(e.time)));
    assert.equal(typeof e.duration_ms, 'number');
  }
  const codeLines = entries.filter((e) => e.route === codeRoute);
  assert.deepEqual(codeLines.map((e) => e.status).sort(), [200, 401]);
  const log = srv.log();
  for (const secret of [phone, id, person, tok, ver, '13800000000']) {
    assert.ok(!log.includes(secret), `the log holds ${secret}`);
  }
});

test('--log-format wants text or json', async () => {
  const { spawnSync } = await import('node:child_process');
  const { serverBin, tempDir } = await import('./lib.mjs');
  const r = spawnSync(serverBin, ['--log-format', 'xml', '--data', tempDir()]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr.toString() + r.stdout.toString(), /--log-format wants text or json/);
  const help = spawnSync(serverBin, ['--help']).stdout.toString();
  assert.match(help, /--log-format FORMAT/);
});
