// Issuer review in real headless Chromium against the real server: the admin
// marks a region "review required" in the console; a declaration from there
// is gray; an issuer approves it on /review and the resident's code turns
// green; another one nobody decides is auto-issued by the server at 18:00 the
// next day (SPEC §3), moved there with the --dev clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, staffToken, residentToken, declare, launch, watchPage, shot, setClock } from './staff-lib.mjs';

let srv;
let b;
before(async () => { srv = await startServer(); b = await launch(); });
after(async () => { if (b) await b.close(); if (srv) await srv.stop(); });

async function signIn(page, path, user) {
  await page.goto(`${srv.base}${path}`);
  await page.fill('#login-user', user);
  await page.fill('#login-pass', 'ankang-dev');
  await page.click('#login-submit');
}

let approved;
let waiting;
let tokA;
let tokB;

test('the admin requires review for a region; declarations from there are gray', async () => {
  const page = await b.ctx.newPage();
  const problems = watchPage(page, srv.base);
  await signIn(page, '/admin#review', 'admin');
  await page.waitForSelector('#review-regions');
  await page.fill('#review-regions', '370103');
  await page.click('#tab-body button.primary');
  await page.waitForFunction(() => /Saved/.test(document.querySelector('#review-regions-msg').textContent));
  const rr = await api(srv.base, 'GET', '/admin/review-regions', undefined, await staffToken(srv.base, 'admin'));
  assert.deepEqual(rr.data.regions, ['370103']);
  assert.deepEqual(problems, []);
  await page.close();

  tokA = await residentToken(srv.base, '13700137001');
  approved = await declare(srv.base, tokA, { name: '周大福', region: '370103' });
  assert.equal(approved.code.color, 'gray');
  tokB = await residentToken(srv.base, '13700137002');
  waiting = await declare(srv.base, tokB, { name: '吴小明', region: '370103' });
  assert.equal(waiting.code.color, 'gray');
  // Outside the region: no review.
  const c = await declare(srv.base, await residentToken(srv.base, '13700137003'), { name: '郑三', region: '370102' });
  assert.equal(c.code.color, 'green');
});

test('an issuer approves a gray declaration on /review and the code turns green', async () => {
  const page = await b.ctx.newPage();
  const problems = watchPage(page, srv.base);
  await signIn(page, '/review', 'issuer');
  const row = `tr[data-declaration="${approved.declaration_id}"]`;
  await page.waitForSelector(row);
  assert.equal(await page.$$eval('#pending-table tbody tr', (r) => r.length), 2);
  const text = await page.textContent(row);
  assert.match(text, /周\*福/);
  assert.ok(!text.includes('周大福') && !text.includes(approved.id_number), 'masked name and no ID number');
  await shot(page, 'review-queue');
  await page.fill(`${row} input.note`, '已核实 checked by phone');
  await page.click(`${row} button.approve`);
  await page.waitForFunction(() => /Approved/.test(document.querySelector('#review-msg').textContent));
  await page.waitForFunction((id) => !document.querySelector(`tr[data-declaration="${id}"]`), approved.declaration_id);
  await shot(page, 'review-approved');
  assert.deepEqual(problems, []);
  await page.close();

  const code = await api(srv.base, 'GET', `/persons/${approved.person_id}/code`, undefined, tokA);
  assert.equal(code.data.color, 'green');
  assert.equal(code.data.review.state, 'approved');
  const audit = await api(srv.base, 'GET', `/admin/audit-log?action=review.approve&target=${approved.declaration_id}`, undefined, await staffToken(srv.base, 'admin'));
  assert.equal(audit.data.entries.length, 1);
  assert.equal(audit.data.entries[0].actor, 'staff:issuer');
});

test('an issuer assigned to another community neither sees nor decides these declarations', async () => {
  const page = await b.ctx.newPage();
  await signIn(page, '/admin#staff', 'admin');
  await page.waitForSelector('#staff-user');
  await page.fill('#staff-user', 'issuer-lixia');
  await page.fill('#staff-pass', 'community-pass-1');
  await page.selectOption('#staff-role', 'issuer');
  await page.fill('#staff-region', '370102');
  await page.click('#tab-body form button[type=submit]');
  await page.waitForSelector('#staff-table tr[data-user="issuer-lixia"]');
  await page.waitForFunction(() => /370102/.test(document.querySelector('#staff-table tr[data-user="issuer-lixia"] td.region').textContent));
  await shot(page, 'admin-staff-community');
  await page.close();
  const other = (await api(srv.base, 'POST', '/auth/staff', { username: 'issuer-lixia', password: 'community-pass-1' })).data.token;
  const pending = await api(srv.base, 'GET', '/review/pending', undefined, other);
  assert.equal(pending.status, 200);
  assert.deepEqual(pending.data, []);
  const d = await api(srv.base, 'POST', `/review/${waiting.declaration_id}`, { decision: 'approve' }, other);
  assert.equal(d.status, 404);
  // The issuer of that community (the --dev "issuer" has none assigned: everywhere) still sees it.
  const all = await api(srv.base, 'GET', '/review/pending', undefined, await staffToken(srv.base, 'issuer'));
  assert.deepEqual(all.data.map((x) => x.declaration_id), [waiting.declaration_id]);
});

test('nobody decides: the server auto-issues at 18:00 the next day', async () => {
  let code = await api(srv.base, 'GET', `/persons/${waiting.person_id}/code`, undefined, tokB);
  assert.equal(code.data.color, 'gray');
  const due = code.data.review.due_at;  // 18:00 local time the next day
  assert.match(due, /T18:00:00\+08:00$/);
  const declaredDay = code.data.declared_at.slice(0, 10);
  const next = new Date(Date.parse(`${declaredDay}T12:00:00Z`) + 86400000).toISOString().slice(0, 10);
  assert.equal(due.slice(0, 10), next);
  // A minute before: still gray.
  await setClock(srv.base, `${next}T17:59:00+08:00`);
  code = await api(srv.base, 'GET', `/persons/${waiting.person_id}/code`, undefined, tokB);
  assert.equal(code.data.color, 'gray');
  // Past the deadline: issued as if approved.
  await setClock(srv.base, `${next}T18:00:30+08:00`);
  code = await api(srv.base, 'GET', `/persons/${waiting.person_id}/code`, undefined, tokB);
  assert.equal(code.data.color, 'green');
  assert.equal(code.data.review.state, 'auto_issued');
  const page = await b.ctx.newPage();
  await signIn(page, '/review', 'issuer');
  await page.waitForSelector('#empty');
  await shot(page, 'review-empty-after-sla');
  await page.close();
  const audit = await api(srv.base, 'GET', '/admin/audit-log?action=review.auto_issue', undefined, await staffToken(srv.base, 'admin'));
  assert.equal(audit.data.entries.length, 1);
  assert.equal(audit.data.entries[0].actor, 'system');
  assert.equal(audit.data.entries[0].target, waiting.declaration_id);
});
