// The resident page "/" in real headless Chromium against a real
// ankang-server --dev (SPEC §7). Run: node tests/browser/resident.test.mjs
// Screenshots at 360×740 go to tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  ROOT, ARTIFACTS, startServer, startBrowser, residentId, badChecksum, newPhone, zbar, jsqr, requestDevCode, deviceToken, signedOut,
} from './harness.mjs';

let srv;
let browser;
const requests = [];  // every request any page made: [url, method]

before(async () => {
  srv = await startServer();
  browser = await startBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function newPage(b = browser) {
  const page = await b.context.newPage();
  page.on('request', (r) => requests.push([r.url(), r.method()]));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.jsErrors = errors;
  return page;
}

// Logs in with a new phone through the page; returns the phone.
async function login(page, phone = newPhone()) {
  const code = await requestDevCode(page, srv.url, phone);
  assert.ok(await page.locator('#dev').isVisible(), 'the local trial banner is shown');
  await page.getByLabel(/^验证码$|One-time code/).fill(code);
  await page.getByRole('button', { name: /^登录$|^Log in$/ }).click();
  return phone;
}

const form = (page) => page.locator('form.decl');
const fieldOf = (page, key) => form(page).locator(`[data-key="${key}"]`);

// Fills the declaration form. opts: {name, id, temperature, relation}
async function fillDeclaration(page, opts) {
  const f = form(page);
  await f.waitFor();
  if (opts.relation) await fieldOf(page, 'person.relation').locator('select').selectOption(opts.relation);
  if (opts.id !== undefined) {
    await fieldOf(page, 'person.name').locator('input').fill(opts.name || '张小三');
    await fieldOf(page, 'person.id_number').locator('input').fill(opts.id);
    const sels = fieldOf(page, 'person.region').locator('select');
    await sels.nth(0).selectOption('370000');
    await sels.nth(1).selectOption('370100');
    await sels.nth(2).selectOption('370102');
    await fieldOf(page, 'person.address').locator('input').fill('历下区泉城路1号');
  }
  await fieldOf(page, 'health.temperature').locator('input').fill(String(opts.temperature ?? '36.5'));
  await f.locator('input[name="commitment"]').check();
}

async function submitDeclaration(page) {
  await form(page).getByRole('button', { name: /提交申报|Submit declaration/ }).click();
  await page.locator('section.card').waitFor();
  await page.waitForFunction(() => document.querySelector('section.card .qr svg'));
}

async function cardColor(page) {
  return page.locator('section.card').getAttribute('data-color');
}

async function declareSelf(page, opts = {}) {
  const id = opts.id || residentId();
  await login(page);
  await fillDeclaration(page, { id, ...opts });
  return id;
}

test('a new resident logs in, declares, gets a green card whose QR verifies', async () => {
  const page = await newPage();
  await declareSelf(page, { name: '王小明' });
  await page.waitForFunction(() => document.documentElement.dataset.core === 'wasm');
  const preview = form(page).locator('.preview');
  await assert.doesNotReject(preview.locator('.badge.c-green').waitFor());
  await page.screenshot({ path: join(ARTIFACTS, 'form-360x740.png') });
  await form(page).screenshot({ path: join(ARTIFACTS, 'form-full.png') });
  await submitDeclaration(page);
  assert.equal(await cardColor(page), 'green');
  const card = page.locator('section.card');
  assert.match(await card.innerText(), /绿码/);
  assert.match(await card.innerText(), /王\*明/);
  assert.match(await card.locator('.qr').getAttribute('aria-label'), /绿码/);
  // The result is announced to screen readers, colour in words.
  assert.match(await card.locator('[aria-live]').innerText(), /王\*明 的健康码：绿码，绿色：可通行/);
  // The clock moves.
  const t1 = await card.locator('.clock time').innerText();
  await page.waitForTimeout(1100);
  assert.notEqual(await card.locator('.clock time').innerText(), t1);
  await page.screenshot({ path: join(ARTIFACTS, 'card-green-360x740.png') });

  const codes = zbar(await card.locator('.qr').screenshot());
  assert.equal(codes.length, 1, 'zbarimg finds one QR code in the screenshot');
  assert.match(codes[0], /^AK1:/);
  const verifier = await srv.staff('verifier');
  const v = await srv.api('POST', '/verify', { qr: codes[0] }, verifier);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.valid, true);
  assert.equal(v.json.color, 'green');
  assert.equal(v.json.name_masked, '王*明');
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});

// The card's QR as drawn: device pixels per module, quiet zone, and both decoders on a screenshot.
async function drawnQr(page) {
  const qr = page.locator('section.card .qr');
  const geo = await qr.evaluate((box) => {
    const svg = box.querySelector('svg');
    const d = svg.querySelector('path').getAttribute('d');
    return {
      side: svg.viewBox.baseVal.width, width: svg.getBoundingClientRect().width, dpr: window.devicePixelRatio,
      rect: Number(svg.querySelector('rect').getAttribute('width')), first: d.slice(0, d.indexOf('h')),
    };
  });
  const png = await qr.screenshot();
  return { ...geo, px: (geo.width * geo.dpr) / geo.side, zbar: zbar(png), jsqr: await jsqr(page, png) };
}

test('the screen QR is drawn in the page from the token; zbarimg and jsQR read exactly the token', async () => {
  // A phone's pixel ratio, so whole device pixels per module are not whole CSS
  // pixels; screenshots are taken in device pixels.
  const phone = await startBrowser({ scale: 2.75 });
  try {
    await screenQr(phone);
  } finally {
    await phone.close();
  }
});
async function screenQr(phone) {
  const page = await newPage(phone);
  const declared = page.waitForResponse((r) => r.url().endsWith('/api/v1/declarations') && r.status() === 201);
  await declareSelf(page, { name: '周小青' });
  // The card shows the code of the persons list fetched after the declaration; it stays for 60 s.
  const listed = page.waitForResponse((r) => /\/api\/v1\/persons(\?offline=1)?$/.test(r.url()) && r.status() === 200);
  await submitDeclaration(page);
  const code = (await (await listed).json())[0].code;
  for (const answer of [(await (await declared).json()).code, code, code.offline_code]) {
    assert.ok(!('qr_matrix' in answer) && !('qr_version' in answer), 'the server only signs');
    assert.match(answer.qr, /^AK1:[0-9A-Z $%*+\-./:]+$/, 'Base45: QR alphanumeric mode');
  }
  await page.waitForFunction((qr) => JSON.parse(localStorage.getItem('ankang.card')).persons[0].code.qr === qr, code.qr);
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('ankang.card'))).persons[0].code;
  assert.ok(!('qr_matrix' in stored), 'the device keeps the token, not a matrix');

  const g = await drawnQr(page);
  const version = (g.side - 8 - 17) / 4;
  assert.ok(Number.isInteger(version) && version >= 1 && version <= 10, `QR version ${version} (SPEC §4: ≤ 10 at level M)`);
  assert.equal(g.rect, g.side, 'white background over the whole symbol');
  assert.equal(g.first, 'M4 4', 'the finder pattern starts after a quiet zone of 4 modules');
  assert.equal(g.dpr, 2.75);
  assert.ok(Number.isInteger(Math.round(g.px * 1000) / 1000) && g.px >= 3, `${g.px} device pixels per module`);
  assert.deepEqual(g.zbar, [code.qr], 'zbarimg reads exactly the token');
  assert.equal(g.jsqr, code.qr, 'jsQR reads exactly the token');
  await page.screenshot({ path: join(ARTIFACTS, 'card-qr-dpr2.75.png') });
  assert.match(await page.locator('section.card .qr').getAttribute('aria-label'), /绿码/);
  assert.equal(await page.locator('section.card .qr').getAttribute('role'), 'img');

  // Encode + draw time of the page's own module (web/common/qr.js) for this token, in
  // Chromium: the first call in a fresh page (cold) and the median of 31 warm calls,
  // at full speed and at 4x CPU slowdown (a slow phone).
  const bundle = (await build({
    entryPoints: [join(ROOT, 'web', 'common', 'qr.js')], bundle: true, minify: true, write: false,
    format: 'iife', globalName: 'AnkangQr', target: ['chrome80'], logLevel: 'warning',
  })).outputFiles[0].text;
  const lines = [];
  for (const rate of [1, 4]) {
    const p = await phone.context.newPage();
    const c = await p.context().newCDPSession(p);
    await c.send('Emulation.setCPUThrottlingRate', { rate });
    await p.evaluate(bundle);
    const t = await p.evaluate((text) => {
      const once = () => { const t0 = performance.now(); const svg = window.AnkangQr.qrSvg(window.AnkangQr.qrMatrix(text), 'green'); return [performance.now() - t0, svg.length]; };
      const [cold] = once();
      const warm = [];
      for (let i = 0; i < 31; i++) warm.push(once()[0]);
      warm.sort((a, b) => a - b);
      return { cold, median: warm[15], max: warm[30] };
    }, code.qr);
    await p.close();
    lines.push(`CPU x${rate}: first ${t.cold.toFixed(1)} ms, median of 31 ${t.median.toFixed(2)} ms (max ${t.max.toFixed(2)})`);
    if (rate === 1) assert.ok(t.median < 50, `encoding and drawing took ${t.median} ms`);
  }
  const report = `screen QR encode+draw in Chromium, ${code.qr.length}-character token, version ${version}, level M:\n${lines.join('\n')}\n`;
  writeFileSync(join(ARTIFACTS, 'qr-encode-ms.txt'), report);
  console.log(`# ${report.trim().replace(/\n/g, '\n# ')}`);
  assert.deepEqual(page.jsErrors, []);
  await page.close();
}

test('a wrong ID check character shows the checksum error and sends nothing', async () => {
  const page = await newPage();
  await login(page);
  await page.waitForFunction(() => document.documentElement.dataset.core === 'wasm');
  const good = residentId();
  await fillDeclaration(page, { id: badChecksum(good) });
  const err = fieldOf(page, 'person.id_number').locator('.err');
  await err.waitFor();
  assert.match(await err.innerText(), /校验/);
  assert.equal(await fieldOf(page, 'person.id_number').locator('input').getAttribute('aria-invalid'), 'true');
  const posts = [];
  page.on('request', (r) => { if (r.method() !== 'GET') posts.push(r.url()); });
  await form(page).getByRole('button', { name: /提交申报/ }).click();
  await page.waitForTimeout(500);
  assert.deepEqual(posts, [], 'nothing was sent');
  assert.match(await page.locator('form.decl .status').innerText(), /1/);
  assert.equal(await page.evaluate(() => document.activeElement.name), 'id_number', 'focus moves to the bad field');
  await page.screenshot({ path: join(ARTIFACTS, 'form-checksum-error-360x740.png') });
  // Correcting it clears the error.
  await fieldOf(page, 'person.id_number').locator('input').fill(good);
  await err.waitFor({ state: 'hidden' });
  await page.close();
});

test('37.5 °C previews yellow with the fever reason; the server card agrees', async () => {
  const page = await newPage();
  await declareSelf(page, { temperature: '37.5' });
  const preview = form(page).locator('.preview');
  await preview.locator('.badge.c-yellow').waitFor();
  const previewRules = await preview.locator('li[data-rule]').evaluateAll((ls) => ls.map((l) => [l.dataset.rule, l.textContent]));
  assert.ok(previewRules.length >= 1);
  assert.ok(previewRules.some(([, text]) => /发热|体温/.test(text)), JSON.stringify(previewRules));
  await submitDeclaration(page);
  assert.equal(await cardColor(page), 'yellow');
  const cardRules = await page.locator('section.card .reasons li[data-rule]').evaluateAll((ls) => ls.map((l) => [l.dataset.rule, l.textContent]));
  assert.deepEqual(cardRules, previewRules, 'the preview and the server give the same reasons');
  assert.match(await page.locator('section.card').innerText(), /黄码/);
  await page.screenshot({ path: join(ARTIFACTS, 'card-yellow-360x740.png') });
  const codes = zbar(await page.locator('section.card .qr').screenshot());
  assert.equal(codes.length, 1, 'the yellow QR scans');
  const v = await srv.api('POST', '/verify', { qr: codes[0] }, await srv.staff('verifier'));
  assert.equal(v.json.color, 'yellow');
  await page.close();
});

test('check-in once a day; a family member declared and cards switched', async () => {
  const page = await newPage();
  await declareSelf(page, { name: '李四' });
  await submitDeclaration(page);
  const selfName = await page.locator('section.card h2').innerText();

  await page.getByRole('button', { name: '每日打卡' }).click();
  await page.getByLabel(/体温/).fill('36.6');
  await page.getByRole('button', { name: /^打卡$/ }).click();
  await page.locator('section.card').waitFor();
  assert.match(await page.locator('#status').innerText(), /打卡成功/);
  // The page knows it checked in today...
  await page.getByRole('button', { name: '每日打卡' }).click();
  await page.getByText('今日已打卡').waitFor();
  assert.equal(await page.getByRole('button', { name: /^打卡$/ }).isDisabled(), true);
  await page.screenshot({ path: join(ARTIFACTS, 'checkin-done-360x740.png') });
  // ...and after a reload the server refuses a second check-in the same day (409).
  await page.reload();
  await page.locator('section.card').waitFor();
  await page.getByRole('button', { name: '每日打卡' }).click();
  await page.getByLabel(/体温/).fill('36.6');
  const answer = page.waitForResponse((r) => r.url().endsWith('/checkins'));
  await page.getByRole('button', { name: /^打卡$/ }).click();
  assert.equal((await answer).status(), 409);
  await page.getByText('今日已打卡').waitFor();
  await page.getByRole('button', { name: '返回健康码' }).click();

  await page.getByRole('button', { name: '家属', exact: true }).click();
  await page.getByText('还没有添加家属').waitFor();
  await page.getByRole('button', { name: '添加家属' }).click();
  await fillDeclaration(page, { relation: 'parent', name: '李老汉', id: residentId('370102', '19450303') });
  await submitDeclaration(page);
  assert.match(await page.locator('section.card h2').innerText(), /李\*汉|李\*/);
  const tabs = page.locator('nav.tabs button');
  assert.equal(await tabs.count(), 2);
  await tabs.filter({ hasText: '李*' }).first().waitFor();
  // Switch back to the account holder's own card.
  await tabs.nth(0).click();
  await page.waitForFunction((n) => document.querySelector('section.card h2').textContent === n, selfName);
  assert.equal(await page.locator('nav.tabs button[aria-pressed="true"]').count(), 1);
  await tabs.nth(1).click();
  await page.waitForFunction((n) => document.querySelector('section.card h2').textContent !== n, selfName);
  await page.getByRole('button', { name: '家属', exact: true }).click();
  assert.equal(await page.locator('ul.family li').count(), 1);

  // Two more (through the API with this page's session): the limit of 3 is shown.
  const token = await deviceToken(page);
  for (const [name, birth] of [['李小妹', '20150505'], ['李小弟', '20170707']]) {
    const r = await srv.api('POST', '/declarations', {
      person: { name, id_type: 'resident_id', id_number: residentId('370102', birth), phone: '', nationality: 'CHN',
        region: '370102', address: '泉城路1号', relation: 'child' },
      health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none',
      commitment: true }, token);
    assert.equal(r.status, 201, r.text);
  }
  await page.reload();
  await page.locator('section.card').waitFor();
  // The card kept on the device shows first (two persons), then the server's list.
  await page.waitForFunction(() => document.querySelectorAll('nav.tabs button').length === 4);
  await page.getByRole('button', { name: '家属', exact: true }).click();
  assert.equal(await page.locator('ul.family li').count(), 3);
  await page.getByText('已添加 3 名家属').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'family-360x740.png') });
  assert.equal(await page.getByRole('button', { name: '添加家属' }).count(), 0);
  // Removing one frees a place.
  page.once('dialog', (d) => d.accept());
  await page.locator('ul.family li').filter({ hasText: '李*弟' }).getByRole('button', { name: '移除' }).click();
  await page.getByRole('button', { name: '添加家属' }).waitFor();
  assert.equal(await page.locator('ul.family li').count(), 2);
  await page.close();
});

test('travel: places added and removed; a high-risk place previews red like the server', async () => {
  const admin = await srv.staff('admin');
  const r = await srv.api('PUT', '/admin/risk-areas', { areas: [{ region: '310101', level: 'high' }] }, admin);
  assert.equal(r.status, 200, r.text);
  const day = (n) => new Date(Date.now() + 8 * 3600e3 - n * 86400e3).toISOString().slice(0, 10);
  const page = await newPage();
  await declareSelf(page);
  await page.waitForFunction(() => document.documentElement.dataset.core === 'wasm');
  const add = page.getByRole('button', { name: '添加去过的地方' });
  const rows = page.locator('li.trow');
  await add.click();
  await rows.nth(0).getByLabel('境外', { exact: true }).check();
  await rows.nth(0).locator('select[name="country"]').selectOption('JPN');
  await rows.nth(0).locator('input[name="from"]').fill(day(10));
  await rows.nth(0).locator('input[name="to"]').fill(day(9));
  await add.click();
  const sels = rows.nth(1).locator('.region select');
  await sels.nth(0).selectOption('310000');
  await sels.nth(1).selectOption('310100');
  await sels.nth(2).selectOption('310101');
  await rows.nth(1).locator('input[name="from"]').fill(day(5));
  await rows.nth(1).locator('input[name="to"]').fill(day(3));
  const preview = form(page).locator('.preview');
  await preview.locator('.badge.c-red').waitFor();
  // A date range the wrong way round is shown on that row.
  await rows.nth(0).locator('input[name="to"]').fill(day(12));
  await rows.nth(0).locator('.err:not([hidden])').first().waitFor();
  await rows.nth(0).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'form-travel-360x740.png') });
  await rows.nth(0).getByRole('button', { name: '删除此行程' }).click();
  assert.equal(await rows.count(), 1);
  assert.equal(await form(page).locator('.err:not([hidden])').count(), 0, 'the removed row took its error with it');
  await preview.locator('.badge.c-red').waitFor();
  const previewRules = await preview.locator('li[data-rule]').evaluateAll((ls) => ls.map((l) => l.dataset.rule));
  await submitDeclaration(page);
  assert.equal(await cardColor(page), 'red');
  const cardRules = await page.locator('section.card .reasons li[data-rule]').evaluateAll((ls) => ls.map((l) => l.dataset.rule));
  assert.deepEqual(cardRules, previewRules);
  await page.close();
});

test('keyboard only: log in and reach the declaration form', async () => {
  const page = await newPage();
  await signedOut(page, srv.url);
  await page.locator('form.login').waitFor();
  for (let i = 0; i < 10 && await page.evaluate(() => document.activeElement.name) !== 'phone'; i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.name), 'phone');
  await page.keyboard.type(newPhone());
  await page.keyboard.press('Enter');
  await page.locator('.devcode').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'code', 'focus moves to the code field');
  const code = (await page.locator('.devcode').innerText()).match(/\d{4,8}/)[0];
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.locator('form.decl').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H2', 'focus is on the new view');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'name');
  await page.close();
});

test('the code refreshes every 60 s while online', async () => {
  const page = await newPage();
  await page.clock.install();
  const fetched = [];
  page.on('response', (r) => { if (/\/persons\/[^/]+\/code(\?offline=1)?$/.test(r.url())) fetched.push(r.status()); });
  await declareSelf(page);
  await submitDeclaration(page);
  await page.waitForTimeout(500);
  const n = fetched.length;
  assert.equal(n, 0, 'the card is shown from the persons list just fetched: no second request');
  await page.clock.fastForward(61000);
  for (let i = 0; i < 50 && fetched.length <= n; i++) await page.waitForTimeout(100);
  assert.equal(fetched.length, n + 1, 'one more fetch after 60 s');
  assert.deepEqual(fetched.slice(n), [200]);
  await page.close();
});

test('switching to English changes labels and messages', async () => {
  const page = await newPage();
  await login(page);
  await page.waitForFunction(() => document.documentElement.dataset.core === 'wasm');
  await fillDeclaration(page, { id: badChecksum(residentId()) });
  const err = fieldOf(page, 'person.id_number').locator('.err');
  await err.waitFor();
  const zhErr = await err.innerText();
  await page.getByRole('button', { name: /Switch to English|English/ }).click();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await fieldOf(page, 'person.name').locator('label').innerText(), 'Name');
  assert.match(await form(page).locator('h2').innerText(), /Health declaration/);
  const enErr = await err.innerText();
  assert.notEqual(enErr, zhErr);
  assert.match(enErr, /[Cc]heck/);
  assert.match(await page.locator('.tools').innerText(), /中文/);
  // Messages made after the switch are English too.
  await fieldOf(page, 'person.name').locator('input').fill('');
  await fieldOf(page, 'person.name').locator('.err').waitFor();
  assert.doesNotMatch(await fieldOf(page, 'person.name').locator('.err').innerText(), /[\u4e00-\u9fff]/);
  await page.screenshot({ path: join(ARTIFACTS, 'form-english-360x740.png') });
  // The preference survives a reload, and switching back works.
  await page.reload();
  await page.locator('form.decl').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  // The card in English: colour in words, reasons and advice from the server in English.
  await fillDeclaration(page, { id: residentId(), name: 'John Smith', temperature: '37.6' });
  await form(page).locator('.preview .badge.c-yellow').waitFor();
  await form(page).getByRole('button', { name: 'Submit declaration' }).click();
  await page.locator('section.card .qr svg').waitFor();
  const card = await page.locator('section.card').innerText();
  assert.match(card, /Yellow code/);
  assert.match(card, /Health code of J\*\*\* S\*\*\*\*/);  // Latin names masked word by word
  assert.doesNotMatch(await page.locator('section.card .reasons').innerText(), /[\u4e00-\u9fff]/);
  assert.match(await page.locator('section.card .qr').getAttribute('aria-label'), /Yellow code/);
  await page.screenshot({ path: join(ARTIFACTS, 'card-english-yellow-360x740.png') });
  await page.getByRole('button', { name: /中文|Switch to Chinese|切换到中文/ }).click();
  assert.match(await page.locator('section.card').innerText(), /黄码/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await page.close();
});

test('with WebAssembly disabled a declaration goes through on server validation', async () => {
  const nowasm = await startBrowser({ noWasm: true });
  try {
    const page = await newPage(nowasm);
    await login(page);
    assert.equal(await page.evaluate(() => typeof WebAssembly), 'undefined');
    await page.waitForFunction(() => document.documentElement.dataset.core === 'none');
    const good = residentId();
    await fillDeclaration(page, { id: badChecksum(good), name: '赵六' });
    assert.match(await form(page).locator('.preview').innerText(), /服务器/);
    const answers = [];
    page.on('response', (r) => { if (r.url().endsWith('/api/v1/declarations')) answers.push(r.status()); });
    await form(page).getByRole('button', { name: /提交申报/ }).click();
    const err = fieldOf(page, 'person.id_number').locator('.err');
    await err.waitFor();
    assert.deepEqual(answers, [422]);
    assert.ok((await err.innerText()).length > 2, 'the server message is shown by the field');
    await fieldOf(page, 'person.id_number').locator('input').fill(good);
    await submitDeclaration(page);
    assert.equal(await cardColor(page), 'green');
    assert.deepEqual(answers, [422, 201]);
    const codes = zbar(await page.locator('section.card .qr').screenshot());
    assert.equal(codes.length, 1, 'the QR drawn without the core also scans');
    await page.close();
  } finally {
    await nowasm.close();
  }
});

test('red after the authority lists the person; offline keeps the last code', async () => {
  const page = await newPage();
  const id = await declareSelf(page, { name: '孙七' });
  await submitDeclaration(page);
  const admin = await srv.staff('admin');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const r = await srv.api('PUT', '/admin/case-status', { id_type: 'resident_id', id_number: id, status: 'confirmed', since: today }, admin);
  assert.equal(r.status, 200, r.text);
  await page.reload();
  await page.locator('section.card[data-color="red"]').waitFor();
  assert.match(await page.locator('section.card').innerText(), /红码/);
  assert.ok(await page.locator('section.card .reasons li').count() >= 1);
  await page.screenshot({ path: join(ARTIFACTS, 'card-red-360x740.png') });
  const codes = zbar(await page.locator('section.card .qr').screenshot());
  assert.equal(codes.length, 1, 'the red QR scans');
  const v = await srv.api('POST', '/verify', { qr: codes[0] }, await srv.staff('verifier'));
  assert.equal(v.json.valid, true);
  assert.equal(v.json.color, 'red');

  // Offline: the card stays, marked; a reload still shows the last code.
  await page.context().setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event('offline')));
  await page.locator('.offline').waitFor();
  assert.match(await page.locator('.offline').innerText(), /离线，自 \d\d:\d\d 起/);
  await page.reload();
  await page.locator('section.card[data-color="red"]').waitFor();
  assert.match(await page.locator('.offline').innerText(), /离线/);
  const stored = await page.evaluate(() => localStorage.getItem('ankang.card'));
  assert.ok(!stored.includes(id) && !stored.includes(id.slice(0, 14)), 'no ID number on the device');
  // The offline card's QR is drawn again from the kept token (the screen token, still valid).
  await page.locator('section.card .qr svg').waitFor();
  assert.deepEqual(zbar(await page.locator('section.card .qr').screenshot()), [JSON.parse(stored).persons[0].code.qr]);
  await page.screenshot({ path: join(ARTIFACTS, 'card-offline-360x740.png') });
  await page.context().setOffline(false);
  await page.close();
});

test('usable at 320 px, large text, labelled fields', async () => {
  const page = await newPage();
  await page.setViewportSize({ width: 320, height: 640 });
  await declareSelf(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(await overflow() <= 320, `no sideways scrolling at 320 px (${await overflow()})`);
  await page.getByRole('button', { name: '大字' }).click();
  assert.equal(await page.getByRole('button', { name: '大字' }).getAttribute('aria-pressed'), 'true');
  assert.ok(await overflow() <= 320, 'large text still fits');
  // Every visible form control has an accessible name.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input,select,textarea,button')]
    .filter((e) => e.offsetParent && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
    .map((e) => e.outerHTML));
  assert.deepEqual(unnamed, []);
  await submitDeclaration(page);
  assert.ok(await overflow() <= 320, 'the card fits at 320 px');
  await page.screenshot({ path: join(ARTIFACTS, 'card-large-text-320.png'), fullPage: true });
  await page.getByRole('button', { name: '大字' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('large')), false);
  await page.close();
});

test('paper code print view, edit info with locked fields, appeal with status', async () => {
  const page = await newPage();
  await declareSelf(page);
  await submitDeclaration(page);
  await page.getByRole('button', { name: '打印纸质码' }).click();
  await page.locator('.paper img').waitFor();
  await page.waitForFunction(() => document.querySelector('.paper img').naturalWidth > 0);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#bar').isVisible(), false, 'print view shows the paper code only');
  await page.screenshot({ path: join(ARTIFACTS, 'paper-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.getByRole('button', { name: '返回健康码' }).click();

  await page.getByRole('button', { name: '修改信息' }).click();
  await page.locator('.locked').first().waitFor();
  assert.ok(await page.locator('.locked').count() >= 3, 'name and ID are shown locked');
  await page.getByLabel('详细地址').fill('历下区泉城路2号');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('已保存').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'edit-360x740.png'), fullPage: true });

  await page.getByRole('button', { name: '返回健康码' }).click();
  await page.getByRole('button', { name: '申诉' }).click();
  await page.getByLabel('申诉说明').fill('我没有去过中风险地区，请复核。');
  await page.getByRole('button', { name: '提交申诉' }).click();
  await page.getByText('申诉已提交').waitFor();
  await page.locator('ul.appeals li[data-status]').first().waitFor();
  assert.match(await page.locator('ul.appeals').innerText(), /处理中/);
  await page.screenshot({ path: join(ARTIFACTS, 'appeal-360x740.png'), fullPage: true });
  await page.close();
});

test('"download my data" saves a copy of what the server holds, with the full ID number', async () => {
  const page = await newPage();
  const id = await declareSelf(page, { name: '钱小芳' });
  await submitDeclaration(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '下载我的数据' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ankang-my-data.json');
  const { readFileSync } = await import('node:fs');
  const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(data.persons.length, 1);
  assert.equal(data.persons[0].name, '钱小芳');
  assert.equal(data.persons[0].id_number, id);
  assert.equal(data.persons[0].declarations.length, 1);
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});

test('no third-party requests, nothing personal in URLs, size within budget', () => {
  assert.ok(requests.length > 20);
  const origin = srv.url;
  const foreign = requests.filter(([u]) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  for (const [u] of requests) {
    assert.doesNotMatch(u, /\d{17}[\dX]/, `no ID number in ${u}`);
    assert.doesNotMatch(u, /1[3-9]\d{9}/, `no phone number in ${u}`);
  }
  const out = execFileSync('node', [join(ROOT, 'web', 'size.mjs')], { encoding: 'utf8' });
  const kb = Number(out.match(/total\s+\d+ B\s+(\d+) B gzip/)[1]) / 1024;
  assert.ok(kb <= 150, `${kb.toFixed(1)} KB gzip`);
});
