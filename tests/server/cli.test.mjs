// The binary's command line (SPEC §8): --help, what exists only with --dev,
// staff add (password from stdin), keys rotate (old tokens still verify),
// purge and wipe; the OTP webhook sender; no ID or phone number in any log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, call, loginResident, loginStaff, declaration, serverBin, tempDir, sqlite,
  newPhone, newId } from './lib.mjs';

test('--help lists the flags of SPEC §8 and the subcommands', () => {
  const out = execFileSync(serverBin, ['--help']).toString();
  for (const f of ['--host', '--port', '--data', '--db', '--web', '--dev', '--dev-password', '--tz',
    '--rules', '--otp-webhook', 'staff add', 'keys rotate', 'purge', 'wipe']) {
    assert.ok(out.includes(f), f);
  }
  const bad = spawnSync(serverBin, ['--no-such-flag']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.toString(), /unknown argument/);
});

test('without --dev: no dev clock, no dev codes, no dev staff; staff add from stdin', async () => {
  const data = tempDir();
  const add = spawnSync(serverBin, ['staff', 'add', '--username', 'gate1', '--role', 'verifier', '--data', data],
    { input: 'a long gate password\n' });
  assert.equal(add.status, 0, add.stderr.toString());
  const again = spawnSync(serverBin, ['staff', 'add', '--username', 'gate1', '--role', 'verifier', '--data', data],
    { input: 'another password\n' });
  assert.equal(again.status, 1);
  const srv = await startServer({ dev: false, data });
  try {
    assert.equal((await call(srv.base, 'POST', '/api/v1/dev/clock', { body: { now: '2026-11-21T08:00:00+08:00' } })).status, 404);
    assert.equal((await call(srv.base, 'GET', '/api/v1/dev/clock')).status, 404);
    const otp = await call(srv.base, 'POST', '/api/v1/auth/otp', { body: { phone: newPhone() } });
    assert.equal(otp.status, 202);
    assert.deepEqual(Object.keys(otp.json).sort(), ['expires_in', 'sent']);
    assert.equal((await call(srv.base, 'POST', '/api/v1/auth/staff', { body: { username: 'admin', password: 'ankang-dev' } })).status, 401);
    const gate = await call(srv.base, 'POST', '/api/v1/auth/staff', { body: { username: 'gate1', password: 'a long gate password' } });
    assert.equal(gate.status, 200);
    assert.equal(gate.json.role, 'verifier');
    assert.equal((await call(srv.base, 'GET', '/healthz')).json.dev, false);
    for (const f of ['data.key', 'hmac.key', 'signing-keys.json']) {
      assert.equal(statSync(join(data, f)).mode & 0o777, 0o600, f);
    }
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('keys rotate: a new kid signs, tokens of the old key still verify', async () => {
  const data = tempDir();
  let srv = await startServer({ data });
  const tok = await loginResident(srv.base);
  const d = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tok });
  const oldQr = d.json.code.qr;
  const oldKid = (await call(srv.base, 'GET', '/api/v1/keys')).json.keys[0].kid;
  await srv.stop();
  const out = execFileSync(serverBin, ['keys', 'rotate', '--data', data]).toString();
  assert.match(out, /new signing key/);
  srv = await startServer({ data });
  try {
    const keys = (await call(srv.base, 'GET', '/api/v1/keys')).json.keys;
    assert.equal(keys.length, 2);
    assert.ok(keys.some((k) => k.kid === oldKid && k.not_after));
    const ver = await loginStaff(srv.base, 'verifier');
    const v = await call(srv.base, 'POST', '/api/v1/verify', { body: { qr: oldQr }, token: ver });
    assert.equal(v.json.status, 'current', 'a token of the old key verifies until it expires');
    const fresh = await call(srv.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tok });
    const newKid = keys.find((k) => k.kid !== oldKid).kid;
    assert.equal((await call(srv.base, 'POST', '/api/v1/verify', { body: { qr: fresh.json.qr }, token: ver })).json.status, 'current');
    assert.notEqual(fresh.json.qr, oldQr);
    assert.ok(newKid);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('purge removes old declarations; wipe removes all personal data', async () => {
  const data = tempDir();
  const srv = await startServer({ data });
  const tok = await loginResident(srv.base);
  await call(srv.base, 'POST', '/api/v1/dev/clock', { body: { now: '2026-01-01T08:00:00+08:00' } });
  const old = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tok });
  await call(srv.base, 'POST', '/api/v1/dev/clock', { body: { reset: true } });
  const recent = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration({ name: '新人' , relation: 'child' }), token: tok });
  assert.equal(recent.status, 201);
  await srv.stop();
  const db = join(data, 'ankang.db');
  assert.equal(sqlite(db, 'SELECT COUNT(*) FROM declarations;'), '2');
  assert.match(execFileSync(serverBin, ['purge', '--older-than-days', '30', '--data', data]).toString(), /purged/);
  assert.equal(sqlite(db, `SELECT id FROM declarations;`), recent.json.declaration_id);
  assert.notEqual(old.json.declaration_id, recent.json.declaration_id);
  assert.equal(spawnSync(serverBin, ['wipe', '--data', data]).status, 2, 'wipe wants --yes');
  execFileSync(serverBin, ['wipe', '--yes', '--data', data]);
  for (const t of ['persons', 'declarations', 'accounts', 'guardianships', 'sessions']) {
    assert.equal(sqlite(db, `SELECT COUNT(*) FROM ${t};`), '0', t);
  }
  assert.equal(sqlite(db, 'PRAGMA integrity_check;'), 'ok');
  srv.cleanup();
});

test('OTP webhook gets the code; logs never show a full phone or ID number', async () => {
  const received = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(body) }); res.end('ok'); });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${hook.address().port}/sms`;
  const data = tempDir();
  const srv = await startServer({ data, args: ['--otp-webhook', url], quiet: false });
  try {
    const phone = newPhone();
    const id = newId();
    const otp = await call(srv.base, 'POST', '/api/v1/auth/otp', { body: { phone } });
    assert.equal(otp.status, 202, otp.text);
    // Queued at once, handed to the gateway by the sender's own thread.
    for (let i = 0; i < 250 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(received.length, 1);
    assert.equal(received[0].path, '/sms');
    assert.match(received[0].type, /application\/json/);
    assert.equal(received[0].body.phone, phone);
    assert.equal(received[0].body.code, otp.json.dev_code);
    const login = await call(srv.base, 'POST', '/api/v1/auth/login', { body: { phone, code: received[0].body.code } });
    assert.equal(login.status, 200);
    const d = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration({ id }), token: login.json.token });
    assert.equal(d.status, 201);
    await call(srv.base, 'POST', '/api/v1/declarations', { body: { ...declaration({ id: id.slice(0, 17) + 'Q' }) }, token: login.json.token });
    const log = srv.log();
    assert.match(log, /POST \/api\/v1\/declarations 201/, 'the access log is on');
    assert.match(log, /otp to 136\*\*\*\*\d{4} via webhook: accepted/);
    assert.ok(!log.includes(phone), 'no full phone number in the log');
    assert.ok(!log.includes(id), 'no ID number in the log');
    assert.ok(!log.includes(received[0].body.code), 'no one-time code in the log');
  } finally {
    await srv.stop();
    srv.cleanup();
    hook.close();
  }
});

test('a failing webhook: the code is queued (202), tried 3 times with back-off, then given up (logged)', async () => {
  let attempts = 0;
  const hook = createServer((req, res) => { attempts += 1; req.resume(); res.statusCode = 500; res.end(); });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const srv = await startServer({ quiet: false, args: ['--otp-webhook', `http://127.0.0.1:${hook.address().port}/sms`] });
  try {
    const phone = newPhone();
    const r = await call(srv.base, 'POST', '/api/v1/auth/otp', { body: { phone } });
    assert.equal(r.status, 202);
    for (let i = 0; i < 500 && !/given up/.test(srv.log()); i++) await new Promise((t) => setTimeout(t, 20));
    assert.match(srv.log(), /otp to 136\*{4}\d{4} via webhook: failed \(answered 500\), given up after 3 attempts/);
    assert.equal(attempts, 3);
    assert.ok(!srv.log().includes(phone));
  } finally {
    await srv.stop();
    srv.cleanup();
    hook.close();
  }
});
