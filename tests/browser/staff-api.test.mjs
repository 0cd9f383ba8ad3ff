// The staff-side API against the real server, without a browser: who may do
// what (roles, own venues, own family), validation answers, audit entries, and
// the dry run writing nothing. The pages are covered by the other staff-*.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, staffToken, residentToken, declare } from './staff-lib.mjs';

let srv;
let tok;
before(async () => {
  srv = await startServer();
  tok = {
    admin: await staffToken(srv.base, 'admin'),
    verifier: await staffToken(srv.base, 'verifier'),
    issuer: await staffToken(srv.base, 'issuer'),
    venue: await staffToken(srv.base, 'venue'),
  };
});
after(async () => { if (srv) await srv.stop(); });

test('roles: console routes are admin-only, venue routes for venue managers, /issuers for verifiers', async () => {
  for (const [p, m, body] of [['/admin/statistics', 'GET'], ['/admin/audit-log', 'GET'], ['/admin/issuers', 'GET'],
    ['/admin/rulesets', 'GET'], ['/admin/risk-areas/import', 'POST', { csv: '' }], ['/admin/persons/search', 'POST', { q: 'x' }]]) {
    for (const who of ['verifier', 'issuer', 'venue']) {
      assert.equal((await api(srv.base, m, p, body, tok[who])).status, 403, `${who} ${p}`);
    }
    assert.equal((await api(srv.base, m, p, body)).status, 401, `anonymous ${p}`);
  }
  assert.equal((await api(srv.base, 'GET', '/issuers', undefined, tok.verifier)).status, 200);
  assert.equal((await api(srv.base, 'GET', '/issuers', undefined, tok.venue)).status, 403);
  assert.equal((await api(srv.base, 'POST', '/venues', { name: 'x', region: '370102' }, tok.verifier)).status, 403);
});

test('venues: validation, owners only see their own, residents check in only their own family', async () => {
  const bad = await api(srv.base, 'POST', '/venues', { name: '', region: '999999', address: 'x'.repeat(130) }, tok.venue);
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.data.errors.map((e) => e.field).sort(), ['address', 'name', 'region']);
  const v = await api(srv.base, 'POST', '/venues', { name: '图书馆 Library', region: '370102', address: '' }, tok.venue);
  assert.equal(v.status, 201);
  // A second venue manager sees nothing of it.
  const mk = await api(srv.base, 'POST', '/admin/staff', { username: 'shop-2', password: 'shop-2-password', role: 'venue' }, tok.admin);
  assert.equal(mk.status, 201);
  const shop2 = await staffToken(srv.base, 'shop-2', 'shop-2-password');
  assert.deepEqual((await api(srv.base, 'GET', '/venues', undefined, shop2)).data, []);
  assert.equal((await api(srv.base, 'GET', `/venues/${v.data.venue_id}/poster`, undefined, shop2)).status, 404);
  assert.equal((await api(srv.base, 'GET', '/venues/nope/poster', undefined, tok.venue)).status, 404);
  // Public info only.
  const pub = await api(srv.base, 'GET', `/venues/${v.data.venue_id}`);
  assert.deepEqual(Object.keys(pub.data).sort(), ['address', 'name', 'region', 'region_name', 'venue_id']);

  const t1 = await residentToken(srv.base, '13500135001');
  const p1 = await declare(srv.base, t1, { name: '甲一' });
  const t2 = await residentToken(srv.base, '13500135002');
  const p2 = await declare(srv.base, t2, { name: '乙二' });
  const path = `/venues/${v.data.venue_id}/checkins`;
  let r = await api(srv.base, 'POST', path, { visitors: [{ person_id: p2.person_id, temperature: 36.5 }] }, t1);
  assert.equal(r.status, 422, 'not one of my family');
  r = await api(srv.base, 'POST', path, { visitors: [{ person_id: p1.person_id, temperature: 45 }] }, t1);
  assert.equal(r.status, 422);
  assert.equal(r.data.errors[0].code, 'out_of_range');
  r = await api(srv.base, 'POST', path, { visitors: [{ person_id: p1.person_id }] }, t1);
  assert.equal(r.data.errors[0].code, 'required');
  r = await api(srv.base, 'POST', path, { visitors: [{ person_id: p1.person_id, temperature: 37.6 }] }, t1);
  assert.equal(r.status, 201);
  assert.equal(r.data.visits[0].fever, true);
  assert.equal(r.data.visits[0].code.color, 'green');
  assert.equal((await api(srv.base, 'POST', path, { visitors: [] }, t1)).status, 422);
  assert.equal((await api(srv.base, 'POST', '/venues/nope/checkins', { visitors: [{ person_id: p1.person_id, temperature: 36 }] }, t1)).status, 404);
  const visits = await api(srv.base, 'GET', `/admin/venues/${v.data.venue_id}/visits?from=2000-01-01T00:00:00%2B08:00`, undefined, tok.admin);
  assert.equal(visits.data.visits.length, 1);
  assert.equal((await api(srv.base, 'GET', `/admin/venues/${v.data.venue_id}/visits?from=yesterday`, undefined, tok.admin)).status, 422);
});

test('CSV imports: quoting, header, comments, BOM and a later line winning; a bad body is a 400', async () => {
  const csv = '\ufeffregion,level\n# a comment\n"370102",medium\n370102,high\n370103 , LOW\n';
  const r = await api(srv.base, 'POST', '/admin/risk-areas/import', { csv, first_line: 1 }, tok.admin);
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.accepted, 3);
  assert.deepEqual(r.data.errors, []);
  const areas = (await api(srv.base, 'GET', '/admin/risk-areas', undefined, tok.admin)).data.areas;
  assert.deepEqual(areas.map((a) => [a.region, a.level]), [['370102', 'high']]);
  assert.equal((await api(srv.base, 'POST', '/admin/risk-areas/import', { csv: 'x\n'.repeat(2001) }, tok.admin)).status, 413);
  const raw = await fetch(`${srv.base}/api/v1/admin/case-status/import`, { method: 'POST', headers: { Authorization: `Bearer ${tok.admin}` }, body: 'not json' });
  assert.equal(raw.status, 400);
});

test('rule sets: a dry run writes nothing; a bad document lists every problem; reveal needs a reason', async () => {
  const rules = (await api(srv.base, 'GET', '/rules')).data;
  const before = (await api(srv.base, 'GET', '/admin/rulesets', undefined, tok.admin)).data.rulesets.length;
  const dry = await api(srv.base, 'POST', '/admin/rulesets/dry-run', { rule_set: rules }, tok.admin);
  assert.equal(dry.status, 200);
  assert.equal(dry.data.dry_run.changed, 0, 'the same rules change nobody');
  assert.equal((await api(srv.base, 'GET', '/admin/rulesets', undefined, tok.admin)).data.rulesets.length, before);
  const bad = await api(srv.base, 'POST', '/admin/rulesets', { rule_set: { id: 'x', rules: [{ id: 'a', color: 'blue' }] } }, tok.admin);
  assert.equal(bad.status, 422);
  assert.ok(bad.data.errors.length >= 3, JSON.stringify(bad.data.errors));
  assert.ok(bad.data.errors.every((e) => e.path !== undefined && e.code && e.message));
  assert.equal((await api(srv.base, 'POST', '/admin/rulesets', { rule_set: 'nope' }, tok.admin)).status, 422);
  assert.equal((await api(srv.base, 'POST', '/admin/rulesets/rs_nope/activate', {}, tok.admin)).status, 404);

  const t = await residentToken(srv.base, '13500135009');
  const p = await declare(srv.base, t, { name: '丙三' });
  assert.equal((await api(srv.base, 'POST', `/admin/persons/${p.person_id}/reveal`, { reason: '' }, tok.admin)).status, 422);
  const found = await api(srv.base, 'POST', '/admin/persons/search', { q: p.id_number }, tok.admin);
  assert.equal(found.data.persons.length, 1);
  assert.ok(!JSON.stringify(found.data).includes(p.id_number) && !JSON.stringify(found.data).includes('丙三'));
  const byPhone = await api(srv.base, 'POST', '/admin/persons/search', { q: '13500135009' }, tok.admin);
  assert.deepEqual(byPhone.data.persons.map((x) => x.person_id), [p.person_id]);
  const audit = (await api(srv.base, 'GET', '/admin/audit-log?actor=admin&limit=1000', undefined, tok.admin)).data.entries;
  for (const a of ['risk_areas.import', 'ruleset.dry_run', 'ruleset.rejected', 'person.search', 'venue.visits', 'staff.create']) {
    assert.ok(audit.some((e) => e.action === a), `audited: ${a}`);
  }
  assert.ok(!JSON.stringify(audit).includes(p.id_number), 'no ID numbers in the audit log');
});

test('trusted issuers: pasted keys are checked; our own issuer id and unreachable URLs are refused', async () => {
  let r = await api(srv.base, 'POST', '/admin/issuers', { issuer: 'ankang-x', keys: [{ kid: 'k1', x: 'tooshort' }] }, tok.admin);
  assert.equal(r.status, 422);
  r = await api(srv.base, 'POST', '/admin/issuers', { issuer: 'ankang-local', keys: [] }, tok.admin);
  assert.equal(r.status, 422);
  const freePortUrl = 'http://127.0.0.1:9/api/v1/keys';
  r = await api(srv.base, 'POST', '/admin/issuers', { issuer: 'ankang-y', keys_url: freePortUrl }, tok.admin);
  assert.equal(r.status, 422);
  assert.equal(r.data.error.code, 'keys_unreachable');
  r = await api(srv.base, 'POST', '/admin/issuers', { issuer: 'ankang-z', keys_url: 'ftp://127.0.0.1/keys' }, tok.admin);
  assert.equal(r.status, 422);
  const own = (await api(srv.base, 'GET', '/keys')).data;
  r = await api(srv.base, 'POST', '/admin/issuers', { issuer: 'ankang-copy', name: 'Copy', keys: own.keys }, tok.admin);
  assert.equal(r.status, 201);
  assert.equal((await api(srv.base, 'GET', '/issuers', undefined, tok.verifier)).data.issuers[0].keys[0].x, own.keys[0].x);
  assert.equal((await api(srv.base, 'DELETE', '/admin/issuers/ankang-copy', undefined, tok.admin)).status, 200);
  assert.equal((await api(srv.base, 'DELETE', '/admin/issuers/ankang-copy', undefined, tok.admin)).status, 404);
});
