// Consent to join an existing person, in real headless Chromium against a real
// ankang-server --dev: two residents on two phone accounts. A (a parent) adds
// a child; B adds the same child and only gets a pending request, no data; A's
// page shows the request and approves it; B then sees the child. A refusal
// leaves nothing behind. The person themselves removes a guardian from their
// own page. A requester confirms with the code sent to the person's phone (the
// server's --otp-webhook is a small server here that keeps what it is sent). A
// squatted ID is claimed and the issuer approves the claim on /review. The
// account's signed-in devices, and signing the others out.
// Run: node --test tests/browser/consent.test.mjs (screenshots in tests/artifacts/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ARTIFACTS, startBrowser, residentId, newPhone, requestDevCode, deviceToken } from './harness.mjs';
import { startServer, api } from './staff-lib.mjs';

let srv;     // {url, api(method, path, body, token) -> {status, json, text}, stop()}
let sms;     // the SMS gateway the server posts to
const texts = [];  // its bodies: {phone, code, kind, message}
let browserA;  // one profile per resident: A and B never share anything
let browserB;

before(async () => {
  sms = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { texts.push(JSON.parse(body)); } catch { /* not JSON */ }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise((r) => sms.listen(0, '127.0.0.1', r));
  const s = await startServer({ args: ['--otp-webhook', `http://127.0.0.1:${sms.address().port}/sms`] });
  srv = {
    url: s.base,
    log: s.log,
    stop: () => s.stop(),
    async api(method, path, body, token) {
      const r = await api(s.base, method, path, body, token);
      return { status: r.status, json: r.data, text: typeof r.data === 'string' ? r.data : JSON.stringify(r.data) };
    },
  };
  [browserA, browserB] = await Promise.all([startBrowser(), startBrowser()]);
});
after(async () => {
  for (const b of [browserA, browserB]) if (b) await b.close();
  if (srv) await srv.stop();
  if (sms) sms.close();
});

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

async function newPage(b) {
  const page = await b.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());  // the second confirmation of refuse / remove / withdraw
  page.jsErrors = errors;
  return page;
}

// Logs in through the page with the --dev one-time code.
async function login(page, phone = newPhone()) {
  const code = await requestDevCode(page, srv.url, phone);
  await page.getByLabel(/^验证码$|One-time code/).fill(code);
  await page.getByRole('button', { name: /^登录$|^Log in$/ }).click();
  return phone;
}
const tokenOf = (page) => deviceToken(page);

const declaration = (person) => ({
  person: { id_type: 'resident_id', phone: '', nationality: 'CHN', region: '370102', address: '历下区泉城路1号', relation: 'self', ...person },
  health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
});

// A resident with their own declaration (made through the API with the page's
// session, the page then reloaded): returns {page, phone, token, id}.
async function resident(b, name, opts = {}) {
  const page = await newPage(b);
  const phone = await login(page);
  await page.locator('form.decl').waitFor();
  const token = await tokenOf(page);
  const id = opts.id || residentId('370102', opts.birth || '19800101');
  const r = await srv.api('POST', '/declarations', declaration({ name, id_number: id, phone }), token);
  assert.equal(r.status, 201, r.text);
  await page.reload();
  await page.locator('section.card .qr svg').waitFor();
  return { page, phone, token, id, personId: r.json.person_id || r.json.code.person_id };
}

const form = (page) => page.locator('form.decl');
const fieldOf = (page, key) => form(page).locator(`[data-key="${key}"]`);

// Adds a family member through the page's own form (家属 -> 添加家属); returns the answer's status.
async function addFamily(page, { name, id, relation }) {
  await page.getByRole('button', { name: '家属', exact: true }).click();
  await page.getByRole('button', { name: '添加家属' }).click();
  await form(page).waitFor();
  await fieldOf(page, 'person.relation').locator('select').selectOption(relation);
  await fieldOf(page, 'person.name').locator('input').fill(name);
  await fieldOf(page, 'person.id_number').locator('input').fill(id);
  const sels = fieldOf(page, 'person.region').locator('select');
  await sels.nth(0).selectOption('370000');
  await sels.nth(1).selectOption('370100');
  await sels.nth(2).selectOption('370102');
  await fieldOf(page, 'person.address').locator('input').fill('历下区泉城路1号');
  await fieldOf(page, 'health.temperature').locator('input').fill('36.5');
  await form(page).locator('input[name="commitment"]').check();
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/declarations') && r.request().method() === 'POST');
  await form(page).getByRole('button', { name: '提交申报' }).click();
  return (await answer).status();
}

const personsOf = async (token) => {
  const r = await srv.api('GET', '/persons', undefined, token);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const guardiansOf = async (personId, token) => {
  const r = await srv.api('GET', `/persons/${personId}/guardians`, undefined, token);
  assert.equal(r.status, 200, r.text);
  return r.json.guardians;
};

// The child A declares; B, C ask to join it.
const CHILD = { name: '张小宝', id: residentId('370102', '20180808') };
let A;
let childId;

test('B adds a child A already declared: pending, no data; A approves on the notice; B then sees the child', async () => {
  A = await resident(browserA, '张大山');
  assert.equal(await addFamily(A.page, { ...CHILD, relation: 'child' }), 201, 'a person nobody registered is added as before');
  await A.page.locator('section.card .qr svg').waitFor();
  childId = (await personsOf(A.token)).find((p) => p.relation !== 'self').person_id;

  const B = await resident(browserB, '李秀英');
  assert.equal(await addFamily(B.page, { ...CHILD, relation: 'grandchild' }), 202);
  const pending = B.page.locator('section.pending');
  await pending.waitFor();
  assert.match(await pending.locator('h2').innerText(), /已发送请求，等待对方同意/);
  assert.equal(await pending.getByLabel('对方手机收到的验证码').count(), 1, 'a field for the code sent to the phone on record');
  assert.equal(await pending.getByRole('button', { name: '撤回请求' }).count(), 1);
  const text = await B.page.locator('main').innerText();
  assert.ok(!text.includes('张小宝') && !text.includes('张*宝') && !text.includes(CHILD.id), 'no data about the child');
  await shot(B.page, 'consent-b-pending');
  // Nothing for B on the server either: no person, no code.
  assert.deepEqual((await personsOf(B.token)).map((p) => p.relation), ['self']);
  assert.notEqual((await srv.api('GET', `/persons/${childId}`, undefined, B.token)).status, 200);
  assert.notEqual((await srv.api('GET', `/persons/${childId}/code`, undefined, B.token)).status, 200);
  // B's own list shows the request as waiting.
  await B.page.getByRole('button', { name: '返回健康码' }).click();
  await B.page.locator('section.card .qr svg').waitFor();
  assert.match(await B.page.locator('.notice.waiting').innerText(), /1 个请求在等待/);
  await B.page.getByRole('button', { name: '请求与设备' }).click();
  const out = B.page.locator('ul.outgoing li[data-state="pending"]');
  await out.waitFor();
  assert.match(await out.innerText(), /等待同意/);
  await shot(B.page, 'consent-b-outgoing');

  // A's page: the notice names who asks (masked phone), the relation and the person.
  await A.page.reload();
  const notice = A.page.locator('.notice li.jr');
  await notice.waitFor();
  const said = await notice.innerText();
  assert.match(said, new RegExp(B.phone.slice(-4)), 'the masked phone of the requester');
  assert.ok(!said.includes(B.phone), 'the phone is masked');
  assert.match(said, /孙子女/);
  assert.match(said, /张\*宝/);
  await shot(A.page, 'consent-a-notice');
  // In English too, the relation said the right way round.
  await A.page.getByRole('button', { name: 'Switch to English' }).click();
  assert.match(await notice.innerText(), /asks to act for 张\*宝, saying 张\*宝 is their grandchild/);
  assert.equal(await notice.getByRole('button', { name: 'Approve' }).count(), 1);
  await shot(A.page, 'consent-a-notice-english');
  await A.page.getByRole('button', { name: '切换到中文' }).click();
  await notice.getByRole('button', { name: '同意' }).click();
  await A.page.locator('#status').getByText('已同意').waitFor();
  assert.equal(await A.page.locator('.notice li.jr').count(), 0, 'the notice is gone');

  // B now sees the child: tab, card and the guardians list.
  await B.page.reload();
  await B.page.locator('section.card .qr svg').waitFor();
  await B.page.locator('nav.tabs button').filter({ hasText: '张*宝' }).click();
  await B.page.waitForFunction(() => /张\*宝/.test(document.querySelector('section.card h2').textContent));
  assert.ok((await personsOf(B.token)).some((p) => p.person_id === childId));
  assert.equal(await B.page.locator('.notice.waiting').count(), 0);
  await shot(B.page, 'consent-b-sees-child');
  await B.page.getByRole('button', { name: '代办人' }).click();
  await B.page.locator('ul.guardians li').nth(1).waitFor();
  assert.equal(await B.page.locator('ul.guardians li').count(), 2);
  assert.match(await B.page.locator('ul.guardians li.me').innerText(), /我/);
  assert.equal(await B.page.locator('ul.guardians button.remove').count(), 0, 'only the person themselves removes others');
  await shot(B.page, 'consent-b-guardians');
  assert.deepEqual([...A.page.jsErrors, ...B.page.jsErrors], []);
  await B.page.close();
});

test('a refused request leaves nothing behind', async () => {
  assert.ok(A && childId, 'runs after the first test');
  const C = await resident(browserB, '王五');
  assert.equal(await addFamily(C.page, { ...CHILD, relation: 'other' }), 202);
  await C.page.locator('section.pending').waitFor();
  const before = (await guardiansOf(childId, A.token)).length;

  await A.page.reload();
  const notice = A.page.locator('.notice li.jr');
  await notice.waitFor();
  assert.match(await notice.innerText(), new RegExp(C.phone.slice(-4)));
  await notice.getByRole('button', { name: '拒绝' }).click();  // confirmed in the dialog
  await A.page.locator('#status').getByText('已拒绝').waitFor();
  assert.equal(await A.page.locator('.notice li.jr').count(), 0);
  await shot(A.page, 'consent-a-refused');

  // Nothing added: A's guardians list is as before; C has no person and no access.
  assert.equal((await guardiansOf(childId, A.token)).length, before);
  assert.deepEqual((await personsOf(C.token)).map((p) => p.relation), ['self']);
  assert.notEqual((await srv.api('GET', `/persons/${childId}`, undefined, C.token)).status, 200);
  await C.page.reload();
  await C.page.locator('section.card .qr svg').waitFor();
  assert.equal(await C.page.locator('nav.tabs').count(), 0, 'C still has only their own card');
  assert.equal(await C.page.locator('.notice').count(), 0, 'no waiting request either');
  await C.page.getByRole('button', { name: '请求与设备' }).click();
  const out = C.page.locator('ul.outgoing li[data-request]');
  await out.waitFor();
  assert.equal(await out.getAttribute('data-state'), 'refused');
  assert.match(await out.innerText(), /已拒绝/);
  // The list names the request by what C typed (masked), nothing from the record.
  assert.ok(!(await C.page.locator('main').innerText()).includes(CHILD.id));
  assert.equal(await C.page.locator('ul.guardians, section.card').count(), 0);
  await shot(C.page, 'consent-c-refused');
  assert.deepEqual(C.page.jsErrors, []);
  await C.page.close();
});

test('the person removes a guardian from their own page; the guardian loses access at once', async () => {
  const D = await resident(browserA, '刘桂兰', { birth: '19460202' });
  const E = await resident(browserB, '刘建国');
  assert.equal(await addFamily(E.page, { name: '刘桂兰', id: D.id, relation: 'parent' }), 202);
  await E.page.locator('section.pending').waitFor();
  await D.page.reload();
  const notice = D.page.locator('.notice li.jr');
  await notice.waitFor();
  await notice.getByRole('button', { name: '同意' }).click();
  await D.page.locator('#status').getByText('已同意').waitFor();
  assert.ok((await personsOf(E.token)).some((p) => p.person_id === D.personId), 'E acts for D');

  // D's own page: everyone who can act for D, each removable by D.
  await D.page.getByRole('button', { name: '代办人' }).click();
  const rows = D.page.locator('ul.guardians li');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  assert.match(await D.page.locator('section.subview').innerText(), /您是本人/);
  const eRow = rows.filter({ hasText: E.phone.slice(-4) }).filter({ hasNot: D.page.locator('.tag') });
  assert.match(await eRow.innerText(), /子女|父母|其他/);
  await shot(D.page, 'consent-d-guardians');
  await eRow.getByRole('button', { name: '移除' }).click();  // confirmed in the dialog
  await D.page.locator('#status').getByText('已移除').waitFor();
  assert.equal(await rows.count(), 1);
  await shot(D.page, 'consent-d-guardian-removed');

  assert.ok(!(await personsOf(E.token)).some((p) => p.person_id === D.personId), 'E no longer lists D');
  assert.notEqual((await srv.api('GET', `/persons/${D.personId}/code`, undefined, E.token)).status, 200);
  await E.page.reload();
  await E.page.locator('section.card .qr svg').waitFor();
  assert.equal(await E.page.locator('nav.tabs').count(), 0);
  assert.deepEqual([...D.page.jsErrors, ...E.page.jsErrors], []);
  await D.page.close();
  await E.page.close();
});

test('the requester confirms with the one-time code sent to the person\'s phone', async () => {
  const P = await resident(browserA, '周玉兰', { birth: '19500505' });
  const Q = await resident(browserB, '周强');
  assert.equal(await addFamily(Q.page, { name: '周玉兰', id: P.id, relation: 'parent' }), 202);
  const pending = Q.page.locator('section.pending');
  await pending.waitFor();
  // The code went to the phone on record, with who asks and the relation.
  let text;
  for (let i = 0; i < 50 && !text; i++) {
    text = texts.find((x) => x.phone === P.phone && x.kind === 'join_request');
    if (!text) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(text, `a join_request text to the person's phone: ${JSON.stringify(texts.map((x) => x.kind))}`);
  assert.match(text.message, new RegExp(Q.phone.slice(-4)));
  // A wrong code is refused by the field; the right one opens the person.
  const wrong = text.code === '000000' ? '111111' : '000000';
  await pending.getByLabel('对方手机收到的验证码').fill(wrong);
  await pending.getByRole('button', { name: '确认' }).click();
  await pending.locator('.pending-code .err:not([hidden])').waitFor();
  assert.equal(await pending.getByLabel('对方手机收到的验证码').getAttribute('aria-invalid'), 'true');
  await shot(Q.page, 'consent-code-wrong');
  await pending.getByLabel('对方手机收到的验证码').fill(text.code);
  await pending.getByRole('button', { name: '确认' }).click();
  await Q.page.locator('#status').getByText('验证成功').waitFor();
  await Q.page.waitForFunction(() => /周\*兰/.test((document.querySelector('section.card h2') || {}).textContent || ''));
  assert.ok((await personsOf(Q.token)).some((p) => p.person_id === P.personId));
  await shot(Q.page, 'consent-code-confirmed');
  // The person sees the new guardian on their own page, and no request left to answer.
  await P.page.reload();
  await P.page.locator('section.card .qr svg').waitFor();
  assert.equal(await P.page.locator('.notice li.jr').count(), 0);
  await P.page.getByRole('button', { name: '代办人' }).click();
  await P.page.locator('ul.guardians li').nth(1).waitFor();
  assert.match(await P.page.locator('ul.guardians').innerText(), new RegExp(Q.phone.slice(-4)));
  assert.deepEqual([...P.page.jsErrors, ...Q.page.jsErrors], []);
  await P.page.close();
  await Q.page.close();
});

test('a withdrawn request is gone from the person\'s page', async () => {
  const P = await resident(browserA, '吴桂芝', { birth: '19520606' });
  const Q = await resident(browserB, '吴刚');
  assert.equal(await addFamily(Q.page, { name: '吴桂芝', id: P.id, relation: 'parent' }), 202);
  await Q.page.locator('section.pending').getByRole('button', { name: '撤回请求' }).click();  // confirmed in the dialog
  await Q.page.locator('#status').getByText('请求已撤回').waitFor();
  const out = Q.page.locator('ul.outgoing li[data-request]');
  await out.waitFor();
  assert.equal(await out.getAttribute('data-state'), 'withdrawn');
  await P.page.reload();
  await P.page.locator('section.card .qr svg').waitFor();
  assert.equal(await P.page.locator('.notice').count(), 0);
  assert.deepEqual((await personsOf(Q.token)).map((p) => p.relation), ['self']);
  await P.page.close();
  await Q.page.close();
});

test('a squatted ID is claimed from the page; the issuer approves it on /review', async () => {
  const G = await resident(browserA, '赵建华');
  const squatted = residentId('370102', '19700707');
  // G registers someone else's ID under a false name: nobody had it, so it works.
  assert.equal(await addFamily(G.page, { name: '赵假名', id: squatted, relation: 'sibling' }), 201);
  await G.page.locator('section.card .qr svg').waitFor();
  const squatId = (await personsOf(G.token)).find((p) => p.relation !== 'self').person_id;

  // The real owner H signs up and declares their own ID: only a request.
  const page = await newPage(browserB);
  await login(page);
  await form(page).waitFor();
  await fieldOf(page, 'person.name').locator('input').fill('钱真名');
  await fieldOf(page, 'person.id_number').locator('input').fill(squatted);
  const sels = fieldOf(page, 'person.region').locator('select');
  await sels.nth(0).selectOption('370000');
  await sels.nth(1).selectOption('370100');
  await sels.nth(2).selectOption('370102');
  await fieldOf(page, 'person.address').locator('input').fill('历下区泉城路9号');
  await fieldOf(page, 'health.temperature').locator('input').fill('36.5');
  await form(page).locator('input[name="commitment"]').check();
  await form(page).getByRole('button', { name: '提交申报' }).click();
  await page.locator('section.pending').waitFor();
  // The claim form comes filled in from the declaration.
  await page.getByRole('button', { name: '认领本人证件' }).click();
  const claim = page.locator('form.claim');
  await claim.waitFor();
  assert.equal(await claim.locator('input[name="id_number"]').inputValue(), squatted);
  assert.equal(await claim.locator('input[name="name"]').inputValue(), '钱真名');
  await claim.getByLabel('说明').fill('我的身份证被他人登记');
  await shot(page, 'consent-claim-form');
  await claim.getByRole('button', { name: '提交认领' }).click();
  await page.locator('#status').getByText('认领已提交').waitFor();
  const mine = page.locator('ul.claims li[data-state]');
  await mine.waitFor();
  assert.match(await mine.innerText(), /审核中/);
  await shot(page, 'consent-claims-list');

  // The issuer's queue on /review.
  const staff = await newPage(browserA);
  await staff.goto(`${srv.url}/review`);
  await staff.fill('#login-user', 'issuer');
  await staff.fill('#login-pass', 'ankang-dev');
  await staff.click('#login-submit');
  const row = staff.locator('#claims-table tbody tr').filter({ hasText: '钱真名' });
  await row.waitFor();
  const rowText = await row.innerText();
  assert.ok(!rowText.includes(squatted), 'the ID number is masked');
  await staff.setViewportSize({ width: 1280, height: 800 });
  await shot(staff, 'review-claims');
  await row.locator('input.note').fill('已电话核实 checked by phone');
  await row.locator('button.approve').click();
  await staff.locator('#claims-msg.ok').waitFor();
  assert.equal(await staff.locator('#claims-table tbody tr').filter({ hasText: '钱真名' }).count(), 0);
  await staff.close();

  // The squatter lost access; the owner has the record as their own.
  assert.ok(!(await personsOf(G.token)).some((p) => p.person_id === squatId), 'the squatter lost access');
  await page.reload();
  await page.locator('section.card, section.subview').first().waitFor();
  const token = await tokenOf(page);
  const own = await personsOf(token);
  assert.equal(own.length, 1);
  assert.equal(own[0].person_id, squatId);
  assert.equal(own[0].relation, 'self');
  const claims = await srv.api('GET', '/claims', undefined, token);
  const list = Array.isArray(claims.json) ? claims.json : claims.json.claims;
  assert.equal(list[0].state, 'approved');
  await shot(page, 'consent-claim-approved');
  assert.deepEqual([...page.jsErrors, ...G.page.jsErrors], []);
  await page.close();
  await G.page.close();
});

test('signed-in devices: the list and signing the other devices out', async () => {
  const first = await resident(browserA, '孙丽');
  // The same phone on a second device (a minute later on the --dev clock: one code a minute per phone).
  const { now } = await (await fetch(`${srv.url}/healthz`)).json();
  const later = await srv.api('POST', '/dev/clock', { now: new Date(Date.parse(now) + 61000).toISOString().replace(/\.\d+Z$/, 'Z') });
  assert.equal(later.status, 200, later.text);
  const second = await newPage(browserB);
  await login(second, first.phone);
  await second.locator('section.card .qr svg').waitFor();

  await first.page.getByRole('button', { name: '请求与设备' }).click();
  const rows = first.page.locator('ul.sessions li[data-session]');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  assert.equal(await first.page.locator('ul.sessions li.current').count(), 1);
  assert.match(await first.page.locator('ul.sessions li.current').innerText(), /本机/);
  await shot(first.page, 'consent-sessions');
  await first.page.getByRole('button', { name: '退出其他所有设备' }).click();  // confirmed in the dialog
  await first.page.locator('#status').getByText('已退出 1 台设备').waitFor();
  assert.equal(await rows.count(), 1);

  // The other device is signed out: its next call answers 401 and the page asks to log in.
  await second.reload();
  await second.locator('form.login').waitFor();
  assert.deepEqual([...first.page.jsErrors, ...second.jsErrors], []);
  await first.page.close();
  await second.close();
});
