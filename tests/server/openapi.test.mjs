// The OpenAPI description (server/api/openapi.json): it is what
// server/api/openapi.mjs writes, the server serves it, the answer check of
// lib.mjs catches a real mismatch, and every API call the pages make
// (web/pages/**/*.js, web/common/*.js) is a described route. That routes the
// server registers are described is tests/server/openapi_test.cc (Catch2,
// against the route table).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, startServer, call, checkAnswer, openapiStats, loginResident, loginStaff, declaration, newId, newPhone } from './lib.mjs';
import { text as generated } from '../../server/api/openapi.mjs';

const committed = readFileSync(join(root, 'server', 'api', 'openapi.json'), 'utf8');
const doc = JSON.parse(committed);

test('server/api/openapi.json is what server/api/openapi.mjs writes', () => {
  assert.ok(generated === committed, 'run: node server/api/openapi.mjs (and commit server/api/openapi.json)');
  assert.equal(doc.openapi, '3.1.0');
});

test('GET /api/v1/openapi.json serves the document, JSON and cacheable', async () => {
  const s = await startServer();
  try {
    const r = await call(s.base, 'GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.text, committed);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.match(r.headers.get('cache-control'), /^public, max-age=\d+/);
  } finally {
    await s.stop();
    s.cleanup();
  }
});

test('the answer check refuses what the description does not say', async () => {
  delete process.env.ANKANG_OPENAPI_LOG;  // a mismatch throws here, whatever the run asked for
  const json = 'application/json; charset=utf-8';
  const check = (method, path, status, body, contentType = json) =>
    checkAnswer(method, path, { status, json: body, text: JSON.stringify(body), contentType });
  // What the server answers passes.
  assert.equal(await check('GET', '/api/v1/venues/v1', 404, { error: { code: 'not_found', message: 'x' } }), true);
  assert.equal(await check('GET', '/api/v1/no-such-thing', 404, { error: { code: 'not_found', message: 'x' } }), true);
  assert.equal(await check('DELETE', '/api/v1/keys', 405, { error: { code: 'method_not_allowed', message: 'x' } }), true);
  assert.equal(await check('POST', '/api/v1/verify', 422, { errors: [{ field: 'qr', code: 'required', message: 'x' }] }), true);
  // A fixed segment beats a parameter only among one method's routes.
  assert.equal(await check('GET', '/api/v1/admin/rulesets/dry-run', 401, { error: { code: 'unauthorized', message: 'x' } }), true);
  assert.equal(await check('GET', '/', 200, null, 'text/html'), false, 'pages are not API answers');
  // Each kind of mismatch fails, naming what is wrong.
  const code = { color: 'green', reasons: [], advice: { zh: '', en: '' }, valid_until: '2026-12-01T00:00:00+08:00',
    streak: 0, next_step: { zh: '', en: '' }, rules_version: 'default@1', declared_at: '2026-11-20T08:00:00+08:00',
    issued_at: '2026-11-20T08:00:00+08:00', qr: 'AK1:X', qr_expires_at: '2026-11-20T08:05:00+08:00',
    person_id: 'p', name_masked: '张*', id_tail: '002X' };
  assert.equal(await check('GET', '/api/v1/persons/p/code', 200, code), true);
  const rejects = async (p, pattern) => assert.rejects(p, (e) => pattern.test(e.message));
  await rejects(check('GET', '/api/v1/persons/p/code', 200, { ...code, color: 'blue' }), /\/color must be equal to one of the allowed values/);
  const { qr, ...noQr } = code;
  await rejects(check('GET', '/api/v1/persons/p/code', 200, noQr), /must have required property 'qr'/);
  await rejects(check('GET', '/api/v1/persons/p/code', 200, { ...code, id_number: '1101' }), /additional properties \(id_number\)/);
  await rejects(check('GET', '/api/v1/persons/p/code', 200, { ...code, streak: '3' }), /\/streak must be integer/);
  await rejects(check('GET', '/api/v1/persons/p/code', 200, { ...code, issued_at: '2026-11-20 08:00' }), /\/issued_at must match format "date-time"/);
  await rejects(check('GET', '/api/v1/persons/p/code', 418, code), /status 418 is not described/);
  await rejects(check('GET', '/api/v1/persons/p/code', 404, { error: { code: 'gone', message: 'x' } }), /\/error\/code must be equal/);
  await rejects(check('GET', '/api/v1/persons/p/code', 404, { error: 'not_found' }), /does not match/);
  await rejects(check('GET', '/api/v1/persons/p/code', 200, code, 'text/html'), /content type text\/html/);
  await rejects(check('GET', '/api/v1/no-such-thing', 200, {}), /no operation GET/);
});

// ---- the pages' API calls ---------------------------------------------------

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.js') || name.endsWith('.mjs')) out.push(p);
  }
  return out;
}

// A path as the page writes it: '...' or `...${x}...`; each ${...} that is a
// whole segment is a parameter, one that is not (a query suffix) is dropped,
// and so is the query string.
function pathOf(literal) {
  let p = literal.slice(1, -1);
  p = p.replace(/\$\{[^}]*\}/g, (m, at, all) => {
    const before = all[at - 1];
    const after = all[at + m.length];
    return before === '/' && (after === undefined || after === '/' || after === '?') ? '{}' : '';
  });
  return p.split('?')[0];
}

// Calls whose path is not written at the call: what they reach, by the text
// at the call site. A call of this kind not listed here fails the test.
const INDIRECT = [
  // personPath(suffix) = `/persons/${id}${suffix}` (web/pages/resident/main.js)
  { re: /\b(?:api|call)\(\s*'([A-Z]+)',\s*personPath\('([^']*)'/g, paths: (m) => [`/persons/{}${m[2]}`] },
  // act(method, staff_id, suffix, …) = api(method, `/admin/staff/${id}${suffix}`) (web/pages/admin/main.js)
  { re: /\bact\(\s*'([A-Z]+)',\s*[\w.]+,\s*'([^']*)'/g, paths: (m) => [`/admin/staff/{}${m[2]}`] },
  // the CSV import: path is one of the two import routes (web/pages/admin/main.js)
  { re: /\bapi\(\s*'(POST)',\s*path,\s*\{\s*csv:/g, paths: () => ['/admin/risk-areas/import', '/admin/case-status/import'] },
  // cond ? 'a' : 'b': both
  { re: /\b(?:api|call)\(\s*'([A-Z]+)',\s*[\w.]+ \? '([^']*)' : '([^']*)'/g, paths: (m) => [m[2].split('?')[0], m[3].split('?')[0]] },
  // fetchCode: `/persons/${id}/code${ask ? '?offline=1' : ''}` (web/pages/resident/main.js)
  { re: /\bapi\(\s*'(GET)',\s*path\);/g, paths: () => ['/persons/{}/code'], where: /const path = `\/persons\/\$\{encodeURIComponent\(state\.current\)\}\/code/ },
];
// The wrappers themselves (their own definitions, not calls of a route).
const WRAPPERS = [/act = \(method, id, suffix, body, okText\) => async \(\) => \{ say\(msg, await api\(method, /, /return await api\(method, path, body\)/];

function pageCalls() {
  const calls = [];
  const unresolved = [];
  const dirs = [join(root, 'web', 'pages'), join(root, 'web', 'common')];
  for (const f of dirs.flatMap(files)) {
    const src = readFileSync(f, 'utf8');
    const rel = relative(root, f);
    const lineOf = (i) => src.slice(0, i).split('\n').length;
    const covered = new Set();
    for (const ind of INDIRECT) {
      if (ind.where && !ind.where.test(src)) continue;
      for (const m of src.matchAll(ind.re)) {
        covered.add(m.index);
        for (const p of ind.paths(m)) calls.push({ method: m[1], path: p, at: `${rel}:${lineOf(m.index)}` });
      }
    }
    // api('GET', '/x') / call('POST', `/y/${id}`) with the path written at the call.
    for (const m of src.matchAll(/\b(?:api|call)\(\s*'([A-Z]+)',\s*('[^']*'|`[^`]*`)/g)) {
      calls.push({ method: m[1], path: pathOf(m[2]), at: `${rel}:${lineOf(m.index)}` });
      covered.add(m.index);
    }
    // Any other call of the API client: must be listed in INDIRECT.
    for (const m of src.matchAll(/\b(?:api|call)\(\s*(?:'[A-Z]+'|method)\s*,/g)) {
      if (covered.has(m.index)) continue;
      const line = src.slice(src.lastIndexOf('\n', m.index) + 1, src.indexOf('\n', m.index));
      if (WRAPPERS.some((w) => w.test(line)) || /^\s*\/\/|\bfunction (api|call)\(/.test(line)) continue;
      // an INDIRECT match may start a little before (act(…) → api(method, …))
      if ([...covered].some((c) => c <= m.index && m.index - c < 4)) continue;
      unresolved.push(`${rel}:${lineOf(m.index)}: ${line.trim().slice(0, 120)}`);
    }
  }
  return { calls, unresolved };
}

test('every API call of the pages is a described route', () => {
  const { calls, unresolved } = pageCalls();
  assert.deepEqual(unresolved, [], 'calls whose path the scan cannot read: write the path at the call, or add them to INDIRECT');
  assert.ok(calls.length >= 70, `found only ${calls.length} calls: is the scan still reading the pages?`);
  const described = new Set();
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) described.add(`${method.toUpperCase()} ${template.replace(/\{\w+\}/g, '{}')}`);
  }
  const missing = calls.filter((c) => !described.has(`${c.method} /api/v1${c.path}`))
    .map((c) => `${c.at}: ${c.method} /api/v1${c.path}`);
  assert.deepEqual(missing, [], 'pages call routes server/api/openapi.json does not describe');
});

// ---- every described operation answered once --------------------------------

// Operations whose success needs what this tour does not have (a code sent to
// a phone, a key list on another server, an authenticator app): an error
// answer of theirs, checked like any, is enough here.
const ERROR_ENOUGH = new Set([
  'POST /api/v1/join-requests/{id}/confirm',
  'POST /api/v1/admin/issuers/{issuer}/refresh',
  'POST /api/v1/auth/staff/totp/confirm',
]);

test('a tour: every described operation answers, and each answer matches the description', async () => {
  const s = await startServer();
  const b = s.base;
  const go = (method, path, opts) => call(b, method, path, opts);
  try {
    for (const p of ['/healthz', '/metrics', '/api/v1/keys', '/api/v1/rules', '/api/v1/risk-areas', '/api/v1/openapi.json', '/api/v1/dev/clock']) await go('GET', p);
    await go('POST', '/api/v1/dev/clock', { body: { reset: true } });

    const admin = await loginStaff(b, 'admin');
    const issuer = await loginStaff(b, 'issuer');
    const verifier = await loginStaff(b, 'verifier');
    const venueStaff = await loginStaff(b, 'venue');
    const A = { token: admin };
    await go('PUT', '/api/v1/admin/review-regions', { ...A, body: { regions: ['110105'] } });
    await go('GET', '/api/v1/admin/review-regions', A);

    // A resident and their persons.
    const phone = newPhone();
    const res = await loginResident(b, phone);
    const R = { token: res };
    const me = (await go('GET', '/api/v1/me', R)).json;
    await go('GET', '/api/v1/me', { token: admin });
    const selfId = newId();
    const d = await go('POST', '/api/v1/declarations', { ...R, body: declaration({ id: selfId, name: '张小三' }) });
    assert.equal(d.status, 201, d.text);
    const P = d.json.person_id;
    await go('GET', '/api/v1/persons?offline=1', R);
    await go('GET', `/api/v1/persons/${P}`, R);
    await go('PATCH', `/api/v1/persons/${P}`, { ...R, body: { address: '2 Test Road' } });
    const code = (await go('GET', `/api/v1/persons/${P}/code?offline=1`, R)).json;
    await go('GET', `/api/v1/persons/${P}/paper-code`, R);
    await go('POST', `/api/v1/persons/${P}/appeals`, { ...R, body: { topic: 'color', message: 'please check' } });
    await go('GET', '/api/v1/appeals', R);
    await go('GET', '/api/v1/family', R);
    const kid = (p) => ({ ...p.person, relation: 'child', phone: '' });
    const f2 = await go('POST', '/api/v1/family', { ...R, body: { person: kid(declaration({ name: '张小四' })) } });
    const f3 = await go('POST', '/api/v1/family', { ...R, body: { person: kid(declaration({ name: '张小五' })) } });
    assert.equal(f3.status, 201, f3.text);
    await go('POST', `/api/v1/declarations`, { ...R, body: { ...declaration(), person: undefined, person_id: f2.json.person_id } });
    await go('POST', `/api/v1/persons/${f2.json.person_id}/checkins`, { ...R, body: { temperature: 36.6, symptoms: [] } });
    await go('GET', `/api/v1/persons/${P}/guardians`, R);
    await go('DELETE', `/api/v1/persons/${f3.json.person_id}/guardians/${me.account_id}`, R);
    await go('DELETE', `/api/v1/family/${f2.json.person_id}`, R);
    await go('GET', '/api/v1/me/export', R);

    // Join requests: another account asks to join P; P's guardian approves; a third withdraws.
    const other = await loginResident(b);
    const ask = await go('POST', '/api/v1/declarations', { token: other, body: declaration({ id: selfId, name: '张小三', relation: 'parent' }) });
    assert.equal(ask.status, 202, ask.text);
    const incoming = (await go('GET', '/api/v1/join-requests', R)).json.incoming;
    await go('POST', `/api/v1/join-requests/${incoming[0].id}/decision`, { ...R, body: { decision: 'approve' } });
    const third = await loginResident(b);
    const ask3 = await go('POST', '/api/v1/family', { token: third, body: { person: { name: '张小三', id_type: 'resident_id', id_number: selfId, relation: 'other' } } });
    await go('POST', `/api/v1/join-requests/${ask3.json.request_id}/confirm`, { token: third, body: { code: '000000' } });
    await go('GET', '/api/v1/join-requests', { token: third });
    await go('DELETE', `/api/v1/join-requests/${ask3.json.request_id}`, { token: third });

    // Claims and the issuer.
    const claim = await go('POST', '/api/v1/claims', { ...R, body: { id_type: 'resident_id', id_number: newId(), name: '李四', note: 'mine' } });
    await go('GET', '/api/v1/claims', R);
    await go('GET', '/api/v1/review/claims', { token: issuer });
    await go('POST', `/api/v1/review/claims/${claim.json.claim_id}`, { token: issuer, body: { decision: 'reject', note: 'no document' } });
    const pending = (await go('GET', '/api/v1/review/pending', { token: issuer })).json;
    assert.ok(pending.length > 0, 'a declaration waiting for review');
    await go('POST', `/api/v1/review/${pending[0].declaration_id}`, { token: issuer, body: { decision: 'approve', note: '' } });

    // Sessions (one code a minute per phone: the dev clock moves on between log-ins).
    const later = async () => {
      const now = Date.parse((await go('GET', '/api/v1/dev/clock')).json.now);
      await go('POST', '/api/v1/dev/clock', { body: { now: new Date(now + 120000).toISOString() } });
    };
    await later();
    const second = await loginResident(b, phone);
    const sessions = (await go('GET', '/api/v1/me/sessions', R)).json.sessions;
    await go('DELETE', `/api/v1/me/sessions/${sessions.find((x) => !x.current).id}`, R);
    await later();
    await loginResident(b, phone);
    await go('POST', '/api/v1/me/sessions/sign-out-others', R);
    assert.ok(second);

    // The gate.
    await go('POST', '/api/v1/verify', { token: verifier, body: { qr: code.qr } });
    if (code.offline_code) await go('POST', '/api/v1/verify', { token: verifier, body: { qr: code.offline_code.qr } });
    await go('POST', '/api/v1/verify/id', { token: verifier, body: { id_number: selfId } });
    await go('GET', '/api/v1/issuers', { token: verifier });

    // Venues.
    const v = (await go('POST', '/api/v1/venues', { token: venueStaff, body: { name: '图书馆', region: '110105', address: '1 Road' } })).json;
    await go('GET', '/api/v1/venues', { token: venueStaff });
    await go('GET', `/api/v1/venues/${v.venue_id}`);
    await go('GET', `/api/v1/venues/${v.venue_id}/poster`, { token: venueStaff });
    await go('POST', `/api/v1/venues/${v.venue_id}/checkins`, { ...R, body: { visitors: [{ person_id: P, temperature: 36.5 }] } });
    await go('GET', `/api/v1/admin/venues/${v.venue_id}/visits`, A);
    await go('POST', `/api/v1/admin/venues/${v.venue_id}/close-contacts`, { ...A, body: {} });

    // The admin console.
    await go('GET', '/api/v1/admin/risk-areas', A);
    await go('PUT', '/api/v1/admin/risk-areas', { ...A, body: { areas: [{ region: '110105', level: 'medium' }] } });
    await go('PUT', '/api/v1/admin/case-status', { ...A, body: { id_type: 'resident_id', id_number: newId(), status: 'suspected' } });
    await go('GET', '/api/v1/admin/regions?q=1101', A);
    await go('POST', '/api/v1/admin/risk-areas/import', { ...A, body: { csv: 'region,level\n110105,low' } });
    await go('POST', '/api/v1/admin/case-status/import', { ...A, body: { csv: `resident_id,${newId()},confirmed` } });
    await go('GET', '/api/v1/admin/rulesets', A);
    const preset = (await go('GET', '/api/v1/admin/rulesets/preset%3Ahangzhou', A)).json;
    await go('POST', '/api/v1/admin/rulesets/dry-run', { ...A, body: { rule_set: preset.rule_set } });
    await go('POST', '/api/v1/admin/rulesets', { ...A, body: { rule_set: preset.rule_set } });
    const act = (await go('POST', '/api/v1/admin/rulesets/preset%3Adefault/activate', A)).json;
    await go('GET', '/api/v1/admin/recolour-jobs', A);
    await go('GET', `/api/v1/admin/recolour-jobs/${act.job.job_id}`, A);
    const staff = (await go('POST', '/api/v1/admin/staff', { ...A, body: { username: 'gate9', role: 'issuer', password: 'a long password' } })).json;
    await go('GET', '/api/v1/admin/staff', A);
    await go('PATCH', `/api/v1/admin/staff/${staff.staff_id}`, { ...A, body: { disabled: true } });
    await go('POST', `/api/v1/admin/staff/${staff.staff_id}/unlock`, A);
    await go('DELETE', `/api/v1/admin/staff/${staff.staff_id}/totp`, A);
    await go('PUT', `/api/v1/admin/staff/${staff.staff_id}/region`, { ...A, body: { region: '110105' } });
    await go('GET', '/api/v1/admin/staff-regions', A);
    await go('GET', '/api/v1/admin/statistics?days=3', A);
    await go('GET', '/api/v1/admin/audit-log?limit=5', A);
    const keys = (await go('GET', '/api/v1/keys')).json.keys;
    await go('POST', '/api/v1/admin/issuers', { ...A, body: { issuer: 'other-city', name: 'Other', keys } });
    await go('GET', '/api/v1/admin/issuers', A);
    await go('POST', '/api/v1/admin/issuers/other-city/refresh', A);
    await go('DELETE', '/api/v1/admin/issuers/other-city', A);
    await go('POST', '/api/v1/admin/keys/rotate', A);
    const appeals = (await go('GET', '/api/v1/admin/appeals?state=open', A)).json;
    await go('POST', `/api/v1/admin/appeals/${appeals[0].appeal_id}/resolve`, { ...A, body: { decision: 'resolved', note: 'checked' } });
    await go('POST', '/api/v1/admin/persons/search', { ...A, body: { q: selfId } });
    await go('POST', `/api/v1/admin/persons/${P}/reveal`, { ...A, body: { reason: 'appeal check' } });
    await go('POST', '/api/v1/auth/staff/totp', A);
    await go('POST', '/api/v1/auth/staff/totp/confirm', { ...A, body: { code: '000000' } });
    await go('POST', '/api/v1/auth/logout', R);
  } finally {
    await s.stop();
    s.cleanup();
  }
  const answered = new Map();
  for (const key of Object.keys(openapiStats.answers)) {
    const [method, template, status] = key.split(' ');
    const k = `${method} ${template}`;
    answered.set(k, answered.get(k) || Number(status) < 300 || ERROR_ENOUGH.has(k));
  }
  const notAnswered = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      const k = `${method.toUpperCase()} ${template}`;
      if (!answered.get(k)) notAnswered.push(k);
    }
  }
  assert.deepEqual(notAnswered, [], 'operations that never answered with success in this tour');
});
