// Colour transitions over days, with the server's clock moved through
// POST /api/v1/dev/clock: streaks (yellow -> green after 7 normal check-ins,
// abnormal check-in while yellow -> red), 14-day expiry, authority changes
// recolouring at once, case status, and the issuer SLA (auto-issue at 18:00
// the next day). Also the international preset's 24-hour validity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call, loginResident, loginStaff, declaration, residentId } from './lib.mjs';

// The dev clock keeps running after it is set, so on a loaded machine a
// request can land a second or two later than the instant set: compare
// instants with a few seconds' tolerance (never earlier than expected).
function assertNear(actual, expected, seconds = 5) {
  const delta = (Date.parse(actual) - Date.parse(expected)) / 1000;
  assert.ok(delta >= 0 && delta <= seconds, `${actual} is not within ${seconds} s after ${expected}`);
  assert.equal(actual.slice(-6), expected.slice(-6), 'same UTC offset');
}

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); srv.cleanup(); });

const setClock = async (now, base = srv.base) => {
  const r = await call(base, 'POST', '/api/v1/dev/clock', { body: { now } });
  assert.equal(r.status, 200, r.text);
};
const day = (d, time = '08:00:00') => `2026-12-${String(d).padStart(2, '0')}T${time}+08:00`;
// An instant (+08:00) `seconds` after the given ISO instant.
const plusSeconds = (iso, seconds) => {
  const t = new Date(Date.parse(iso) + seconds * 1000 + 8 * 3600 * 1000);
  return `${t.toISOString().slice(0, 19)}+08:00`;
};
const codeOf = async (tok, pid, base = srv.base) => {
  const r = await call(base, 'GET', `/api/v1/persons/${pid}/code`, { token: tok });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const checkin = async (tok, pid, temperature = 36.5, symptoms = []) => {
  const r = await call(srv.base, 'POST', `/api/v1/persons/${pid}/checkins`, { body: { temperature, symptoms }, token: tok });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const declare = async (tok, opts) => {
  const r = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration(opts), token: tok });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const rules = (code) => code.reasons.map((r) => r.rule);

test('fever: yellow, then green after 7 consecutive normal daily check-ins', async () => {
  await setClock(day(1));
  const tok = await loginResident(srv.base);
  const d = await declare(tok, { temperature: 37.8 });
  assert.equal(d.code.color, 'yellow');
  assert.ok(d.code.reasons.length >= 1 && d.code.reasons[0].zh && d.code.reasons[0].en);
  for (let i = 1; i <= 7; i++) {
    await setClock(day(1 + i));
    const c = await checkin(tok, d.person_id);
    assert.equal(c.streak, i, `streak on day ${i}`);
    assert.equal(c.color, i < 7 ? 'yellow' : 'green', `after ${i} normal check-ins: ${JSON.stringify(c.reasons)}`);
    if (i < 7) assert.ok(c.next_step.en.length > 0, 'the next step is explained while yellow');
  }
  // A second check-in the same day is refused.
  const again = await call(srv.base, 'POST', `/api/v1/persons/${d.person_id}/checkins`, { body: { temperature: 36.5, symptoms: [] }, token: tok });
  assert.equal(again.status, 409);
});

test('an abnormal check-in while yellow turns red; while green turns yellow', async () => {
  await setClock(day(1));
  const tok = await loginResident(srv.base);
  const y = await declare(tok, { temperature: 38.1, name: '陈一' });
  assert.equal(y.code.color, 'yellow');
  await setClock(day(2));
  assert.equal((await checkin(tok, y.person_id, 38.0)).color, 'red');

  const tok2 = await loginResident(srv.base);
  const g = await declare(tok2, { name: '陈二' });
  assert.equal(g.code.color, 'green');
  await setClock(day(3));
  assert.equal((await checkin(tok2, g.person_id, 36.6, ['dry_cough'])).color, 'yellow');
});

test('a code expires 14 days after the last report; a check-in renews it', async () => {
  await setClock(day(1, '09:00:00'));
  const tok = await loginResident(srv.base);
  const d = await declare(tok, { name: '林三' });
  assert.equal(d.code.color, 'green');
  assertNear(d.code.valid_until, day(15, '09:00:00'));
  await setClock(day(15, '08:59:00'));
  assert.equal((await codeOf(tok, d.person_id)).color, 'green');
  await setClock(plusSeconds(d.code.valid_until, 1));
  const expired = await codeOf(tok, d.person_id);
  assert.equal(expired.color, 'yellow');
  assert.ok(rules(expired).includes('code_expired'), JSON.stringify(rules(expired)));
  const renewed = await checkin(tok, d.person_id);
  assert.equal(renewed.color, 'green');
  assertNear(renewed.valid_until, day(29, '09:00:01'), 10);
});

test('risk areas and case status change colours at once, without re-declaring', async () => {
  await setClock(day(5));
  const tok = await loginResident(srv.base);
  const idNumber = residentId(1, '370102', '19800101');
  const d = await declare(tok, { name: '黄四', region: '370102', id: idNumber });
  assert.equal(d.code.color, 'green');
  let admin = await loginStaff(srv.base, 'admin');
  const put = (areas) => call(srv.base, 'PUT', '/api/v1/admin/risk-areas', { body: { areas }, token: admin });
  assert.equal((await put([{ region: '370100', level: 'high' }])).status, 200);  // the whole city
  assert.equal((await codeOf(tok, d.person_id)).color, 'red');
  const pub = await call(srv.base, 'GET', '/api/v1/risk-areas');
  assert.deepEqual(pub.json, [{ region: '370100', level: 'high' }]);
  assert.equal((await put([{ region: '370102', level: 'medium' }])).status, 200);
  assert.equal((await codeOf(tok, d.person_id)).color, 'yellow');
  assert.equal((await put([])).status, 200);
  assert.equal((await codeOf(tok, d.person_id)).color, 'green');
  assert.equal((await put([{ region: '999999', level: 'high' }, { region: '370102', level: 'extreme' }])).json.errors.length, 2);

  // The authority's case list, keyed by ID number (never shown back in full).
  const caseStatus = (status, since) => call(srv.base, 'PUT', '/api/v1/admin/case-status',
    { body: { id_type: 'resident_id', id_number: idNumber, status, since }, token: admin });
  let r = await caseStatus('confirmed', '2026-12-05');
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.text.includes(idNumber));
  assert.equal((await codeOf(tok, d.person_id)).color, 'red');
  r = await caseStatus('cleared', '2026-12-05');
  assert.equal((await codeOf(tok, d.person_id)).color, 'green');
  r = await caseStatus('falsified', '2026-12-05');
  const red = await codeOf(tok, d.person_id);
  assert.equal(red.color, 'red');
  await caseStatus('cleared', '2026-12-05');
  // The verifier sees the change on an old token at once.
  await put([{ region: '370102', level: 'high' }]);
  const ver = await loginStaff(srv.base, 'verifier');
  const v = await call(srv.base, 'POST', '/api/v1/verify', { body: { qr: d.code.qr }, token: ver });
  assert.equal(v.json.status, 'changed');
  assert.equal(v.json.color, 'red');
  admin = await loginStaff(srv.base, 'admin');
  await put([]);
});

test('review: gray until an issuer approves, or auto-issued at 18:00 the next day', async () => {
  // 2026-12-04 is a Friday.
  await setClock(day(4, '10:00:00'));
  const admin = await loginStaff(srv.base, 'admin');
  assert.equal((await call(srv.base, 'PUT', '/api/v1/admin/review-regions', { body: { regions: ['320100'] }, token: admin })).status, 200);
  const a = await loginResident(srv.base);
  const b = await loginResident(srv.base);
  const da = await declare(a, { name: '何五', region: '320102' });
  const db = await declare(b, { name: '何六', region: '320102' });
  assert.equal(da.code.color, 'gray');
  assert.equal(da.code.review.state, 'pending');
  assert.equal(da.code.review.due_at, day(5, '18:00:00'));
  const issuer = await loginStaff(srv.base, 'issuer');
  const pending = await call(srv.base, 'GET', '/api/v1/review/pending', { token: issuer });
  assert.ok(pending.json.some((p) => p.declaration_id === da.declaration_id));
  assert.ok(pending.json.every((p) => !('id_number' in p) && !('phone' in p)));
  const ok = await call(srv.base, 'POST', `/api/v1/review/${da.declaration_id}`, { body: { decision: 'approve' }, token: issuer });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await codeOf(a, da.person_id)).color, 'green');

  await setClock(day(5, '17:59:00'));
  assert.equal((await codeOf(b, db.person_id)).color, 'gray');
  await setClock(day(5, '18:00:00'));
  const issued = await codeOf(b, db.person_id);
  assert.equal(issued.color, 'green');
  assert.equal(issued.review.state, 'auto_issued');
  const issuer2 = await loginStaff(srv.base, 'issuer');
  const late = await call(srv.base, 'POST', `/api/v1/review/${db.declaration_id}`, { body: { decision: 'approve' }, token: issuer2 });
  assert.equal(late.status, 409);
  // A rejection (with its reason) keeps the code gray.
  await setClock(day(6, '09:00:00'));
  const c = await loginResident(srv.base);
  const dc = await declare(c, { name: '何七', region: '320102' });
  // Staff sessions last 12 hours: yesterday evening's login is gone.
  const stale = await call(srv.base, 'GET', '/api/v1/review/pending', { token: issuer2 });
  assert.equal(stale.status, 401);
  const issuer3 = await loginStaff(srv.base, 'issuer');
  const rej = await call(srv.base, 'POST', `/api/v1/review/${dc.declaration_id}`, { body: { decision: 'reject', note: 'address missing' }, token: issuer3 });
  assert.equal(rej.status, 200);
  const rc = await codeOf(c, dc.person_id);
  assert.equal(rc.color, 'gray');
  assert.equal(rc.review.state, 'rejected');
  const admin2 = await loginStaff(srv.base, 'admin');
  await call(srv.base, 'PUT', '/api/v1/admin/review-regions', { body: { regions: [] }, token: admin2 });
});

test('appeal due dates count working days', async () => {
  await setClock(day(4, '10:00:00'));  // Friday
  const tok = await loginResident(srv.base);
  const d = await declare(tok, { name: '郭八' });
  const ap = await call(srv.base, 'POST', `/api/v1/persons/${d.person_id}/appeals`, { body: { kind: 'color', reason: 'wrong colour' }, token: tok });
  assert.equal(ap.status, 201);
  assertNear(ap.json.due_at, day(9, '10:00:00'));  // Mon, Tue, Wed
});

test('international preset: the code is valid for 24 hours', async () => {
  const intl = await startServer({ args: ['--rules', 'international'] });
  try {
    await setClock('2026-12-01T08:00:00+08:00', intl.base);
    const tok = await loginResident(intl.base);
    const d = await call(intl.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tok });
    assert.equal(d.status, 201);
    assert.equal(d.json.code.color, 'green');
    assertNear(d.json.code.valid_until, '2026-12-02T08:00:00+08:00');
    const rulesDoc = await call(intl.base, 'GET', '/api/v1/rules');
    assert.equal(rulesDoc.json.id, 'international');
    await setClock(plusSeconds(d.json.code.valid_until, 1), intl.base);
    assert.equal((await codeOf(tok, d.json.person_id, intl.base)).color, 'yellow');
  } finally {
    await intl.stop();
    intl.cleanup();
  }
});
