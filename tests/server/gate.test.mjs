// Issue 12 through the real binary: offline codes beside the screen code.
// The logic has Catch2 cases in gate_test.cc.
// Run: node --test tests/server/gate.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call, loginResident, loginStaff, residentId } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); srv.cleanup(); });

const api = (method, path, opts) => call(srv.base, method, `/api/v1${path}`, opts);

function declaration(id) {
  return {
    person: { name: '蒋小鱼', id_type: 'resident_id', id_number: id, phone: '13800000000', nationality: 'CHN',
      region: '370102', address: '历下区泉城路1号', relation: 'self' },
    health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  };
}

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
