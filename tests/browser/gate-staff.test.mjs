// The staff pages and the venue check-in page as used at a gate, in real
// headless Chromium against a real ankang-server --dev: a preset rule set
// copied to the editor, a venue's region found by its name, the check-in
// result live like the resident's card (clock and motion), relations in words,
// no stale temperature message, a plain message for an unknown venue.
// Run: node --test tests/browser/gate-staff.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, api, staffToken, residentToken, declare, shot } from './staff-lib.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function page360() {
  const page = await browser.ctx.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.jsErrors = errors;
  return page;
}
async function withSession(page, key, value) {
  await page.goto(`${srv.base}/healthz`);
  await page.evaluate(([k, v]) => sessionStorage.setItem(k, JSON.stringify(v)), [key, value]);
}

test('admin: "copy to editor" on a preset puts its JSON in the editor', async () => {
  const page = await page360();
  await withSession(page, 'ankang.staff', { token: await staffToken(srv.base, 'admin'), role: 'admin', username: 'admin' });
  await page.goto(`${srv.base}/admin#rules`);
  const row = page.locator('#ruleset-table tr[data-ruleset="preset:hangzhou"]');
  await row.waitFor();
  const answer = page.waitForResponse((r) => /\/admin\/rulesets\/preset/.test(r.url()));
  await row.locator('button.copy').click();
  assert.equal((await answer).status(), 200);
  await page.waitForFunction(() => document.querySelector('#ruleset-json').value.length > 100);
  const doc = JSON.parse(await page.inputValue('#ruleset-json'));
  assert.equal(doc.id, 'hangzhou');
  assert.ok(Array.isArray(doc.rules) && doc.rules.length > 5);
  assert.match(await page.textContent('#ruleset-msg'), /Copied to the editor: hangzhou/);
  // The same through the API: the id with its colon escaped is found.
  const r = await api(srv.base, 'GET', `/admin/rulesets/${encodeURIComponent('preset:default')}`, undefined, await staffToken(srv.base, 'admin'));
  assert.equal(r.status, 200);
  assert.equal(r.data.rule_set.id, 'default');
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});

test('venue: the region is found by its name and picked from the list', async () => {
  const page = await page360();
  await withSession(page, 'ankang.staff', { token: await staffToken(srv.base, 'venue'), role: 'venue', username: 'venue' });
  await page.goto(`${srv.base}/venue`);
  await page.fill('#venue-name', '大明湖游客中心');
  await page.getByLabel(/所在地区/).fill('历下');
  const match = page.locator('#venue-region-matches button.match', { hasText: '山东省 济南市 历下区' });
  await match.waitFor();
  await match.click();
  assert.match(await page.textContent('#venue-region-chosen'), /370102/);
  await page.fill('#venue-address', '明湖路1号');
  await page.click('#venue-create');
  await page.locator('#poster-img').waitFor();
  const mine = await api(srv.base, 'GET', '/venues', undefined, await staffToken(srv.base, 'venue'));
  const v = (Array.isArray(mine.data) ? mine.data : mine.data.venues).find((x) => x.name === '大明湖游客中心');
  assert.equal(v.region, '370102');
  await shot(page, 'gate-venue-region-by-name');
  // A name that matches nothing says so.
  await page.getByLabel(/所在地区/).fill('不存在的地方');
  await page.locator('#venue-region-matches', { hasText: 'No region of that name' }).waitFor();
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});

test('/v/{id}: relations in words, no stale message, and a live result (clock and motion)', async () => {
  const venue = await staffToken(srv.base, 'venue');
  const v = await api(srv.base, 'POST', '/venues', { name: '社区服务中心', region: '370102', address: '历下区2号' }, venue);
  const token = await residentToken(srv.base, `133${String(Date.now()).slice(-8)}`);
  await declare(srv.base, token, { name: '张小三' });
  const fam = await api(srv.base, 'POST', '/declarations', {
    person: { name: '张老汉', id_type: 'resident_id', id_number: '11010519491231002X', phone: '', nationality: 'CHN', region: '370102', address: '历下区2号', relation: 'parent' },
    health: { temperature: 36.4, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  }, token);
  assert.equal(fam.status, 201, JSON.stringify(fam.data));
  const page = await page360();
  await withSession(page, 'ankang.session', { token });
  await page.goto(`${srv.base}/v/${v.data.venue_id}`);
  await page.locator('#visit-form').waitFor();
  // Where the venue is, in Chinese and in English (for a visitor from abroad).
  await page.locator('#venue-where', { hasText: 'Lixia District, Jinan City, Shandong Province' }).waitFor();
  assert.match(await page.textContent('#venue-where'), /山东省 济南市 历下区/);
  const form = await page.locator('#visit-form').innerText();
  assert.doesNotMatch(form, /\(parent\)/);
  assert.match(form, /父母 Parent/);
  await page.check('#here-1');
  await page.fill('#temp-0', '36.5');
  await page.click('#visit-submit');
  // The missing temperature is said next to its field, and goes once it is typed.
  await page.locator('#temp-1-err').waitFor();
  assert.match(await page.textContent('#temp-1-err'), /请填写体温/);
  await page.fill('#temp-1', '36.7');
  assert.equal(await page.locator('#temp-1-err').isVisible(), false);
  assert.doesNotMatch(await page.locator('#visit-form').innerText(), /请填写体温/);
  await page.click('#visit-submit');
  await page.locator('#visit-done').waitFor();
  const card = page.locator('.code-card').first();
  // Live: the clock moves and the stripe is animated (a screenshot has neither).
  const t1 = await card.locator('.clock time').innerText();
  await page.waitForTimeout(2500);  // two ticks of the second, with room for a busy machine
  const t2 = await card.locator('.clock time').innerText();
  assert.notEqual(t1, t2, 'the clock runs');
  assert.match(t2, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  const running = await card.locator('.stripe span').evaluate((e) => e.getAnimations().some((a) => a.playState === 'running'));
  assert.ok(running, 'the stripe moves');
  await shot(page, 'gate-visit-result-live');
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});

test('/v/{id} of an unknown venue says so in plain words', async () => {
  const page = await page360();
  await page.goto(`${srv.base}/v/no-such-venue`);
  const msg = await page.locator('#venue-missing').innerText();
  assert.doesNotMatch(msg, /not_found/);
  assert.match(msg, /找不到这个场所/);
  assert.match(msg, /This place is not known/);
  await page.close();
});
