// Issue 12 through the real binary (the Pistache skin included): device
// sessions in a cookie (Set-Cookie out, the Cookie header Pistache parses on
// its own back in), offline codes beside the screen code, checks by ID number
// with their hourly limit. The logic has Catch2 cases in gate_test.cc.
// Run: node --test tests/server/gate.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call, newPhone, loginResident, loginStaff, residentId } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ args: ['--id-checks-per-hour', '2'] }); });
after(async () => { await srv.stop(); srv.cleanup(); });

const api = (method, path, opts) => call(srv.base, method, `/api/v1${path}`, opts);

function declaration(id) {
  return {
    person: { name: '蒋小鱼', id_type: 'resident_id', id_number: id, phone: '13800000000', nationality: 'CHN',
      region: '370102', address: '历下区泉城路1号', relation: 'self' },
    health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  };
}

test('a device session: Set-Cookie, never the token; the cookie works with the page header only', async () => {
  const phone = newPhone();
  const otp = await api('POST', '/auth/otp', { body: { phone } });
  const login = await api('POST', '/auth/login', { body: { phone, code: otp.json.dev_code, cookie: true } });
  assert.equal(login.status, 200, login.text);
  assert.equal(login.json.token, undefined);
  assert.equal(login.json.session, 'cookie');
  const set = login.headers.get('set-cookie');
  assert.match(set, /^ankang_session=[^;]{32,}; Path=\/api\/; Max-Age=34560000; HttpOnly; SameSite=Strict$/);
  const token = set.slice('ankang_session='.length, set.indexOf(';'));
  // Pistache parses the Cookie header apart: other cookies around ours, any order.
  const cookie = `lang=zh; ankang_session=${token}; theme=dark`;
  assert.equal((await api('GET', '/me', { headers: { Cookie: cookie, 'X-Ankang-Session': 'resident' } })).status, 200);
  assert.equal((await api('GET', '/me', { headers: { Cookie: cookie } })).status, 401, 'not without the page header');
  assert.equal((await api('GET', '/me', { headers: { Cookie: cookie, 'X-Ankang-Session': 'staff' } })).status, 401);
  // Behind https (nginx says so), the cookie is Secure.
  const phone2 = newPhone();
  const otp2 = await api('POST', '/auth/otp', { body: { phone: phone2 } });
  const tls = await api('POST', '/auth/login', {
    body: { phone: phone2, code: otp2.json.dev_code },
    headers: { 'X-Ankang-Session': 'resident', 'X-Forwarded-Proto': 'https' },
  });
  assert.match(tls.headers.get('set-cookie'), /; Secure$/);
  // Signing out deletes the cookie and the session.
  const out = await api('POST', '/auth/logout', { body: {}, headers: { Cookie: cookie, 'X-Ankang-Session': 'resident' } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /^ankang_session=; Path=\/api\/; Max-Age=0;/);
  assert.equal((await api('GET', '/me', { headers: { Cookie: cookie, 'X-Ankang-Session': 'resident' } })).status, 401);
});

test('an offline code comes with ?offline=1 only, and verifies as kind offline', async () => {
  const tok = await loginResident(srv.base);
  const d = await api('POST', '/declarations', { body: declaration(residentId(701, '370102')), token: tok });
  assert.equal(d.status, 201, d.text);
  const path = `/persons/${d.json.person_id}/code`;
  assert.equal((await api('GET', path, { token: tok })).json.offline_code, undefined);
  const c = await api('GET', `${path}?offline=1`, { token: tok });
  const off = c.json.offline_code;
  assert.equal(off.kind, 'offline');
  assert.equal(Date.parse(off.expires_at) - Date.parse(off.issued_at), 24 * 3600e3);
  assert.equal(Date.parse(off.refresh_after) - Date.parse(off.issued_at), 30 * 60e3);
  const ver = await loginStaff(srv.base, 'verifier');
  const v = await api('POST', '/verify', { body: { qr: off.qr }, token: ver });
  assert.equal(v.json.valid, true);
  assert.equal(v.json.kind, 'offline');
  assert.equal(typeof v.json.data_age_seconds, 'number');
  assert.equal((await api('POST', '/verify', { body: { qr: c.json.qr }, token: ver })).json.kind, 'screen');
  const metrics = await (await fetch(`${srv.base}/metrics`)).text();
  assert.match(metrics, /ankang_tokens_signed_total\{kind="offline"\} 1\n/);
});

test('checks by ID number: masked name and colour, then 429 with Retry-After', async () => {
  const tok = await loginResident(srv.base);
  const id = residentId(702, '370102');
  assert.equal((await api('POST', '/declarations', { body: declaration(id), token: tok })).status, 201);
  const ver = await loginStaff(srv.base, 'verifier');
  const a = await api('POST', '/verify/id', { body: { id_type: 'resident_id', id_number: id }, token: ver });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(Object.keys(a.json).sort(), ['checked_at', 'checks_left', 'color', 'found', 'name_masked']);
  assert.equal(a.json.name_masked, '蒋*鱼');
  assert.equal(a.json.color, 'green');
  assert.ok(!a.text.includes(id.slice(-4)));
  assert.equal((await api('POST', '/verify/id', { body: { id_number: 'nope' }, token: ver })).status, 422);
  assert.equal((await api('POST', '/verify/id', { body: { id_number: residentId(703, '370102') }, token: ver })).json.found, false);
  const limited = await api('POST', '/verify/id', { body: { id_number: id }, token: ver });
  assert.equal(limited.status, 429);
  assert.equal(limited.json.error.code, 'too_many_requests');
  assert.ok(Number(limited.headers.get('retry-after')) > 3500);
  assert.equal((await api('POST', '/verify/id', { body: { id_number: id }, token: tok })).status, 403);
});
