// A resident's copy of their data (GET /api/v1/me/export): everything held
// about the account's persons, decrypted for them only, nothing of others,
// and the export itself audited.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call, loginResident, loginStaff, declaration, newId } from './lib.mjs';

const srv = await startServer();
after(async () => { await srv.stop(); srv.cleanup(); });

test('a resident exports everything held about their persons, and only theirs', async () => {
  const tok = await loginResident(srv.base);
  const id = newId();
  const self = await call(srv.base, 'POST', '/api/v1/declarations',
    { token: tok, body: declaration({ name: '周小明', id, temperature: 36.8 }) });
  assert.equal(self.status, 201, self.text);
  const pid = self.json.person_id;
  const ci = await call(srv.base, 'POST', `/api/v1/persons/${pid}/checkins`,
    { token: tok, body: { temperature: 36.6, symptoms: [] } });
  assert.equal(ci.status, 201, ci.text);
  const kid = await call(srv.base, 'POST', '/api/v1/declarations',
    { token: tok, body: declaration({ name: '周小红', relation: 'child' }) });
  assert.equal(kid.status, 201, kid.text);
  const appeal = await call(srv.base, 'POST', `/api/v1/persons/${pid}/appeals`,
    { token: tok, body: { topic: 'color', message: '我已经退烧三天了' } });
  assert.equal(appeal.status, 201, appeal.text);

  // Someone else's person must not appear.
  const other = await loginResident(srv.base);
  const o = await call(srv.base, 'POST', '/api/v1/declarations',
    { token: other, body: declaration({ name: '吴别人' }) });
  assert.equal(o.status, 201, o.text);

  const ex = await call(srv.base, 'GET', '/api/v1/me/export', { token: tok });
  assert.equal(ex.status, 200, ex.text);
  assert.match(ex.headers.get('content-disposition') || '', /attachment/);
  assert.equal(ex.headers.get('cache-control'), 'no-store');
  const names = ex.json.persons.map((p) => p.name).sort();
  assert.deepEqual(names, ['周小明', '周小红']);
  const me = ex.json.persons.find((p) => p.person_id === pid);
  assert.equal(me.id_number, id, 'the guardian gets the full ID number in their own copy');
  assert.equal(me.relation, 'self');
  assert.equal(me.declarations.length, 1);
  assert.equal(me.declarations[0].declaration.health.temperature, 36.8);
  assert.equal(me.checkins.length, 1);
  assert.equal(me.checkins[0].temperature, 36.6);
  assert.equal(ex.json.appeals.length, 1);
  assert.ok(!ex.text.includes('吴别人'));

  // Staff and anonymous callers cannot use it; the export is in the audit log.
  const admin = await loginStaff(srv.base, 'admin');
  assert.equal((await call(srv.base, 'GET', '/api/v1/me/export', { token: admin })).status, 403);
  assert.equal((await call(srv.base, 'GET', '/api/v1/me/export')).status, 401);
  const audit = await call(srv.base, 'GET', '/api/v1/admin/audit-log?action=resident.export',
    { token: admin });
  assert.equal(audit.status, 200, audit.text);
  const rows = Array.isArray(audit.json) ? audit.json : audit.json.entries || audit.json.items || [];
  assert.ok(rows.length >= 1, `audit has the export: ${audit.text.slice(0, 300)}`);
  assert.ok(!audit.text.includes(id), 'no ID number in the audit log');
});
