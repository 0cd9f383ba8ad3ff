// Staff sign-in against the real binary without --dev (accounts made with
// `staff add`, password on stdin): back-off per username and per address
// (429 with Retry-After, even for the right password), an audit entry per
// failure, the admin's unlock, sessions ended by a password change or by
// disabling, the admin TOTP second factor (codes computed here, RFC 6238 with
// node:crypto) and --require-admin-totp with its `staff totp` bootstrap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { startServer, call, serverBin, tempDir, sqlite } from './lib.mjs';

const ROOT_PW = 'root password 123';
const GATE_PW = 'gate password 123';

function staffAdd(data, username, role, password) {
  const r = spawnSync(serverBin, ['staff', 'add', '--username', username, '--role', role, '--data', data],
    { input: `${password}\n` });
  assert.equal(r.status, 0, r.stderr.toString());
}

async function withServer(fn, args = []) {
  const data = tempDir();
  staffAdd(data, 'root', 'admin', ROOT_PW);
  staffAdd(data, 'gate', 'verifier', GATE_PW);
  const srv = await startServer({ dev: false, data, args });
  try {
    await fn(srv, data);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
}

const signIn = (srv, username, password, totp) =>
  call(srv.base, 'POST', '/api/v1/auth/staff', { body: { username, password, ...(totp ? { totp } : {}) } });

async function token(srv, username, password, totp) {
  const r = await signIn(srv, username, password, totp);
  assert.equal(r.status, 200, r.text);
  return r.json.token;
}

async function staffRow(srv, admin, username) {
  const r = await call(srv.base, 'GET', '/api/v1/admin/staff', { token: admin });
  assert.equal(r.status, 200);
  return r.json.find((s) => s.username === username);
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) at unix time `at`.
function totp(secretB32, at = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', base32Decode(secretB32)).update(counter).digest();
  const off = mac[mac.length - 1] & 15;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1e6;
  return String(n).padStart(6, '0');
}

test('10 wrong passwords -> 429; the right one during back-off -> 429; each failure audited; admin unlocks', async () => {
  await withServer(async (srv) => {
    const admin = await token(srv, 'root', ROOT_PW);
    const codes = [];
    for (let i = 0; i < 10; i++) {
      const r = await signIn(srv, 'gate', `wrong guess ${i}`);
      codes.push(r.status);
      if (r.status === 429) {
        const wait = Number(r.headers.get('retry-after'));
        assert.ok(wait >= 1 && wait <= 30, `Retry-After ${wait}`);
        assert.equal(r.json.error.code, 'sign_in_locked');
      } else {
        assert.equal(r.json.error.code, 'bad_credentials');
      }
    }
    assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    const right = await signIn(srv, 'gate', GATE_PW);
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers.get('retry-after')) > 0);
    assert.ok(!('token' in (right.json || {})));

    const gate = await staffRow(srv, admin, 'gate');
    assert.equal(gate.failures, 5);
    assert.ok(gate.locked_until, 'locked_until set');
    const root = await staffRow(srv, admin, 'root');
    assert.equal(root.failures, 0);
    assert.equal(root.locked_until, null);

    const audit = await call(srv.base, 'GET',
      `/api/v1/admin/audit-log?action=staff.login_failed&target=${gate.staff_id}&limit=100`, { token: admin });
    assert.equal(audit.status, 200);
    const entries = audit.json.entries;
    assert.equal(entries.length, 11);  // 10 wrong + the right one while locked
    const reasons = entries.map((e) => JSON.parse(e.detail).reason).sort();
    assert.deepEqual(reasons, [...Array(5).fill('bad_password'), ...Array(6).fill('locked')]);
    for (const e of entries) {
      assert.ok(!e.detail.includes('wrong guess') && !e.detail.includes(GATE_PW), e.detail);
      assert.equal(JSON.parse(e.detail).address, '127.0.0.1');
    }

    // An unknown username: the same answers; audited under the username's hash.
    const ghost = await signIn(srv, 'ghost', 'whatever it is');
    assert.equal(ghost.status, 401);
    assert.equal(ghost.json.error.code, 'bad_credentials');
    const all = await call(srv.base, 'GET', '/api/v1/admin/audit-log?action=staff.login_failed&limit=100', { token: admin });
    const ghostEntries = all.json.entries.filter((e) => e.target.startsWith('username:'));
    assert.equal(ghostEntries.length, 1);
    assert.ok(!ghostEntries[0].target.includes('ghost'));

    // The admin unlocks: audited; the right password works again.
    const unlock = await call(srv.base, 'POST', `/api/v1/admin/staff/${gate.staff_id}/unlock`, { token: admin });
    assert.equal(unlock.status, 200);
    assert.equal(unlock.json.failures, 0);
    assert.equal(unlock.json.locked_until, null);
    const unlocked = await call(srv.base, 'GET', `/api/v1/admin/audit-log?action=staff.unlock&target=${gate.staff_id}`, { token: admin });
    assert.equal(unlocked.json.entries.length, 1);
    assert.equal(unlocked.json.entries[0].actor, 'staff:root');
    assert.equal((await signIn(srv, 'gate', GATE_PW)).status, 200);
    // Only an admin may unlock.
    const gateToken = await token(srv, 'gate', GATE_PW);
    assert.equal((await call(srv.base, 'POST', `/api/v1/admin/staff/${gate.staff_id}/unlock`, { token: gateToken })).status, 403);
  });
});

test('one address guessing at many usernames is locked too', async () => {
  await withServer(async (srv) => {
    for (let i = 0; i < 20; i++) assert.equal((await signIn(srv, `user${i}`, 'not the password')).status, 401);
    const r = await signIn(srv, 'root', ROOT_PW);  // another username, the right password
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  });
});

test('a password change or disabling ends the account\'s sessions at once', async () => {
  await withServer(async (srv, data) => {
    const admin = await token(srv, 'root', ROOT_PW);
    const a = await token(srv, 'gate', GATE_PW);
    const b = await token(srv, 'gate', GATE_PW);
    const me = (t) => call(srv.base, 'GET', '/api/v1/me', { token: t });
    assert.equal((await me(a)).status, 200);
    const id = (await staffRow(srv, admin, 'gate')).staff_id;
    const db = join(data, 'ankang.db');
    assert.equal(sqlite(db, `SELECT COUNT(*) FROM sessions WHERE subject_id = '${id}'`), '2');
    const patch = await call(srv.base, 'PATCH', `/api/v1/admin/staff/${id}`, { token: admin, body: { password: 'a new gate password' } });
    assert.equal(patch.status, 200);
    assert.equal((await me(a)).status, 401);
    assert.equal((await me(b)).status, 401);
    assert.equal(sqlite(db, `SELECT COUNT(*) FROM sessions WHERE subject_id = '${id}'`), '0');
    assert.equal((await signIn(srv, 'gate', GATE_PW)).status, 401);
    const c = await token(srv, 'gate', 'a new gate password');
    assert.equal((await me(c)).status, 200);
    assert.equal((await me(admin)).status, 200);  // other accounts keep theirs

    assert.equal((await call(srv.base, 'PATCH', `/api/v1/admin/staff/${id}`, { token: admin, body: { disabled: true } })).status, 200);
    assert.equal((await me(c)).status, 401);
    assert.equal(sqlite(db, `SELECT COUNT(*) FROM sessions WHERE subject_id = '${id}'`), '0');
    const audit = await call(srv.base, 'GET', `/api/v1/admin/audit-log?action=staff.update&target=${id}`, { token: admin });
    const details = audit.json.entries.map((e) => JSON.parse(e.detail));
    assert.ok(details.some((d) => d.password_changed && d.sessions_ended === 2));
    assert.ok(details.some((d) => d.disabled && d.sessions_ended === 1));
    assert.ok(audit.json.entries.every((e) => !e.detail.includes('a new gate password')));
  });
});

test('admin TOTP: enrol with a first code, then sign in with a code computed here', async () => {
  await withServer(async (srv) => {
    const admin = await token(srv, 'root', ROOT_PW);
    const setup = await call(srv.base, 'POST', '/api/v1/auth/staff/totp', { token: admin });
    assert.equal(setup.status, 200, setup.text);
    const { secret, otpauth_url: url } = setup.json;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.ok(url.startsWith('otpauth://totp/') && url.includes(`secret=${secret}`), url);
    assert.equal((await staffRow(srv, admin, 'root')).totp, 'pending');
    // Not yet enrolled: signing in still needs only the password.
    assert.equal((await signIn(srv, 'root', ROOT_PW)).status, 200);
    const now = Date.now() / 1000;
    const bad = await call(srv.base, 'POST', '/api/v1/auth/staff/totp/confirm', { token: admin, body: { code: totp(secret, now - 3600) } });
    assert.equal(bad.status, 401);
    const ok = await call(srv.base, 'POST', '/api/v1/auth/staff/totp/confirm', { token: admin, body: { code: totp(secret, now) } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await staffRow(srv, admin, 'root')).totp, 'enrolled');
    assert.equal((await call(srv.base, 'POST', '/api/v1/auth/staff/totp', { token: admin })).status, 409);
    // Verifiers have no TOTP routes.
    const gate = await token(srv, 'gate', GATE_PW);
    assert.equal((await call(srv.base, 'POST', '/api/v1/auth/staff/totp', { token: gate })).status, 403);

    const without = await signIn(srv, 'root', ROOT_PW);
    assert.equal(without.status, 401);
    assert.equal(without.json.error.code, 'totp_required');
    const wrong = await signIn(srv, 'root', ROOT_PW, totp(secret, now - 3600));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'bad_totp');
    assert.match((await signIn(srv, 'root', 'wrong password', totp(secret, now + 30))).text, /bad_credentials/);
    // The code already used for enrolling is not accepted again; the next step's is.
    assert.match((await signIn(srv, 'root', ROOT_PW, totp(secret, now))).text, /bad_totp/);
    const good = await signIn(srv, 'root', ROOT_PW, totp(secret, now + 30));
    assert.equal(good.status, 200, good.text);
    assert.equal(good.json.role, 'admin');
    const reasons = (await call(srv.base, 'GET', '/api/v1/admin/audit-log?action=staff.login_failed&limit=100', { token: good.json.token }))
      .json.entries.map((e) => JSON.parse(e.detail).reason).sort();
    assert.deepEqual(reasons, ['bad_password', 'bad_totp', 'bad_totp', 'totp_required']);
    // Another admin's lost authenticator: root resets it, audited; password alone works again.
    const made = await call(srv.base, 'POST', '/api/v1/admin/staff', { token: good.json.token,
      body: { username: 'deputy', role: 'admin', password: 'deputy password 1' } });
    assert.equal(made.status, 201);
    const deputy = await token(srv, 'deputy', 'deputy password 1');
    const s2 = (await call(srv.base, 'POST', '/api/v1/auth/staff/totp', { token: deputy })).json.secret;
    assert.notEqual(s2, secret);
    assert.equal((await call(srv.base, 'POST', '/api/v1/auth/staff/totp/confirm', { token: deputy, body: { code: totp(s2) } })).status, 200);
    assert.match((await signIn(srv, 'deputy', 'deputy password 1')).text, /totp_required/);
    const reset = await call(srv.base, 'DELETE', `/api/v1/admin/staff/${made.json.staff_id}/totp`, { token: good.json.token });
    assert.equal(reset.status, 200);
    assert.equal(reset.json.totp, 'none');
    assert.equal((await signIn(srv, 'deputy', 'deputy password 1')).status, 200);
    assert.equal((await call(srv.base, 'GET', `/api/v1/admin/audit-log?action=staff.totp_reset&target=${made.json.staff_id}`,
      { token: good.json.token })).json.entries.length, 1);

    // TOTP failures count: after enough of them the account is locked.
    for (let i = 0; i < 5; i++) await signIn(srv, 'root', ROOT_PW, totp(secret, now - 7200));
    assert.equal((await signIn(srv, 'root', ROOT_PW, totp(secret, now + 60))).status, 429);
  });
});

test('--require-admin-totp: an admin without TOTP is refused and told how to enrol; `staff totp` enrols', async () => {
  await withServer(async (srv, data) => {
    const r = await signIn(srv, 'root', ROOT_PW);
    assert.equal(r.status, 403);
    assert.match(r.text, /totp_not_enrolled/);
    assert.match(r.text, /ankang-server staff totp --username root/);
    assert.equal((await signIn(srv, 'gate', GATE_PW)).status, 200);  // other roles as before
    const notAdmin = spawnSync(serverBin, ['staff', 'totp', '--username', 'gate', '--data', data]);
    assert.equal(notAdmin.status, 1);
    const cli = spawnSync(serverBin, ['staff', 'totp', '--username', 'root', '--data', data]);
    assert.equal(cli.status, 0, cli.stderr.toString());
    const out = cli.stdout.toString();
    const secret = out.match(/secret ([A-Z2-7]+)/)[1];
    assert.match(out, /otpauth:\/\/totp\//);
    assert.match((await signIn(srv, 'root', ROOT_PW)).text, /totp_required/);
    const ok = await signIn(srv, 'root', ROOT_PW, totp(secret));
    assert.equal(ok.status, 200, ok.text);
    const audit = await call(srv.base, 'GET', '/api/v1/admin/audit-log?action=staff.totp_enrol', { token: ok.json.token });
    assert.equal(audit.json.entries.length, 1);
    assert.equal(audit.json.entries[0].actor, 'cli');
    assert.ok(!audit.json.entries[0].detail.includes(secret));
  }, ['--require-admin-totp']);
});
