// Writes server/api/openapi.json, the OpenAPI 3.1 description of every route
// server/api/*.cc registers (the binary embeds that file and serves it at
// GET /api/v1/openapi.json). Each operation below was written from its
// handler; `x-ankang-roles` is the route's role list as registered (checked
// against the router by tests/server/openapi_test.cc), and every status with
// its error codes is what the handler (and App::Handle, the HTTP skin, the
// pools) can answer. tests/server/openapi.test.mjs checks that this script's
// output is the committed file:  node server/api/openapi.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---- schema helpers -------------------------------------------------------
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const str = (extra = {}) => ({ type: 'string', ...extra });
const int = (extra = {}) => ({ type: 'integer', ...extra });
const num = { type: 'number' };
const bool = { type: 'boolean' };
const iso = { type: 'string', format: 'date-time' };
const isoOrNull = { type: ['string', 'null'], format: 'date-time' };
const strOrNull = { type: ['string', 'null'] };
const arr = (items, extra = {}) => ({ type: 'array', items, ...extra });
const enm = (...values) => (values.every((v) => typeof v === 'string') ? { type: 'string', enum: values } : { enum: values });
const anyJson = {};
// A closed object: every property listed is required unless named in `optional`.
function obj(props, optional = [], extra = {}) {
  return {
    type: 'object',
    required: Object.keys(props).filter((k) => !optional.includes(k)),
    properties: props,
    additionalProperties: false,
    ...extra,
  };
}
// An object that may carry more than the listed properties (a document whose
// shape belongs to someone else: a rule set, a declaration as stored).
const openObj = (props = {}, required = []) => ({ type: 'object', required, properties: props });

const colors = ['green', 'yellow', 'red', 'gray'];
const color = enm(...colors);
const idTypes = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent_id'];
const roles = ['resident', 'verifier', 'issuer', 'venue', 'admin'];
const bilingual = obj({ zh: str(), en: str() });

const schemas = {
  Error: {
    description: 'Every error answer but field errors: a stable machine code and a message (zh-CN and/or en).',
    ...obj({
      error: obj({ code: str(), message: str(), field: str() }, ['field']),
    }),
  },
  FieldErrors: {
    description: '422: every problem of the request at once (SPEC §2). `message` in the language of Accept-Language (zh by default) or both; `message_zh` / `message_en` where the shared validation gives both.',
    ...obj({
      errors: arr(obj({ field: str(), code: str(), message: str(), message_zh: str(), message_en: str() },
        ['message_zh', 'message_en']), { minItems: 1 }),
    }),
  },
  RuleSetProblems: {
    description: '422 of a rule-set upload or dry run: every problem CheckRuleSet finds.',
    ...obj({ errors: arr(obj({ path: str(), code: str(), message: str() }), { minItems: 1 }) }),
  },
  Color: color,
  IdType: enm(...idTypes),
  Reason: obj({ rule: str(), color, zh: str(), en: str(), advice: bilingual }),
  OfflineCode: obj({
    qr: str({ pattern: '^AK1:' }), kind: enm('offline'), color, issued_at: iso, expires_at: iso, refresh_after: iso,
  }),
  Code: {
    description: 'CODE of SPEC §5, with the fields server/README.md lists besides. `offline_code` only when asked with ?offline=1; `review` where review applies.',
    ...obj({
      color,
      reasons: arr(ref('Reason')),
      advice: bilingual,
      valid_until: str(),
      streak: int({ minimum: 0 }),
      next_step: bilingual,
      rules_version: str(),
      declared_at: iso,
      review: obj({ state: str(), due_at: iso, note: str() }),
      issued_at: iso,
      qr: str({ pattern: '^AK1:' }),
      qr_expires_at: iso,
      person_id: str(),
      name_masked: str(),
      id_tail: str(),
      offline_code: ref('OfflineCode'),
    }, ['review', 'offline_code']),
  },
  Health: openObj({ temperature: num, symptoms: arr(str()), fever_clinic_14d: bool }),
  PersonInput: {
    description: 'The person part of a declaration (SPEC §2); validated by the shared core, every problem reported at once.',
    ...openObj({
      name: str(), id_type: str(), id_number: str(), phone: str(), nationality: str(),
      region: str(), address: str(), relation: str(),
    }),
  },
  Declaration: {
    description: 'SPEC §5 POST /declarations: `person` or `person_id`.',
    ...openObj({
      person: ref('PersonInput'),
      person_id: str(),
      health: ref('Health'),
      travel_14d: arr(openObj({ region: str(), country: str(), from: str(), to: str() })),
      contact_14d: enm('none', 'confirmed', 'suspected', 'unsure'),
      arrived_from_overseas_on: str(),
      commitment: bool,
    }),
  },
  JoinPending: {
    description: 'A request to join a person already registered: the same answer whatever the name (server/README.md "Join requests").',
    ...obj({ state: enm('pending'), request_id: str(), message_zh: str(), message_en: str() }),
  },
  PersonDetail: obj({
    person_id: str(), name: str(), name_masked: str(), id_type: str(), id_masked: str(), id_tail: str(),
    phone: str(), phone_masked: str(), nationality: str(), region: str(), address: str(), relation: str(),
    identity_locked: bool, edit_allowed: bool, edit_policy: str(), guardians: int(),
  }),
  Appeal: obj({
    appeal_id: str(), person_id: str(), name_masked: str(), topic: enm('color', 'identity', 'other'),
    message: str(), reason: str(), state: str(), status: str(), filed_at: iso, created_at: iso, due_at: iso,
    resolved_at: isoOrNull, note: str(), resolution: str(),
  }),
  AdminAppeal: obj({
    appeal_id: str(), person_id: str(), name_masked: str(), topic: str(), message: str(),
    state: enm('open', 'resolved', 'rejected'), filed_at: iso, due_at: iso, overdue: bool,
    resolved_at: isoOrNull, resolved_by: str(), note: str(),
  }),
  Venue: obj({
    venue_id: str(), name: str(), region: str(), region_name: str(), address: str(), url: str(),
    created_at: iso, visits_today: int(), visits_total: int(),
  }),
  Recolour: obj({ total: int(), changed: int(), transitions: { type: 'object', additionalProperties: int() } }),
  RecolourJob: {
    description: 'A background recolouring (server/README.md "Recolouring in the background").',
    ...obj({
      job_id: str(), kind: enm('ruleset', 'risk_areas', 'case_status'), subject: str(),
      state: enm('queued', 'running', 'finished', 'superseded', 'failed', 'stopped'),
      total: { type: ['integer', 'null'] }, done: int(), stored: int(), counts: ref('Recolour'),
      created_at: isoOrNull, started_at: isoOrNull, finished_at: isoOrNull, seconds: num, rate: num,
      superseded_by: str(), error: str(),
    }, ['superseded_by', 'error']),
  },
  // A job that was forgotten between being made and being described: its id only.
  RecolourJobRef: { oneOf: [ref('RecolourJob'), obj({ job_id: str() })] },
  Staff: obj({
    staff_id: str(), username: str(), role: enm(...roles.filter((r) => r !== 'resident')), disabled: bool,
    created_at: iso, failures: int(), locked_until: isoOrNull, totp: enm('none', 'pending', 'enrolled'),
  }),
  IssuerKey: openObj({ kid: str(), alg: str(), crv: str(), x: str() }, ['kid', 'x']),
  TrustedIssuer: obj({
    issuer: str(), name: str(), keys_url: str(), keys: arr(ref('IssuerKey')), updated_at: iso, added_by: str(),
  }, ['added_by']),
  RuleSetSummary: obj({
    ruleset_id: str(), id: str(), version: str(), source: enm('preset', 'upload'), active: bool,
    uploaded_at: isoOrNull, uploaded_by: str(),
  }, ['uploaded_by']),
  ImportAnswer: {
    description: '200 when the recolouring ended within --recolour-wait-ms (with its counts), 202 with the job otherwise.',
    ...obj({
      accepted: int(), errors: arr(obj({ line: int(), code: str(), message: str() })),
      recolored: int(), rescored: int(), transitions: { type: 'object', additionalProperties: int() },
      job: ref('RecolourJobRef'),
    }, ['recolored', 'rescored', 'transitions', 'job']),
  },
};

// ---- operations -----------------------------------------------------------
const json = (schema) => ({ 'application/json': { schema } });
const ok = (schema, description = 'OK') => ({ description, content: json(schema) });

// Error answers: {status: [codes]}.
function errorResponse(status, codes) {
  const schema = status === 422 && codes.includes('*fields')
    ? (codes.length === 1 ? ref('FieldErrors')
      : { oneOf: [ref('FieldErrors'), errorWithCodes(codes.filter((c) => c !== '*fields'))] })
    : errorWithCodes(codes);
  const names = codes.map((c) => (c === '*fields' ? 'field errors' : c)).join(', ');
  return { description: names, content: json(schema) };
}
function errorWithCodes(codes) {
  return {
    allOf: [ref('Error')],
    properties: { error: { properties: { code: { enum: codes } } } },
  };
}

const STAFF = roles.filter((r) => r !== 'resident');
// roles: [] anyone, ['*'] any signed-in caller, else the roles allowed.
function security(roleList) {
  if (roleList.length === 0) return [];
  const any = roleList[0] === '*';
  const res = any || roleList.includes('resident');
  const staff = any ? STAFF : roleList.filter((r) => STAFF.includes(r));
  const out = [];
  if (res || staff.length) out.push({ bearer: any ? [] : roleList });
  if (res) out.push({ residentCookie: any ? [] : ['resident'], deviceSessionHeader: [] });
  if (staff.length) out.push({ staffCookie: any ? [] : staff, deviceSessionHeader: [] });
  return out;
}

const paths = {};
// op(method, path, {summary, roles, body, query, ok: {status: response}, errors: {status: [codes]}, pool})
function op(method, path, o) {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1], in: 'path', required: true, schema: str(),
  }));
  for (const [name, q] of Object.entries(o.query || {})) {
    params.push({ name, in: 'query', required: false, description: q.description, schema: q.schema || str() });
  }
  const errors = { ...(o.errors || {}) };
  const add = (status, ...codes) => { errors[status] = [...new Set([...(errors[status] || []), ...codes])]; };
  add(400, 'bad_query');
  if (o.body) { add(400, 'bad_json'); add(413, 'too_large'); }
  if (o.roles.length) add(401, 'unauthorized');
  if (o.roles.length && o.roles[0] !== '*') add(403, 'forbidden');
  if (o.pool) add(503, 'busy');
  add(500, 'internal');
  const responses = {};
  const names = { 200: 'OK', 201: 'Created', 202: 'Accepted' };
  for (const [status, r] of Object.entries(o.ok)) {
    responses[status] = r.description === 'OK' ? { ...r, description: names[status] } : r;
  }
  for (const [status, codes] of Object.entries(errors)) responses[status] = errorResponse(Number(status), codes);
  const operation = {
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    'x-ankang-roles': o.roles,
    security: security(o.roles),
    ...(params.length ? { parameters: params } : {}),
    ...(o.body ? { requestBody: { required: true, content: json(o.body) } } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
  paths[path] = paths[path] || {};
  paths[path][method.toLowerCase()] = operation;
}

const ANY = [];
const AUTH = ['*'];
const RES = ['resident'];
const ADMIN = ['admin'];
const VERIFIERS = ['verifier', 'admin'];
const ISSUER = ['issuer', 'admin'];
const VENUE = ['venue', 'admin'];
const svg = (description) => ({ description, content: { 'image/svg+xml': { schema: str() } } });
const decisionBody = (...values) => openObj({ decision: enm(...values), note: str() }, ['decision']);
const offlineQuery = { offline: { description: '1: each CODE also carries offline_code', schema: enm('1') } };

// public.cc
op('GET', '/api/v1/keys', {
  summary: 'Our published signing keys (cacheable, 5 min)', roles: ANY,
  ok: { 200: ok(obj({ issuer: str(), keys: arr(obj({
    kid: str(), kty: enm('OKP'), alg: enm('EdDSA'), crv: enm('Ed25519'), use: enm('sig'), x: str(),
    not_before: iso, not_after: isoOrNull })) })) },
});
op('GET', '/api/v1/rules', {
  summary: 'The rule set in force (its JSON document as stored)', roles: ANY,
  ok: { 200: ok(openObj({ id: str(), version: str() })) },
});
op('GET', '/api/v1/risk-areas', {
  summary: 'Public risk areas (feed the browser preview)', roles: ANY,
  ok: { 200: ok(arr(obj({ region: str(), level: enm('high', 'medium', 'low') }))) },
});
op('GET', '/api/v1/openapi.json', {
  summary: 'This document (cacheable)', roles: ANY,
  ok: { 200: ok(openObj({ openapi: str(), paths: { type: 'object' } }, ['openapi', 'paths'])) },
});
op('GET', '/healthz', {
  summary: 'Liveness', roles: ANY,
  ok: { 200: ok(obj({ status: enm('ok'), schema_version: int(), now: iso, dev: bool })) },
});
op('GET', '/metrics', {
  summary: 'Prometheus text format', description: 'A loopback client that came through no proxy (or a loopback --trusted-proxy), or `Authorization: Bearer <--metrics-token>`; anyone else 403.',
  roles: ANY, errors: { 403: ['forbidden'] },
  ok: { 200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: str() } } } },
});
op('GET', '/api/v1/dev/clock', {
  summary: '--dev only: the server clock (404 without --dev)', roles: ANY, ok: { 200: ok(obj({ now: iso })) },
  errors: { 404: ['not_found'] },
});
op('POST', '/api/v1/dev/clock', {
  summary: '--dev only: move the server clock (404 without --dev)', roles: ANY,
  body: openObj({ now: iso, reset: bool }), errors: { 404: ['not_found'], 422: ['*fields'] },
  ok: { 200: ok(obj({ now: iso })) },
});

// auth.cc
op('POST', '/api/v1/auth/otp', {
  summary: 'Send a one-time log-in code', roles: ANY, body: obj({ phone: str() }),
  description: '`dev_code` only with --dev. 429 `rate_limited` (one a minute, 10 a day per phone, --otp-per-ip-per-hour) and 503 `sms_busy` carry Retry-After.',
  ok: { 202: ok(obj({ sent: enm(true), expires_in: int(), dev_code: str({ pattern: '^[0-9]{6}$' }) }, ['dev_code']), 'Queued for the SMS gateway') },
  errors: { 422: ['*fields'], 429: ['rate_limited'], 503: ['sms_busy'] },
});
op('POST', '/api/v1/auth/login', {
  summary: 'Resident log-in by phone and one-time code', roles: ANY,
  description: 'With `"cookie": true` or `X-Ankang-Session: resident` a device session: Set-Cookie ankang_session, and `session: "cookie"` instead of `token`.',
  body: openObj({ phone: str(), code: str(), cookie: bool }, ['phone', 'code']),
  ok: { 200: ok(obj({ account_id: str(), expires_at: iso, token: str(), session: enm('cookie') }, ['token', 'session'])) },
  errors: { 401: ['code_expired', 'bad_code'], 422: ['*fields'], 429: ['too_many_attempts'] },
});
op('POST', '/api/v1/auth/staff', {
  summary: 'Staff sign-in (back-off, TOTP for admins)', roles: ANY, pool: true,
  description: 'See server/README.md "Staff sign-in". 429 `sign_in_locked` and 503 `busy` carry Retry-After. With `"cookie": true` or `X-Ankang-Session: staff` a device session (cookie ankang_staff).',
  body: openObj({ username: str(), password: str(), totp: str(), cookie: bool }, ['username', 'password']),
  ok: { 200: ok(obj({ role: enm(...STAFF), username: str(), expires_at: iso, token: str(), session: enm('cookie') }, ['token', 'session'])) },
  errors: { 401: ['bad_credentials', 'totp_required', 'bad_totp'], 403: ['totp_not_enrolled'], 429: ['sign_in_locked'] },
});
op('POST', '/api/v1/auth/staff/totp', {
  summary: 'A new TOTP secret for the calling admin, shown once', roles: ADMIN,
  ok: { 200: ok(obj({ secret: str(), otpauth_url: str(), digits: int(), period: int() })) },
  errors: { 409: ['totp_enrolled'] },
});
op('POST', '/api/v1/auth/staff/totp/confirm', {
  summary: 'Enrol the pending TOTP secret with its first code', roles: ADMIN,
  body: openObj({ code: str() }, ['code']),
  ok: { 200: ok(obj({ totp: enm('enrolled') })) },
  errors: { 401: ['bad_totp'], 409: ['no_pending_totp'] },
});
op('POST', '/api/v1/auth/logout', {
  summary: 'End this session (a device session\'s cookie is deleted too)', roles: AUTH,
  ok: { 200: ok(obj({ logged_out: enm(true) })) },
});
op('GET', '/api/v1/me', {
  summary: 'Who am I', roles: AUTH,
  ok: { 200: ok({ oneOf: [
    obj({ kind: enm('staff'), role: enm(...STAFF), username: str() }),
    obj({ kind: enm('resident'), role: enm('resident'), account_id: str(), phone_masked: str() }),
  ] }) },
});

// resident.cc
const joinErrors = { 409: ['join_required', 'identity_mismatch', 'self_exists', 'too_many_persons', 'too_many_guardians'], 429: ['too_many_requests'] };
op('POST', '/api/v1/declarations', {
  summary: 'Declare (for oneself or a family member)', roles: RES, body: ref('Declaration'), query: offlineQuery,
  description: 'An ID number already registered, by an account not yet its guardian: 202 and a join request, nothing declared. 404 for a `person_id` the account does not reach.',
  ok: {
    201: ok(obj({ person_id: str(), declaration_id: str(), code: { oneOf: [ref('Code'), { type: 'null' }] } })),
    202: ok(ref('JoinPending'), 'A request to join that person'),
  },
  errors: { ...joinErrors, 404: ['not_found'], 422: ['*fields'] },
});
op('GET', '/api/v1/persons', {
  summary: 'The account\'s persons, each with their code', roles: RES, query: offlineQuery,
  ok: { 200: ok(arr(obj({ person_id: str(), name_masked: str(), relation: str(), code: { oneOf: [ref('Code'), { type: 'null' }] } }))) },
});
op('GET', '/api/v1/persons/{id}', {
  summary: 'Personal info (own persons)', roles: RES,
  ok: { 200: ok(ref('PersonDetail')) }, errors: { 404: ['not_found'] },
});
op('PATCH', '/api/v1/persons/{id}', {
  summary: 'Edit personal info (edit policy of the rule set; identity locked once a code was issued)', roles: RES,
  body: openObj({ name: str(), id_type: str(), id_number: str(), phone: str(), nationality: str(), region: str(), address: str() }),
  ok: { 200: ok(ref('PersonDetail')) },
  errors: { 403: ['not_the_person'], 404: ['not_found'], 409: ['identity_locked', 'edit_limit', 'id_taken'], 422: ['*fields'] },
});
op('GET', '/api/v1/persons/{id}/code', {
  summary: 'The person\'s code (a fresh screen token each time)', roles: RES, query: offlineQuery,
  ok: { 200: ok(ref('Code')) }, errors: { 404: ['not_found'], 409: ['no_declaration'] },
});
op('POST', '/api/v1/persons/{id}/checkins', {
  summary: 'Daily check-in (one a day)', roles: RES, query: offlineQuery,
  body: openObj({ temperature: num, symptoms: arr(str()) }),
  ok: { 201: ok(ref('Code')) },
  errors: { 404: ['not_found'], 409: ['no_declaration', 'already_checked_in'], 422: ['*fields'] },
});
op('GET', '/api/v1/persons/{id}/paper-code', {
  summary: 'Printable paper code (valid --paper-days), audited', roles: RES,
  query: { lang: { description: 'en for an English card', schema: str() } },
  ok: { 200: svg('The paper code') }, errors: { 404: ['not_found'], 409: ['no_declaration'] },
});
op('POST', '/api/v1/persons/{id}/appeals', {
  summary: 'File an appeal (due in 3 working days)', roles: RES,
  body: openObj({ topic: enm('color', 'identity', 'other'), message: str(), kind: str(), reason: str() }),
  ok: { 201: ok(ref('Appeal')) }, errors: { 404: ['not_found'], 422: ['*fields'] },
});
op('GET', '/api/v1/appeals', {
  summary: 'The account\'s appeals', roles: RES, ok: { 200: ok(arr(ref('Appeal'))) },
});
op('GET', '/api/v1/me/export', {
  summary: 'A copy of everything held about the account\'s persons (audited)', roles: RES,
  ok: { 200: ok(obj({
    exported_at: iso, account_id: str(),
    persons: arr(obj({
      ...schemas.PersonDetail.properties,
      id_number: str(),
      declarations: arr(obj({ declaration_id: str(), declared_at: iso, declaration: anyJson, review_state: str(), review_note: str() })),
      checkins: arr(obj({ at: iso, temperature: num, symptoms: anyJson })),
    })),
    appeals: arr(ref('Appeal')),
  })) },
});
op('GET', '/api/v1/family', {
  summary: 'Family members', roles: RES,
  ok: { 200: ok(obj({ persons: arr(obj({ person_id: str(), name_masked: str(), relation: str(), has_declaration: bool })), max_others: int(), max_guardians: int() })) },
});
op('POST', '/api/v1/family', {
  summary: 'Add a family member (a registered person only with consent: 202)', roles: RES,
  body: openObj({ person: ref('PersonInput') }),
  ok: {
    201: ok(obj({ person_id: str(), name_masked: str(), relation: str() })),
    202: ok(ref('JoinPending'), 'A request to join that person'),
  },
  errors: { ...joinErrors, 422: ['*fields'] },
});
op('DELETE', '/api/v1/family/{id}', {
  summary: 'Stop acting for a person (their phone is told)', roles: RES,
  ok: { 200: ok(obj({ removed: enm(true) })) }, errors: { 404: ['not_found'] },
});

// verify.cc
op('POST', '/api/v1/verify', {
  summary: 'Verify a scanned code', roles: VERIFIERS, body: openObj({ qr: str() }, ['qr']),
  ok: { 200: ok(obj({
    valid: bool,
    status: enm('current', 'changed', 'expired', 'bad_signature', 'unknown_issuer', 'malformed', 'bad_validity'),
    color: { oneOf: [color, { type: 'null' }] }, name_masked: strOrNull, id_tail: strOrNull, valid_until: strOrNull,
    checked_at: iso, offline: enm(false), token_color: color, issued_at: iso, expires_at: iso, kid: str(),
    kind: enm('screen', 'offline'), data_age_seconds: int({ minimum: 0 }), issuer: str(), issuer_name: str(),
  }, ['token_color', 'issued_at', 'expires_at', 'kid', 'kind', 'data_age_seconds', 'issuer', 'issuer_name'])) },
  errors: { 422: ['*fields'] },
});
op('POST', '/api/v1/verify/id', {
  summary: 'Check by ID number at the gate (masked name and colour only; audited, --id-checks-per-hour)', roles: VERIFIERS,
  body: openObj({ id_type: enm(...idTypes), id_number: str() }, ['id_number']),
  ok: { 200: ok(obj({ found: bool, name_masked: strOrNull, color: { oneOf: [color, { type: 'null' }] }, checked_at: iso, checks_left: int() })) },
  errors: { 422: ['*fields'], 429: ['too_many_requests'] },
});

// review.cc
op('GET', '/api/v1/review/pending', {
  summary: 'The review queue (own community for an issuer; audited)', roles: ISSUER,
  ok: { 200: ok(arr(obj({
    declaration_id: str(), person_id: str(), name_masked: str(), id_tail: str(), region: str(), region_name: str(),
    declared_at: iso, due_at: iso, declaration: anyJson,
  }))) },
});
op('POST', '/api/v1/review/{declaration_id}', {
  summary: 'Approve or reject a pending declaration (reject needs a note)', roles: ISSUER,
  body: decisionBody('approve', 'reject'),
  ok: { 200: ok(obj({ declaration_id: str(), review_state: enm('approved', 'rejected'), reviewed_at: iso })) },
  errors: { 404: ['not_found'], 409: ['not_pending'], 422: ['*fields'] },
});

// join_requests.cc
op('GET', '/api/v1/join-requests', {
  summary: 'Requests to join: incoming (to decide) and outgoing (own)', roles: RES,
  ok: { 200: ok(obj({
    incoming: arr(obj({ id: str(), person_id: str(), person_name_masked: str(), requester_phone_masked: str(), relation: str(), created_at: iso, expires_at: iso })),
    outgoing: arr(obj({ id: str(), name_masked: str(), relation: str(), state: enm('pending', 'approved', 'refused', 'withdrawn', 'expired'), created_at: iso, expires_at: iso })),
  })) },
});
op('POST', '/api/v1/join-requests/{id}/decision', {
  summary: 'A guardian approves or refuses a request', roles: RES, body: decisionBody('approve', 'refuse'),
  ok: { 200: ok(obj({ state: enm('approved', 'refused') })) },
  errors: { 404: ['not_found'], 409: ['not_pending', 'too_many_guardians', 'too_many_persons'], 422: ['*fields'] },
});
op('POST', '/api/v1/join-requests/{id}/confirm', {
  summary: 'The requester enters the code the person received', roles: RES, body: openObj({ code: str() }),
  ok: { 200: ok(obj({ state: enm('approved'), person_id: str() })) },
  errors: { 404: ['not_found'], 409: ['not_pending', 'too_many_guardians', 'too_many_persons'], 422: ['bad_code'] },
});
op('DELETE', '/api/v1/join-requests/{id}', {
  summary: 'The requester withdraws', roles: RES,
  ok: { 200: ok(obj({ state: enm('withdrawn') })) }, errors: { 404: ['not_found'], 409: ['not_pending'] },
});

// guardians.cc
op('GET', '/api/v1/persons/{id}/guardians', {
  summary: 'A person\'s guardians', roles: RES,
  ok: { 200: ok(obj({ guardians: arr(obj({ account_id: str(), phone_masked: str(), relation: str(), since: iso, me: bool })), can_remove_others: bool })) },
  errors: { 404: ['not_found'] },
});
op('DELETE', '/api/v1/persons/{id}/guardians/{account_id}', {
  summary: 'Remove a guardian (the person: anyone; a guardian: themselves)', roles: RES,
  ok: { 200: ok(obj({ removed: enm(true) })) }, errors: { 403: ['not_the_person'], 404: ['not_found'] },
});

// claims.cc
op('POST', '/api/v1/claims', {
  summary: 'Claim one\'s own ID number (纠错); the same answer whether or not it is registered', roles: RES,
  body: openObj({ id_type: str(), id_number: str(), name: str(), note: str() }),
  ok: { 202: ok(obj({ claim_id: str(), state: enm('pending') })) },
  errors: { 422: ['*fields'], 429: ['too_many_requests'] },
});
op('GET', '/api/v1/claims', {
  summary: 'Own claims', roles: RES,
  ok: { 200: ok(arr(obj({ claim_id: str(), state: enm('pending', 'approved', 'rejected'), created_at: iso, decided_at: isoOrNull, note: str(), decision_note: str() }))) },
});
op('GET', '/api/v1/review/claims', {
  summary: 'Pending claims (own community for an issuer; audited)', roles: ISSUER,
  ok: { 200: ok(arr(obj({ id: str(), claimed_name: str(), id_type: str(), id_masked: str(), record_name_masked: str(), guardians: int(), created_at: iso, note: str(), claimant_phone_masked: str() }))) },
});
op('POST', '/api/v1/review/claims/{id}', {
  summary: 'Approve or reject a claim', roles: ISSUER, body: decisionBody('approve', 'reject'),
  ok: { 200: ok(obj({ claim_id: str(), state: enm('approved', 'rejected'), person_id: strOrNull })) },
  errors: { 404: ['not_found'], 409: ['not_pending'], 422: ['*fields'] },
});

// sessions.cc
op('GET', '/api/v1/me/sessions', {
  summary: 'The resident\'s signed-in devices', roles: RES,
  ok: { 200: ok(obj({ sessions: arr(obj({ id: str(), device: str(), created_at: iso, last_seen_at: iso, expires_at: iso, current: bool })) })) },
});
op('DELETE', '/api/v1/me/sessions/{id}', {
  summary: 'Sign out one device', roles: RES,
  ok: { 200: ok(obj({ ended: int({ minimum: 1 }) })) }, errors: { 404: ['not_found'] },
});
op('POST', '/api/v1/me/sessions/sign-out-others', {
  summary: 'Sign out every other device', roles: RES, ok: { 200: ok(obj({ ended: int({ minimum: 0 }) })) },
});

// venues.cc
op('POST', '/api/v1/venues', {
  summary: 'Register a place', roles: VENUE, body: openObj({ name: str(), region: str(), address: str() }),
  ok: { 201: ok(ref('Venue')) }, errors: { 422: ['*fields'] },
});
op('GET', '/api/v1/venues', {
  summary: 'Own places (admin: all) with visit counts', roles: VENUE, ok: { 200: ok(arr(ref('Venue'))) },
});
op('GET', '/api/v1/venues/{id}', {
  summary: 'A place as /v/{id} shows it before log-in', roles: ANY,
  ok: { 200: ok(obj({ venue_id: str(), name: str(), region: str(), region_name: str(), address: str() })) },
  errors: { 404: ['not_found'] },
});
op('GET', '/api/v1/venues/{id}/poster', {
  summary: 'The venue poster (owner, admin)', roles: VENUE,
  ok: { 200: svg('QR of http(s)://<Host>/v/{id}') }, errors: { 404: ['not_found'], 500: ['qr_failed'] },
});
op('POST', '/api/v1/venues/{id}/checkins', {
  summary: 'Check in at a venue (self and up to 3 family members)', roles: RES,
  body: openObj({ visitors: arr(openObj({ person_id: str(), temperature: num }), { minItems: 1, maxItems: 4 }) }, ['visitors']),
  ok: { 201: ok(obj({ venue_id: str(), venue_name: str(), visits: arr(obj({
    visit_id: str(), person_id: str(), name_masked: str(), visited_at: iso, temperature: num, fever: bool,
    code: { oneOf: [ref('Code'), { type: 'null' }] } })) })) },
  errors: { 404: ['not_found'], 422: ['*fields'] },
});
op('GET', '/api/v1/admin/venues/{id}/visits', {
  summary: 'Who was there (masked; audited); default the last 14 days', roles: ADMIN,
  query: { from: { description: 'ISO 8601 instant' }, to: { description: 'ISO 8601 instant' } },
  ok: { 200: ok(obj({ venue_id: str(), from: iso, to: iso, visits: arr(obj({
    visit_id: str(), person_id: str(), name_masked: str(), visited_at: iso, temperature: num, color: str(), color_at_visit: str() })) })) },
  errors: { 404: ['not_found'], 422: ['*fields'] },
});
op('POST', '/api/v1/admin/venues/{id}/close-contacts', {
  summary: 'Everyone there in {from,to} becomes a close contact (never downgrading a case)', roles: ADMIN,
  body: openObj({ from: str(), to: str() }),
  ok: { 200: ok(obj({ venue_id: str(), people: int(), marked: int(), already_listed: int(), recolored: int(), rescored: int(), transitions: { type: 'object', additionalProperties: int() } })) },
  errors: { 404: ['not_found'], 422: ['*fields'] },
});

// admin_authority.cc
const areasAnswer = obj({ areas: arr(obj({ region: str(), level: enm('high', 'medium', 'low'), name: str() })) });
op('GET', '/api/v1/admin/risk-areas', { summary: 'Risk areas with names', roles: ADMIN, ok: { 200: ok(areasAnswer) } });
op('PUT', '/api/v1/admin/risk-areas', {
  summary: 'Replace the risk-area list (recolours at once)', roles: ADMIN,
  body: openObj({ areas: arr(openObj({ region: str(), level: enm('high', 'medium', 'low') })) }, ['areas']),
  ok: { 200: ok(areasAnswer) }, errors: { 422: ['*fields'] },
});
op('PUT', '/api/v1/admin/case-status', {
  summary: 'Set one person\'s case status (by ID number)', roles: ADMIN,
  body: openObj({ id_type: enm(...idTypes), id_number: str(), status: enm('confirmed', 'suspected', 'asymptomatic', 'close_contact', 'recovered', 'cleared', 'falsified'), since: str() }, ['id_type', 'id_number', 'status']),
  ok: { 200: ok(obj({ status: str(), since: str(), id_masked: str(), person_known: bool })) },
  errors: { 422: ['*fields'] },
});
const reviewRegions = obj({ regions: arr(str()), review_enabled: bool });
op('GET', '/api/v1/admin/review-regions', { summary: 'Regions where review is required', roles: ADMIN, ok: { 200: ok(reviewRegions) } });
op('PUT', '/api/v1/admin/review-regions', {
  summary: 'Replace the review regions', roles: ADMIN, body: openObj({ regions: arr(str()) }, ['regions']),
  ok: { 200: ok(reviewRegions) }, errors: { 422: ['*fields'] },
});
op('GET', '/api/v1/admin/regions', {
  summary: 'Region search (code prefix or name) with current level; no q: the risk areas', roles: ADMIN,
  query: { q: { description: 'code prefix or part of the name' } },
  ok: { 200: ok(areasAnswer) },
});
const importBody = openObj({ csv: str(), first_line: int() }, ['csv']);
op('POST', '/api/v1/admin/risk-areas/import', {
  summary: 'Import risk areas from CSV (region,level; ≤ 2000 lines a request)', roles: ADMIN, pool: true, body: importBody,
  ok: { 200: ok(ref('ImportAnswer')), 202: ok(ref('ImportAnswer'), 'Recolouring goes on in the background') },
  errors: { 400: ['bad_first_line'], 413: ['too_many_lines'] },
});
op('POST', '/api/v1/admin/case-status/import', {
  summary: 'Import case statuses from CSV (id_type,id_number,status,since)', roles: ADMIN, pool: true, body: importBody,
  ok: { 200: ok(ref('ImportAnswer')), 202: ok(ref('ImportAnswer'), 'Recolouring goes on in the background') },
  errors: { 400: ['bad_first_line'], 413: ['too_many_lines'] },
});

// admin_rulesets.cc
op('GET', '/api/v1/admin/rulesets', {
  summary: 'Presets and uploaded rule sets', roles: ADMIN,
  ok: { 200: ok(obj({ rulesets: arr(ref('RuleSetSummary')), in_force: str() })) },
});
op('POST', '/api/v1/admin/rulesets', {
  summary: 'Upload a rule set (every shape problem at once; a dry run over everyone)', roles: ADMIN,
  body: openObj({ rule_set: anyJson }, ['rule_set']),
  ok: { 201: ok(obj({ ...schemas.RuleSetSummary.properties, dry_run: ref('Recolour') }, ['uploaded_by'])) },
  errors: { 422: ['*fields'] },
});
// 422: the body lacks rule_set (field errors), or every problem of the rule set.
paths['/api/v1/admin/rulesets'].post.responses['422'] = {
  description: 'field errors (rule_set missing), or every problem of the rule set',
  content: json({ oneOf: [ref('FieldErrors'), ref('RuleSetProblems')] }),
};
op('POST', '/api/v1/admin/rulesets/dry-run', {
  summary: 'What a rule set would change, without storing it', roles: ADMIN,
  body: openObj({ rule_set: anyJson }, ['rule_set']),
  ok: { 200: ok(obj({ dry_run: ref('Recolour') })) },
});
paths['/api/v1/admin/rulesets/dry-run'].post.responses['422'] = { description: 'every problem of the rule set', content: json(ref('RuleSetProblems')) };
op('GET', '/api/v1/admin/rulesets/{id}', {
  summary: 'One rule set with its document (`preset:<name>` for a preset)', roles: ADMIN,
  ok: { 200: ok(obj({ ...schemas.RuleSetSummary.properties, rule_set: anyJson }, ['uploaded_by'])) },
  errors: { 404: ['not_found'] },
});
op('POST', '/api/v1/admin/rulesets/{id}/activate', {
  summary: 'Put a rule set in force; everyone is recoloured in the background', roles: ADMIN,
  ok: { 202: ok(obj({ ruleset_id: str(), active: enm(true), rules_version: str(), job: ref('RecolourJobRef') })) },
  errors: { 404: ['not_found'], 409: ['unusable'] },
});

// admin_recolour.cc
op('GET', '/api/v1/admin/recolour-jobs', {
  summary: 'The background recolourings, newest first (the last 20, until a restart)', roles: ADMIN,
  ok: { 200: ok(obj({ jobs: arr(ref('RecolourJob')) })) },
});
op('GET', '/api/v1/admin/recolour-jobs/{id}', {
  summary: 'One recolouring job and its progress', roles: ADMIN,
  ok: { 200: ok(ref('RecolourJob')) }, errors: { 404: ['not_found'] },
});

// admin_staff.cc
op('GET', '/api/v1/admin/staff', { summary: 'Staff accounts', roles: ADMIN, ok: { 200: ok(arr(ref('Staff'))) } });
op('POST', '/api/v1/admin/staff', {
  summary: 'Create a staff account (Argon2id on the password pool)', roles: ADMIN, pool: true,
  body: openObj({ username: str(), role: enm(...STAFF), password: str({ minLength: 10 }) }, ['username', 'role', 'password']),
  ok: { 201: ok(ref('Staff')) }, errors: { 409: ['username_taken'], 422: ['*fields'] },
});
op('PATCH', '/api/v1/admin/staff/{id}', {
  summary: 'A new password or disabled: true (ends every session of the account)', roles: ADMIN, pool: true,
  body: openObj({ password: str(), disabled: bool }),
  ok: { 200: ok(ref('Staff')) }, errors: { 404: ['not_found'], 422: ['*fields'] },
});
op('POST', '/api/v1/admin/staff/{id}/unlock', {
  summary: 'The username\'s sign-in failures start over', roles: ADMIN,
  ok: { 200: ok(ref('Staff')) }, errors: { 404: ['not_found'] },
});
op('DELETE', '/api/v1/admin/staff/{id}/totp', {
  summary: 'Remove an account\'s TOTP (a lost authenticator)', roles: ADMIN,
  ok: { 200: ok(ref('Staff')) }, errors: { 404: ['not_found'] },
});
op('GET', '/api/v1/admin/staff-regions', {
  summary: 'Each issuer\'s community: {staff_id: region}', roles: ADMIN,
  ok: { 200: ok(obj({ regions: { type: 'object', additionalProperties: str() } })) },
});
op('PUT', '/api/v1/admin/staff/{id}/region', {
  summary: 'Set an issuer\'s community ("" for none)', roles: ADMIN, body: openObj({ region: str() }),
  ok: { 200: ok(obj({ staff_id: str(), region: str(), region_name: str() })) },
  errors: { 404: ['not_found'], 422: ['*fields'] },
});

// admin_audit.cc
const colourCounts = { green: int(), yellow: int(), gray: int(), red: int() };
op('GET', '/api/v1/admin/statistics', {
  summary: 'People by their code\'s colour: now, by day, by region (audited)', roles: ADMIN,
  query: { days: { description: '1–366, default 14' } },
  ok: { 200: ok(obj({
    days: int(), current: obj(colourCounts), by_day: arr(obj({ date: str(), ...colourCounts })),
    by_region: arr(obj({ region: str(), name: str(), ...colourCounts })), declarations: int(), at: iso,
  })) },
});
op('GET', '/api/v1/admin/audit-log', {
  summary: 'Audit search (action is a prefix; audited)', roles: ADMIN,
  query: {
    actor: { description: 'staff username or kind:id' }, action: { description: 'prefix' }, target: {},
    from: { description: 'ISO 8601 instant' }, to: { description: 'ISO 8601 instant' }, limit: { description: '1–1000' },
  },
  ok: { 200: ok(obj({ entries: arr(obj({ at: iso, actor: str(), action: str(), target: str(), detail: anyJson })) })) },
});

// admin_issuers.cc
op('POST', '/api/v1/admin/keys/rotate', {
  summary: 'Rotate our signing key (old tokens still verify until they expire)', roles: ADMIN,
  ok: { 200: ok(obj({ kid: str(), not_before: iso })) },
});
op('GET', '/api/v1/admin/issuers', {
  summary: 'Trusted other issuers (互认)', roles: ADMIN, ok: { 200: ok(obj({ issuers: arr(ref('TrustedIssuer')) })) },
});
op('POST', '/api/v1/admin/issuers', {
  summary: 'Trust an issuer: its keys pasted, or fetched from keys_url (on the fetch pool)', roles: ADMIN, pool: true,
  body: openObj({ issuer: str(), name: str(), keys_url: str(), keys: anyJson }, ['issuer']),
  ok: { 201: ok(ref('TrustedIssuer')) },
  errors: { 422: ['*fields', 'keys_unreachable', 'bad_keys', 'issuer_mismatch'] },
});
op('POST', '/api/v1/admin/issuers/{issuer}/refresh', {
  summary: 'Fetch a trusted issuer\'s key list again', roles: ADMIN, pool: true,
  ok: { 200: ok(ref('TrustedIssuer')) },
  errors: { 404: ['not_found'], 409: ['no_url'], 422: ['keys_unreachable', 'bad_keys', 'issuer_mismatch'] },
});
op('DELETE', '/api/v1/admin/issuers/{issuer}', {
  summary: 'Stop trusting an issuer', roles: ADMIN,
  ok: { 200: ok(obj({ removed: str() })) }, errors: { 404: ['not_found'] },
});
op('GET', '/api/v1/issuers', {
  summary: 'Trusted issuers\' keys for the verifier\'s offline list', roles: VERIFIERS,
  ok: { 200: ok(obj({ issuers: arr(ref('TrustedIssuer')), own_issuer: str() })) },
});

// admin_persons.cc
op('GET', '/api/v1/admin/appeals', {
  summary: 'Appeals (audited)', roles: ADMIN, query: { state: { description: 'open, resolved or rejected; empty: all' } },
  ok: { 200: ok(arr(ref('AdminAppeal'))) },
});
op('POST', '/api/v1/admin/appeals/{id}/resolve', {
  summary: 'Resolve or reject an appeal, optionally correcting the identity', roles: ADMIN,
  body: openObj({ decision: enm('resolved', 'rejected'), note: str(), correction: openObj({ name: str(), id_type: str(), id_number: str() }) }, ['note']),
  ok: { 200: ok(ref('AdminAppeal')) },
  errors: { 404: ['not_found'], 409: ['already_resolved', 'id_taken'], 422: ['*fields'] },
});
op('POST', '/api/v1/admin/persons/search', {
  summary: 'Masked search by ID number, phone or person id (audited)', roles: ADMIN,
  body: openObj({ q: str() }, ['q']),
  ok: { 200: ok(obj({ persons: arr(obj({ person_id: str(), name_masked: str(), id_type: str(), id_masked: str(), region: str(), region_name: str(), color: str() })) })) },
  errors: { 422: ['*fields'] },
});
op('POST', '/api/v1/admin/persons/{id}/reveal', {
  summary: 'Full personal data, only with a reason (audited)', roles: ADMIN,
  body: openObj({ reason: str({ minLength: 4, maxLength: 200 }) }, ['reason']),
  ok: { 200: ok(obj({ person: obj({
    person_id: str(), name: str(), id_type: str(), id_number: str(), phone: str(), nationality: str(), region: str(),
    region_name: str(), address: str(), color: str(), case_status: str() }), audited: enm(true) })) },
  errors: { 404: ['not_found'], 422: ['*fields'] },
});

// ---- the document ---------------------------------------------------------
const doc = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'Ankang API',
    version: '1',
    summary: 'Health declarations and health codes (SPEC §5; server/README.md)',
    description: [
      'All bodies are JSON (UTF-8) unless a response says otherwise. Times are ISO 8601 with offset.',
      'Errors: `{"error":{"code","message"}}` (schema Error); field errors: 422 `{"errors":[{"field","code","message"}]}` (schema FieldErrors).',
      'Each operation lists the statuses it answers and, for errors, the codes. Besides these, any /api/ path no route matches answers 404 `not_found`, a route\'s path with another method 405 `method_not_allowed` (with Allow), a body over 64 KiB 413 `too_large`, and a request unanswered for 10 s 408 (Pistache).',
      'Authentication: `Authorization: Bearer <token>` (from a log-in), or a device session: the HttpOnly cookie `ankang_session` (resident) or `ankang_staff` (staff), used only on requests that carry `X-Ankang-Session: resident|staff` and no Authorization. Roles: `x-ankang-roles` per operation ([] anyone; ["*"] any signed-in caller); a missing or expired session answers 401 `unauthorized`, another role 403 `forbidden`.',
      '`/api/v1/dev/clock` exists only with --dev.',
    ].join('\n\n'),
  },
  servers: [{ url: '/' }],
  paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  components: {
    schemas,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'A session token from POST /api/v1/auth/login or /auth/staff; the role list is the roles allowed.' },
      residentCookie: { type: 'apiKey', in: 'cookie', name: 'ankang_session', description: 'A resident device session (HttpOnly; only with X-Ankang-Session: resident).' },
      staffCookie: { type: 'apiKey', in: 'cookie', name: 'ankang_staff', description: 'A staff device session (HttpOnly; only with X-Ankang-Session: staff).' },
      deviceSessionHeader: { type: 'apiKey', in: 'header', name: 'X-Ankang-Session', description: '`resident` or `staff`: the kind of device session the cookie holds (a header no cross-site form can send).' },
    },
  },
};

const out = join(dirname(fileURLToPath(import.meta.url)), 'openapi.json');
export const text = `${JSON.stringify(doc, null, 1)}\n`;
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(out, text);
  const n = Object.values(doc.paths).reduce((s, p) => s + Object.keys(p).length, 0);
  console.log(`wrote ${out}: ${n} operations`);
}
