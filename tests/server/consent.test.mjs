// Issue 9 against a server WITHOUT --dev: knowing a person's name and ID number
// opens nothing. Each attack of the issue is tried and fails (no data, no
// declaration, the victim's code unchanged, the same answer for a right and a
// wrong name, 429 after repeated guesses); consent by the person's code or a
// guardian's approval, guardian removal and the claim through the issuer's
// review succeed end to end. One-time codes and notices are read from a test
// SMS webhook; staff are made with `staff add`. Residents' device sessions
// need two log-ins of one phone, so that test moves the --dev clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { startServer, call, declaration, serverBin, tempDir, newPhone, newId, freshPgDatabase } from './lib.mjs';

let srv;
let hook;
const sms = [];  // every body the webhook received
let issuer;
let admin;

before(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { sms.push(JSON.parse(body)); res.end('ok'); });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const data = tempDir();
  // Under postgres.test.mjs the staff must be made in the database the server will use.
  const db = process.env.ANKANG_TEST_PG ? ['--db', freshPgDatabase()] : [];
  for (const [username, role] of [['issuer1', 'issuer'], ['admin1', 'admin']]) {
    const add = spawnSync(serverBin, ['staff', 'add', '--username', username, '--role', role, '--data', data, ...db],
      { input: `${username} long password\n` });
    assert.equal(add.status, 0, add.stderr.toString());
  }
  srv = await startServer({ dev: false, data, args: ['--otp-webhook', `http://127.0.0.1:${hook.address().port}/sms`, ...db] });
  const staff = async (username) => {
    const r = await call(srv.base, 'POST', '/api/v1/auth/staff', { body: { username, password: `${username} long password` } });
    assert.equal(r.status, 200, r.text);
    return r.json.token;
  };
  issuer = await staff('issuer1');
  admin = await staff('admin1');
});

after(async () => {
  await srv.stop();
  srv.cleanup();
  hook.close();
});

const api = (method, path, token, body, headers) => call(srv.base, method, path, { token, body, headers });
// The webhook is called from the server's sending thread, just after the answer.
async function until(fn, ms = 5000) {
  for (const end = Date.now() + ms; !fn() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
  return fn();
}
const lastTo = (phone, kind) => until(() => [...sms].reverse().find((m) => m.phone === phone && m.kind === kind));

// Logs a phone in with the code the webhook received.
async function login(phone = newPhone(), headers = {}) {
  const otp = await api('POST', '/api/v1/auth/otp', undefined, { phone });
  assert.equal(otp.status, 202, otp.text);
  assert.equal(otp.json.dev_code, undefined, 'no dev code without --dev');
  const r = await api('POST', '/api/v1/auth/login', undefined, { phone, code: (await lastTo(phone, 'login')).code }, headers);
  assert.equal(r.status, 200, r.text);
  return { phone, token: r.json.token, account: r.json.account_id };
}

// A resident who declared for themself (their phone on record); returns the account and person.
async function victim(name = '李秀英') {
  const v = await login();
  const id = newId();
  const d = declaration({ name, id });
  d.person.phone = v.phone;
  const r = await api('POST', '/api/v1/declarations', v.token, d);
  assert.equal(r.status, 201, r.text);
  return { ...v, id, name, pid: r.json.person_id, code: r.json.code };
}

const joinBody = (name, id, relation = 'parent') => ({ person: { name, id_type: 'resident_id', id_number: id, relation } });

async function audit(action) {
  const r = await api('GET', `/api/v1/admin/audit-log?action=${action}&limit=500`, admin);
  assert.equal(r.status, 200, r.text);
  return r.json.entries;
}

test('a stranger with the right name and ID gets a request: no data, no declaration, no edit', async () => {
  const v = await victim();
  const a = await login();
  const add = await api('POST', '/api/v1/family', a.token, joinBody(v.name, v.id));
  assert.equal(add.status, 202, add.text);
  assert.deepEqual(Object.keys(add.json).sort(), ['message_en', 'message_zh', 'request_id', 'state']);
  assert.equal(add.json.state, 'pending');
  assert.ok(!add.text.includes(v.pid), 'no person id');
  assert.deepEqual((await api('GET', '/api/v1/persons', a.token)).json, []);
  assert.deepEqual((await api('GET', '/api/v1/family', a.token)).json.persons, []);
  for (const path of ['', '/code', '/paper-code', '/guardians']) {
    assert.equal((await api('GET', `/api/v1/persons/${v.pid}${path}`, a.token)).status, 404, path);
  }
  const exp = await api('GET', '/api/v1/me/export', a.token);
  assert.deepEqual(exp.json.persons, []);
  assert.ok(!exp.text.includes(v.id) && !exp.text.includes(v.phone));
  // Declaring fever and contact with a confirmed case for the victim: only a request.
  const fever = declaration({ name: v.name, id: v.id, relation: 'parent', temperature: 38.6, symptoms: ['fever'], contact: 'confirmed' });
  const d = await api('POST', '/api/v1/declarations', a.token, fever);
  assert.equal(d.status, 202, d.text);
  assert.deepEqual(Object.keys(d.json).sort(), ['message_en', 'message_zh', 'request_id', 'state']);
  assert.equal((await api('PATCH', `/api/v1/persons/${v.pid}`, a.token, { region: '370102' })).status, 404);
  assert.equal((await api('POST', `/api/v1/persons/${v.pid}/checkins`, a.token, { temperature: 39, symptoms: ['fever'] })).status, 404);
  const code = await api('GET', `/api/v1/persons/${v.pid}/code`, v.token);
  assert.equal(code.json.color, 'green', 'the victim\'s code is unchanged');
  assert.equal(code.json.declared_at, v.code.declared_at);
  const person = await api('GET', `/api/v1/persons/${v.pid}`, v.token);
  assert.equal(person.json.region, '110105');
  assert.equal(person.json.guardians, 1);
  // The person was asked on their phone, and sees the requests on their page.
  const asked = await lastTo(v.phone, 'join_request');
  assert.ok(asked && /^\d{6}$/.test(asked.code) && asked.message.includes(asked.code));
  const incoming = (await api('GET', '/api/v1/join-requests', v.token)).json.incoming;
  assert.equal(incoming.length, 2);
  assert.equal(incoming[0].person_id, v.pid);
  assert.match(incoming[0].requester_phone_masked, /^136\*{4}\d{4}$/);
  const outgoing = (await api('GET', '/api/v1/join-requests', a.token)).json;
  assert.deepEqual(outgoing.incoming, []);
  assert.equal(outgoing.outgoing.length, 2);
  assert.ok(outgoing.outgoing.every((r) => r.state === 'pending'));
});

test('no oracle: the same answer for a right and a wrong name; 429 after repeated guesses; audited', async () => {
  const v = await victim('王建国');
  const right = await login();
  const wrong = await login();
  const r1 = await api('POST', '/api/v1/family', right.token, joinBody(v.name, v.id));
  const r2 = await api('POST', '/api/v1/family', wrong.token, joinBody('王建军', v.id));
  assert.equal(r1.status, 202);
  assert.equal(r2.status, r1.status);
  const strip = (j) => ({ ...j, request_id: undefined });
  assert.deepEqual(strip(r2.json), strip(r1.json));
  // A wrong name's request looks pending to its maker, as a right one does; a code never opens it.
  const o1 = (await api('GET', '/api/v1/join-requests', right.token)).json.outgoing[0];
  const o2 = (await api('GET', '/api/v1/join-requests', wrong.token)).json.outgoing[0];
  assert.equal(o2.state, o1.state);
  const bad1 = await api('POST', `/api/v1/join-requests/${o1.id}/confirm`, right.token, { code: '000000' });
  const bad2 = await api('POST', `/api/v1/join-requests/${o2.id}/confirm`, wrong.token, { code: (await lastTo(v.phone, 'join_request')).code });
  assert.equal(bad1.status, 422);
  assert.equal(bad2.status, 422);
  assert.deepEqual(bad2.json, bad1.json);
  // Only the right-name request reaches the person.
  assert.equal((await api('GET', '/api/v1/join-requests', v.token)).json.incoming.length, 1);
  // Guessing names from one account: 5 requests a day, then 429 — also for the right name.
  const guesser = await login();
  const v2 = await victim('赵丽');
  const answers = [];
  for (const name of ['赵一', '赵二', '赵三', '赵四', '赵五', '赵六', '赵七', '赵丽']) {
    answers.push(await api('POST', '/api/v1/family', guesser.token, joinBody(name, v2.id)));
  }
  assert.deepEqual(answers.map((a) => a.status), [202, 202, 202, 202, 202, 429, 429, 429]);
  assert.equal(answers[7].json.error.code, 'too_many_requests');
  assert.ok(Number(answers[7].headers.get('retry-after')) > 0);
  // The ID number has used up its requests too: another account with the right name gets 429.
  const other = await login();
  const late = await api('POST', '/api/v1/family', other.token, joinBody(v2.name, v2.id));
  assert.equal(late.status, 429);
  assert.deepEqual((await api('GET', '/api/v1/persons', guesser.token)).json, []);
  // Failures are audited with ids only.
  const mismatches = (await audit('family.join_mismatch')).filter((e) => e.target === v2.pid);
  assert.equal(mismatches.length, 5);
  assert.equal(mismatches[0].actor, `account:${guesser.account}`);
  const limited = (await audit('family.join_limited')).filter((e) => e.target === v2.pid);
  assert.equal(limited.length, 4);
  const all = JSON.stringify(await audit('family'));
  for (const secret of [v.name, v.id, v.phone, v2.name, v2.id, v2.phone, '赵一', guesser.phone]) {
    assert.ok(!all.includes(secret), 'no personal data in the audit log');
  }
});

test('consent by the code sent to the person\'s phone; the person is told when someone joins', async () => {
  const v = await victim('陈桂兰');
  const son = await login();
  const req = await api('POST', '/api/v1/family', son.token, joinBody(v.name, v.id, 'child'));
  assert.equal(req.status, 202);
  const sent = await lastTo(v.phone, 'join_request');
  assert.ok(sent, 'a code went to the phone on record');
  const id = req.json.request_id;
  assert.equal((await api('POST', `/api/v1/join-requests/${id}/confirm`, son.token, { code: '999999' })).json.error.code, 'bad_code');
  const stranger = await login();
  assert.equal((await api('POST', `/api/v1/join-requests/${id}/confirm`, stranger.token, { code: sent.code })).status, 404,
    'only the requester can use the code');
  const ok = await api('POST', `/api/v1/join-requests/${id}/confirm`, son.token, { code: sent.code });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { state: 'approved', person_id: v.pid });
  const persons = (await api('GET', '/api/v1/persons', son.token)).json;
  assert.equal(persons.length, 1);
  assert.equal(persons[0].person_id, v.pid);
  assert.equal(persons[0].relation, 'child');
  assert.equal((await api('GET', `/api/v1/persons/${v.pid}`, son.token)).status, 200);
  const told = await lastTo(v.phone, 'notice');
  assert.ok(told && told.message.includes('136****'), 'the person is told who joined');
  assert.equal((await api('POST', `/api/v1/join-requests/${id}/confirm`, son.token, { code: sent.code })).status, 409);
  assert.ok((await audit('family.join_confirm')).some((e) => e.target === v.pid));
});

test('consent on a guardian\'s page: approve, refuse, withdraw; 5 wrong codes refuse the request', async () => {
  const parent = await login();
  const child = declaration({ name: '刘小明', id: newId(), relation: 'child' });
  child.person.phone = parent.phone;
  const c = await api('POST', '/api/v1/declarations', parent.token, child);
  assert.equal(c.status, 201);
  const pid = c.json.person_id;
  const [mother, stranger, quitter, guesser] = [await login(), await login(), await login(), await login()];
  const ask = async (who, name = '刘小明') => (await api('POST', '/api/v1/family', who.token, joinBody(name, child.person.id_number, 'child'))).json.request_id;
  const rm = await ask(mother);
  const rs = await ask(stranger);
  const rq = await ask(quitter);
  const incoming = (await api('GET', '/api/v1/join-requests', parent.token)).json.incoming;
  assert.deepEqual(incoming.map((r) => r.id).sort(), [rm, rs, rq].sort());
  assert.equal((await api('POST', `/api/v1/join-requests/${rm}/decision`, stranger.token, { decision: 'approve' })).status, 404,
    'only a guardian decides');
  assert.deepEqual((await api('POST', `/api/v1/join-requests/${rm}/decision`, parent.token, { decision: 'approve' })).json, { state: 'approved' });
  assert.deepEqual((await api('POST', `/api/v1/join-requests/${rs}/decision`, parent.token, { decision: 'refuse' })).json, { state: 'refused' });
  assert.deepEqual((await api('DELETE', `/api/v1/join-requests/${rq}`, quitter.token)).json, { state: 'withdrawn' });
  assert.equal((await api('GET', '/api/v1/persons', mother.token)).json[0].person_id, pid);
  assert.deepEqual((await api('GET', '/api/v1/persons', stranger.token)).json, [], 'a refusal leaves nothing behind');
  assert.equal((await api('GET', '/api/v1/join-requests', stranger.token)).json.outgoing[0].state, 'refused');
  assert.deepEqual((await api('GET', '/api/v1/persons', quitter.token)).json, []);
  assert.deepEqual((await api('GET', '/api/v1/join-requests', parent.token)).json.incoming, []);
  const rg = await ask(guesser);
  const tries = [];
  for (let i = 0; i < 6; i++) tries.push((await api('POST', `/api/v1/join-requests/${rg}/confirm`, guesser.token, { code: String(100000 + i) })).status);
  assert.deepEqual(tries, [422, 422, 422, 422, 422, 409]);
  assert.equal((await api('GET', '/api/v1/join-requests', guesser.token)).json.outgoing[0].state, 'refused');
  assert.ok((await audit('family.join_approve')).some((e) => e.target === pid));
  assert.ok((await audit('family.join_refuse')).some((e) => e.target === pid));
});

test('guardians under the person\'s control: strangers cannot fill the slots; the person removes anyone', async () => {
  const v = await victim('孙丽华');
  // Three strangers who know name and ID: three requests, no guardian slot taken.
  for (let i = 0; i < 3; i++) {
    const s = await login();
    assert.equal((await api('POST', '/api/v1/family', s.token, joinBody(v.name, v.id))).status, 202);
  }
  let list = (await api('GET', `/api/v1/persons/${v.pid}/guardians`, v.token)).json;
  assert.equal(list.guardians.length, 1);
  assert.equal(list.can_remove_others, true);
  assert.equal(list.guardians[0].me, true);
  // Approve one of them; the person then removes them: access ends at once.
  const [first] = (await api('GET', '/api/v1/join-requests', v.token)).json.incoming;
  assert.equal((await api('POST', `/api/v1/join-requests/${first.id}/decision`, v.token, { decision: 'approve' })).status, 200);
  list = (await api('GET', `/api/v1/persons/${v.pid}/guardians`, v.token)).json;
  assert.equal(list.guardians.length, 2);
  const other = list.guardians.find((g) => !g.me);
  assert.match(other.phone_masked, /^136\*{4}\d{4}$/);
  // The joined guardian sees the list but cannot remove the person themselves.
  const joined = sms.length;
  const rm = await api('DELETE', `/api/v1/persons/${v.pid}/guardians/${other.account_id}`, v.token);
  assert.deepEqual(rm.json, { removed: true });
  assert.ok(await until(() => sms.slice(joined).some((m) => m.phone === v.phone && m.kind === 'notice')), 'the person is told');
  list = (await api('GET', `/api/v1/persons/${v.pid}/guardians`, v.token)).json;
  assert.equal(list.guardians.length, 1);
  const removed = (await audit('guardian.remove')).filter((e) => e.target === v.pid);
  assert.equal(removed.length, 1);
  assert.equal(JSON.parse(removed[0].detail).account, other.account_id);
});

test('a guardian who is not the person may remove only themselves', async () => {
  const parent = await login();
  const child = declaration({ name: '周小雨', id: newId(), relation: 'child' });
  child.person.phone = parent.phone;
  const pid = (await api('POST', '/api/v1/declarations', parent.token, child)).json.person_id;
  const aunt = await login();
  const rid = (await api('POST', '/api/v1/family', aunt.token, joinBody('周小雨', child.person.id_number, 'other'))).json.request_id;
  await api('POST', `/api/v1/join-requests/${rid}/decision`, parent.token, { decision: 'approve' });
  const list = (await api('GET', `/api/v1/persons/${pid}/guardians`, aunt.token)).json;
  assert.equal(list.can_remove_others, false);
  const p = list.guardians.find((g) => !g.me);
  const refused = await api('DELETE', `/api/v1/persons/${pid}/guardians/${p.account_id}`, aunt.token);
  assert.equal(refused.status, 403);
  // Nor can they make themselves the person by putting their phone on record.
  const phoneEdit = await api('PATCH', `/api/v1/persons/${pid}`, aunt.token, { phone: aunt.phone });
  assert.equal(phoneEdit.status, 403);
  assert.equal(phoneEdit.json.error.code, 'not_the_person');
  const again = declaration({ name: '周小雨', id: child.person.id_number, relation: 'other' });
  again.person.phone = aunt.phone;
  assert.equal((await api('POST', '/api/v1/declarations', aunt.token, again)).status, 201);
  assert.equal((await api('GET', `/api/v1/persons/${pid}`, parent.token)).json.phone, parent.phone);
  assert.equal((await api('GET', `/api/v1/persons/${pid}/guardians`, aunt.token)).json.can_remove_others, false);
  assert.equal((await api('DELETE', `/api/v1/persons/${pid}/guardians/${aunt.account}`, aunt.token)).status, 200);
  assert.equal((await api('GET', `/api/v1/persons/${pid}`, aunt.token)).status, 404);
  assert.equal((await api('GET', `/api/v1/persons/${pid}/guardians`, parent.token)).json.guardians.length, 1);
});

test('a squatted ID is claimed back through the issuer\'s review', async () => {
  const id = newId();
  const squatter = await login();
  const fake = declaration({ name: '假名字', id, temperature: 38.9, symptoms: ['fever'] });
  fake.person.phone = squatter.phone;
  const s = await api('POST', '/api/v1/declarations', squatter.token, fake);
  assert.equal(s.status, 201);
  const pid = s.json.person_id;
  // The real owner is not refused with a telling 409: a request, like any other.
  const owner = await login();
  const tryJoin = await api('POST', '/api/v1/family', owner.token, joinBody('吴晓燕', id, 'self'));
  assert.equal(tryJoin.status, 202);
  const claim = await api('POST', '/api/v1/claims', owner.token, { id_type: 'resident_id', id_number: id, name: '吴晓燕', note: '身份证在我这里' });
  assert.equal(claim.status, 202, claim.text);
  assert.deepEqual(Object.keys(claim.json).sort(), ['claim_id', 'state']);
  const unknown = await api('POST', '/api/v1/claims', owner.token, { id_type: 'resident_id', id_number: newId(), name: '吴晓燕' });
  assert.equal(unknown.status, claim.status, 'the same answer for an unregistered ID');
  assert.deepEqual(Object.keys(unknown.json).sort(), ['claim_id', 'state']);
  assert.equal((await api('POST', '/api/v1/claims', owner.token, { id_type: 'resident_id', id_number: 'x', name: '' })).status, 422);
  assert.equal((await api('GET', '/api/v1/review/claims', owner.token)).status, 403);
  const queue = (await api('GET', '/api/v1/review/claims', issuer)).json;
  const item = queue.find((c) => c.id === claim.json.claim_id);
  assert.equal(item.claimed_name, '吴晓燕');
  assert.equal(item.record_name_masked, '假*字');
  assert.equal(item.guardians, 1);
  assert.match(item.claimant_phone_masked, /^136\*{4}\d{4}$/);
  assert.ok(!item.id_masked.includes(id.slice(6, 14)), 'the ID masked');
  const decided = await api('POST', `/api/v1/review/claims/${claim.json.claim_id}`, issuer, { decision: 'approve', note: '核验身份证原件' });
  assert.equal(decided.status, 200, decided.text);
  assert.equal(decided.json.state, 'approved');
  assert.equal(decided.json.person_id, pid);
  // The squatter has lost access; the owner holds the corrected record.
  assert.deepEqual((await api('GET', '/api/v1/persons', squatter.token)).json, []);
  assert.equal((await api('GET', `/api/v1/persons/${pid}`, squatter.token)).status, 404);
  const mine = await api('GET', `/api/v1/persons/${pid}`, owner.token);
  assert.equal(mine.status, 200);
  assert.equal(mine.json.name, '吴晓燕');
  assert.equal(mine.json.phone, owner.phone);
  assert.equal(mine.json.relation, 'self');
  assert.equal((await api('GET', `/api/v1/persons/${pid}/guardians`, owner.token)).json.can_remove_others, true);
  assert.equal((await api('GET', '/api/v1/claims', owner.token)).json.find((c) => c.claim_id === claim.json.claim_id).state, 'approved');
  assert.equal((await api('POST', `/api/v1/review/claims/${claim.json.claim_id}`, issuer, { decision: 'reject' })).status, 409);
  const rejected = await api('POST', `/api/v1/review/claims/${unknown.json.claim_id}`, issuer, { decision: 'reject', note: '无法核验' });
  assert.equal(rejected.json.state, 'rejected');
  assert.ok((await audit('claim.file')).some((e) => e.target === claim.json.claim_id));
  assert.ok((await audit('claim.approve')).some((e) => e.target === claim.json.claim_id && e.actor === 'staff:issuer1'));
  const removed = (await audit('guardian.remove')).filter((e) => e.target === pid);
  assert.equal(JSON.parse(removed[0].detail).account, squatter.account);
  const all = JSON.stringify(await audit('claim'));
  assert.ok(!all.includes(id) && !all.includes('吴晓燕') && !all.includes(owner.phone));
});

test('residents see their signed-in devices and sign out the others (--dev clock for a second code)', async () => {
  const dev = await startServer({ dev: true });
  try {
    const phone = newPhone();
    const signIn = async (now, ua) => {
      await call(dev.base, 'POST', '/api/v1/dev/clock', { body: { now } });
      const otp = await call(dev.base, 'POST', '/api/v1/auth/otp', { body: { phone } });
      const r = await call(dev.base, 'POST', '/api/v1/auth/login', { body: { phone, code: otp.json.dev_code }, headers: { 'User-Agent': ua } });
      assert.equal(r.status, 200, r.text);
      return r.json.token;
    };
    const phoneTok = await signIn('2027-01-05T08:00:00+08:00',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 Mobile MicroMessenger/8.0');
    const pcTok = await signIn('2027-01-05T08:02:00+08:00',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36');
    const tabTok = await signIn('2027-01-05T08:04:00+08:00', 'Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36');
    const list = (await call(dev.base, 'GET', '/api/v1/me/sessions', { token: phoneTok })).json.sessions;
    assert.equal(list.length, 3);
    assert.deepEqual(list.map((s) => s.device), ['Chrome on Android', 'Chrome on Windows', 'WeChat on iPhone']);
    assert.deepEqual(list.map((s) => s.current), [false, false, true]);
    for (const k of ['id', 'device', 'created_at', 'last_seen_at', 'expires_at', 'current']) assert.ok(k in list[0], k);
    const pc = list.find((s) => s.device === 'Chrome on Windows');
    assert.deepEqual((await call(dev.base, 'DELETE', `/api/v1/me/sessions/${pc.id}`, { token: phoneTok })).json, { ended: 1 });
    assert.equal((await call(dev.base, 'GET', '/api/v1/persons', { token: pcTok })).status, 401, 'signed out at once');
    assert.equal((await call(dev.base, 'DELETE', `/api/v1/me/sessions/${pc.id}`, { token: phoneTok })).status, 404);
    assert.deepEqual((await call(dev.base, 'POST', '/api/v1/me/sessions/sign-out-others', { token: phoneTok })).json, { ended: 1 });
    assert.equal((await call(dev.base, 'GET', '/api/v1/persons', { token: tabTok })).status, 401);
    const left = (await call(dev.base, 'GET', '/api/v1/me/sessions', { token: phoneTok })).json.sessions;
    assert.equal(left.length, 1);
    assert.equal(left[0].current, true);
  } finally {
    await dev.stop();
    dev.cleanup();
  }
});
