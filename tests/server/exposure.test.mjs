// Audit and exposure, against the real binary: /metrics only for loopback
// clients or with --metrics-token; the database (with its -wal and -shm) and
// the key files private to the owner (0600, folder 0700) whatever the umask,
// also for a database an older version left 0644; reads of the review queue,
// the claims and the appeal list audited, as are failed staff sign-ins; no full
// ID or phone number echoed in an error text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, call, serverBin, loginResident, loginStaff, declaration, newId, tempDir } from './lib.mjs';

const TOKEN = 'metrics-token-0123456789abcdef';

test('/metrics: loopback clients only, unless they came through an untrusted proxy; anyone with the token', async () => {
  const plain = await startServer();
  try {
    assert.equal((await call(plain.base, 'GET', '/metrics')).status, 200);
    // An nginx on loopback without --trusted-proxy: the real client is unknown.
    const proxied = await call(plain.base, 'GET', '/metrics', { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    assert.equal(proxied.status, 403);
    assert.equal(proxied.json.error.code, 'forbidden');
    assert.equal((await call(plain.base, 'GET', '/metrics', { token: TOKEN })).status, 200, 'loopback anyway');
  } finally {
    await plain.stop();
    plain.cleanup();
  }
  const srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1', '--metrics-token', TOKEN] });
  try {
    const remote = { 'X-Forwarded-For': '203.0.113.7' };
    const refused = await call(srv.base, 'GET', '/metrics', { headers: remote });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer');
    assert.ok(!refused.text.includes('ankang_'), 'no counters in the refusal');
    assert.equal((await call(srv.base, 'GET', '/metrics', { headers: remote, token: `${TOKEN}x` })).status, 403);
    assert.equal((await call(srv.base, 'GET', '/metrics', { headers: remote, token: TOKEN.slice(0, -1) })).status, 403);
    const ok = await call(srv.base, 'GET', '/metrics', { headers: remote, token: TOKEN });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /ankang_http_requests_total/);
    // Through the trusted local proxy from a local client, and directly on loopback.
    assert.equal((await call(srv.base, 'GET', '/metrics', { headers: { 'X-Forwarded-For': '127.0.0.1' } })).status, 200);
    assert.equal((await call(srv.base, 'GET', '/metrics')).status, 200);
    // /healthz stays public.
    assert.equal((await call(srv.base, 'GET', '/healthz', { headers: remote })).status, 200);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
  const help = spawnSync(serverBin, ['--help']).stdout.toString();
  assert.match(help, /--metrics-token TOKEN/);
  const short = spawnSync(serverBin, ['--metrics-token', 'short', '--data', tempDir()]);
  assert.equal(short.status, 2);
  assert.match(short.stderr.toString(), /at least 16 characters/);
});

function modes(dir) {
  const out = {};
  for (const name of readdirSync(dir)) out[name] = statSync(join(dir, name)).mode & 0o777;
  return out;
}

test('database, -wal, -shm and key files are 0600 and the folder 0700, with umask 022 and for an old 0644 file', async () => {
  const old = process.umask(0o022);  // the server is started with a permissive umask
  const data = tempDir();
  try {
    let srv = await startServer({ data });
    const token = await loginResident(srv.base);
    assert.equal((await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration(), token })).status, 201);
    let m = modes(data);
    for (const f of ['ankang.db', 'ankang.db-wal', 'ankang.db-shm']) assert.ok(f in m, `${f} exists: ${Object.keys(m)}`);
    for (const [f, mode] of Object.entries(m)) {
      const dir = statSync(join(data, f)).isDirectory();
      assert.equal(mode, dir ? 0o700 : 0o600, `${f} is ${mode.toString(8)}`);
    }
    assert.equal(statSync(data).mode & 0o777, 0o700);
    await srv.stop();
    // A database an older version made 0644 is restricted at the next start.
    chmodSync(join(data, 'ankang.db'), 0o644);
    srv = await startServer({ data });
    await loginResident(srv.base);
    m = modes(data);
    assert.equal(m['ankang.db'], 0o600);
    assert.equal(m['ankang.db-wal'], 0o600);
    await srv.stop();
  } finally {
    process.umask(old);
  }
});

test('reads of the review queue, the claims and the appeal list are audited (ids only), as are failed staff sign-ins', async () => {
  const srv = await startServer();
  try {
    const admin = await loginStaff(srv.base, 'admin');
    const issuer = await loginStaff(srv.base, 'issuer');
    assert.equal((await call(srv.base, 'PUT', '/api/v1/admin/review-regions', { token: admin, body: { regions: ['110105'] } })).status, 200);
    const resident = await loginResident(srv.base);
    const d = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration({ name: '孙审核' }), token: resident });
    assert.equal(d.status, 201, d.text);
    const person = d.json.person_id;
    assert.equal((await call(srv.base, 'POST', `/api/v1/persons/${person}/appeals`,
      { token: resident, body: { topic: 'color', message: 'please check' } })).status, 201);
    const pending = await call(srv.base, 'GET', '/api/v1/review/pending', { token: issuer });
    assert.ok(pending.json.some((p) => p.person_id === person), pending.text);
    assert.equal((await call(srv.base, 'GET', '/api/v1/review/claims', { token: issuer })).status, 200);
    assert.equal((await call(srv.base, 'GET', '/api/v1/admin/appeals?state=open', { token: admin })).status, 200);
    const bad = await call(srv.base, 'POST', '/api/v1/auth/staff', { body: { username: 'issuer', password: 'a wrong password' } });
    assert.equal(bad.status, 401);
    const entries = async (action) =>
      (await call(srv.base, 'GET', `/api/v1/admin/audit-log?action=${action}&limit=100`, { token: admin })).json.entries;
    const [review] = await entries('review.read');
    assert.equal(review.actor, 'staff:issuer');
    assert.deepEqual(JSON.parse(review.detail), { count: pending.json.length, persons: pending.json.map((p) => p.person_id) });
    const [claims] = await entries('claim.read');
    assert.equal(claims.actor, 'staff:issuer');
    assert.equal(JSON.parse(claims.detail).count, 0);
    const [appeals] = await entries('appeal.read');
    assert.equal(appeals.actor, 'staff:admin');
    assert.deepEqual(JSON.parse(appeals.detail), { state: 'open', count: 1, persons: [person] });
    const [failed] = await entries('staff.login_failed');
    assert.equal(JSON.parse(failed.detail).reason, 'bad_password');
    const all = JSON.stringify(await entries(''));
    assert.ok(!all.includes('孙审核') && !all.includes('a wrong password'), 'ids only');
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('no full ID or phone number in an error text: imports and region lists echo them masked', async () => {
  const srv = await startServer();
  try {
    const admin = await loginStaff(srv.base, 'admin');
    const id = newId();
    const badId = `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;  // wrong check character
    const phone = '13912345678';
    const csv = [
      'id_type,id_number,status,since',
      `${id},confirmed,2026-01-01`,  // the id_type column left out: the ID lands in id_type
      `resident_id,${badId},confirmed,2026-01-01`,
      `resident_id,${id},${phone}`,  // a phone number in the status column
    ].join('\n');
    const cases = await call(srv.base, 'POST', '/api/v1/admin/case-status/import', { token: admin, body: { csv } });
    assert.equal(cases.json.errors.length, 3, cases.text);
    const risk = await call(srv.base, 'POST', '/api/v1/admin/risk-areas/import',
      { token: admin, body: { csv: `region,level\n${phone},high\n${id},low` } });
    assert.equal(risk.json.errors.length, 2, risk.text);
    const put = await call(srv.base, 'PUT', '/api/v1/admin/risk-areas', { token: admin, body: { areas: [{ region: id, level: 'high' }] } });
    assert.equal(put.status, 422);
    const review = await call(srv.base, 'PUT', '/api/v1/admin/review-regions', { token: admin, body: { regions: [phone] } });
    assert.equal(review.status, 422);
    for (const r of [cases, risk, put, review]) {
      for (const secret of [id, badId, phone]) assert.ok(!r.text.includes(secret), `${secret} in ${r.text}`);
    }
    // What the admin needs to find the line stays: the line number and the masked value.
    assert.match(JSON.stringify(cases.json.errors), new RegExp(`${id.slice(0, 4)}\\*+${id.slice(-4)}`));
    assert.match(JSON.stringify(risk.json.errors), /139\*+5678|\*+5678/);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});
