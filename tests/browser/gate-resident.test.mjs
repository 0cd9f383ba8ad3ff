// The resident page as used at a gate (issue "At the gate, with a weak
// network"), in real headless Chromium against a real ankang-server --dev:
// the first tap on "get code" after correcting a number, the resend
// countdown, international numbers, an English browser, Latin names, log-out,
// messages that agree with the colour for every preset, and a network that
// connects but never answers (a loopback proxy that stops forwarding).
// Run: node --test tests/browser/gate-resident.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, ARTIFACTS, CHROMIUM_ARGS, startServer, startBrowser, residentId, newPhone, requestDevCode, signedOut } from './harness.mjs';
import { startProxy } from './netproxy.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await startBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function newPage(ctx = browser.context) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.jsErrors = errors;
  return page;
}

// A resident account with a token, made through the API; optionally declared.
async function account({ phone = newPhone(), declare = null } = {}) {
  const o = await srv.api('POST', '/auth/otp', { phone });
  assert.equal(o.status, 202, o.text);
  const l = await srv.api('POST', '/auth/login', { phone, code: o.json.dev_code });
  assert.equal(l.status, 200, l.text);
  let decl = null;
  if (declare) {
    const today = new Date().toISOString().slice(0, 10);
    const r = await srv.api('POST', '/declarations', {
      person: { name: '张小三', id_type: 'resident_id', id_number: residentId(), phone, nationality: 'CHN', region: '370102', address: '泉城路1号', relation: 'self', ...declare.person },
      health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false, ...declare.health },
      travel_14d: [], contact_14d: 'none', commitment: true, ...declare.rest,
    }, l.json.token);
    assert.ok(r.status === 201, `${r.status} ${r.text} ${today}`);
    decl = r.json;
  }
  return { phone, token: l.json.token, decl };
}

// Opens "/" in `page` signed in with `token` (the tab's session).
async function openSignedIn(page, base, token, phone) {
  await page.goto(`${base}/healthz`);
  await page.evaluate(([t, p]) => sessionStorage.setItem('ankang.session', JSON.stringify({ token: t, phone: p })), [token, phone]);
  await page.goto(`${base}/`);
}

test('the first tap on "get code" after correcting the number is not lost, and the button then counts down', async () => {
  const page = await newPage();
  await page.goto(`${srv.url}/`);
  const phoneIn = page.getByLabel('手机号');
  const send = page.getByRole('button', { name: '获取验证码' });
  await phoneIn.fill('1381234567');  // one digit short
  await send.click();
  const err = page.locator('.field.bad .err');
  await err.waitFor();
  // Corrected while the field has the focus: the error goes as the number becomes right.
  await phoneIn.click();
  await phoneIn.fill(newPhone());
  await page.waitForFunction(() => !document.querySelector('.field.bad'));
  const before = await send.boundingBox();
  // Leaving the field moves nothing.
  await page.evaluate(() => document.activeElement.blur());
  assert.deepEqual(await send.boundingBox(), before, 'the button moved when the phone field lost the focus');
  await phoneIn.click();
  // One real tap where the button is (mousedown blurs the field first).
  await page.mouse.click(before.x + before.width / 2, before.y + before.height / 2);
  await page.locator('.devcode').waitFor({ timeout: 10000 });  // a lost tap never sends it
  // The resend countdown: disabled, counting.
  const resend = page.locator('form.login .actions button').first();
  assert.equal(await resend.isDisabled(), true);
  const n1 = Number((await resend.innerText()).match(/(\d+)/)[1]);
  assert.ok(n1 > 50 && n1 <= 60, await resend.innerText());
  await page.waitForTimeout(2100);
  const n2 = Number((await resend.innerText()).match(/(\d+)/)[1]);
  assert.ok(n2 <= n1 - 1, `${n1} -> ${n2}`);
  assert.match(await resend.innerText(), /重新获取（\d+ 秒）/);
  assert.deepEqual(page.jsErrors, []);
  await page.close();
});

test('an international number with spaces is accepted; a wrong one gets a plain-language error', async () => {
  const page = await newPage();
  const code = await requestDevCode(page, srv.url, '+44 7700 900123');
  assert.match(code, /^\d{6}$/);
  await page.getByLabel('验证码').fill(code);
  await page.getByRole('button', { name: /^登录$/ }).click();
  await page.locator('form.decl').waitFor();
  // The same number without spaces is the same account (the server stores it normalised).
  const again = await srv.api('POST', '/auth/otp', { phone: '+447700900123' });
  assert.equal(again.status, 429, 'one code a minute for the same number, however it is typed');
  const bad = await srv.api('POST', '/auth/otp', { phone: '+44 12' });
  assert.equal(bad.status, 422);
  assert.doesNotMatch(bad.text, /E\.164/);
  const p2 = await newPage();
  await signedOut(p2, srv.url);  // a new tab is signed in too (device session): sign out first
  await p2.getByLabel('手机号').fill('+44 12');
  await p2.getByRole('button', { name: '获取验证码' }).click();
  const err = await p2.locator('.field.bad .err').innerText();
  assert.match(err, /\+44 7700 900123/);
  assert.doesNotMatch(err, /E\.164/);
  await page.close();
  await p2.close();
});

test('an English browser gets the page in English, region names in English, a Latin name masked word by word', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'ankang-chromium-en-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, '--lang=en-GB'],
    viewport: { width: 360, height: 740 }, locale: 'en-GB', timezoneId: 'Europe/London',
  });
  try {
    const page = await newPage(ctx);
    await page.goto(`${srv.url}/`);
    await page.getByRole('button', { name: 'Get code' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('#bar h1').innerText(), 'Ankang health code');
    await page.getByLabel('Phone number').fill('+44 7700 900456');
    await page.getByRole('button', { name: 'Get code' }).click();
    await page.locator('.devcode').waitFor();
    const code = (await page.locator('.devcode').innerText()).match(/\d{6}/)[0];
    await page.getByLabel('One-time code').fill(code);
    await page.getByRole('button', { name: 'Log in' }).click();
    const form = page.locator('form.decl');
    await form.waitFor();
    const field = (k) => form.locator(`[data-key="${k}"]`);
    await field('person.name').locator('input').fill('John Smith');
    await field('person.id_type').locator('select').selectOption('passport');
    await field('person.id_number').locator('input').fill('E12345678');
    await field('person.nationality').locator('select').selectOption('GBR');
    const sels = field('person.region').locator('select');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-key="person.region"] select')[0].options].some((o) => o.text === 'Shandong Province'));
    await sels.nth(0).selectOption({ label: 'Shandong Province' });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-key="person.region"] select')[1].options].some((o) => o.text === 'Jinan City'));
    await sels.nth(1).selectOption({ label: 'Jinan City' });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-key="person.region"] select')[2].options].some((o) => o.text === 'Lixia District'));
    await sels.nth(2).selectOption({ label: 'Lixia District' });
    assert.equal(await sels.nth(2).inputValue(), '370102');
    const allText = await field('person.region').innerText();
    assert.doesNotMatch(allText, /[\u4e00-\u9fff]/, 'no Chinese region names in the English page');
    await field('person.address').locator('input').fill('1 Quancheng Road');
    await field('health.temperature').locator('input').fill('36.6');
    await form.locator('input[name="commitment"]').check();
    await form.getByRole('button', { name: 'Submit declaration' }).click();
    await page.waitForFunction(() => document.querySelector('section.card .qr svg'));
    assert.match(await page.locator('section.card h2').innerText(), /Health code of J\*\*\* S\*\*\*\*/);
    await page.screenshot({ path: join(ARTIFACTS, 'gate-english-latin-name-360x740.png') });
    // The switch to Chinese renames the regions in place.
    await page.close();
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('log-out stands apart from 大字, asks first, and says the kept code goes too', async () => {
  const a = await account({ declare: {} });
  const page = await newPage();
  await openSignedIn(page, srv.url, a.token, a.phone);
  await page.waitForFunction(() => document.querySelector('section.card .qr svg'));
  const large = await page.getByRole('button', { name: '大字' }).boundingBox();
  const out = await page.getByRole('button', { name: '退出' }).boundingBox();
  const gap = out.y >= large.y + large.height ? out.y - (large.y + large.height) : out.x - (large.x + large.width);
  assert.ok(gap >= 16, `log-out is ${gap} px from 大字`);
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.getByRole('button', { name: '退出' }).click();
  assert.match(asked, /本机保存的健康码/);
  assert.ok(await page.locator('section.card').isVisible(), 'dismissing keeps the resident signed in');
  assert.ok(await page.evaluate(() => localStorage.getItem('ankang.card')), 'the kept code is still there');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '退出' }).click();
  await page.getByRole('button', { name: '获取验证码' }).waitFor();
  await page.close();
});

// Words that name a measure: the band (what the colour means at a gate) must
// not name one, since the rule's advice says which (home, hospital, declaring again).
const MEASURE = /隔离|居家|集中|quarantin|isolat|stay (at )?home/i;
// Words that describe a gray code: only on gray cards.
const GRAY_ONLY = /黑白码|black-and-white/i;

test('every preset: reasons, advice and the colour words agree (texts of every rule)', () => {
  for (const f of readdirSync(join(ROOT, 'shared', 'rules')).filter((x) => x.endsWith('.json'))) {
    const rs = JSON.parse(readFileSync(join(ROOT, 'shared', 'rules', f), 'utf8'));
    for (const r of rs.rules) {
      // Reasons are shown under the colour that several rules may set: they say what
      // happened, never what colour or pass status follows.
      for (const l of ['zh', 'en']) {
        assert.doesNotMatch(r.reason[l], GRAY_ONLY, `${f} ${r.id} reason`);
        assert.doesNotMatch(r.reason[l], /通行凭证|not a pass/i, `${f} ${r.id} reason`);
        if (r.color !== 'green') assert.doesNotMatch(r.advice[l], /可通行|may pass/i, `${f} ${r.id} advice`);
      }
    }
  }
});

test('every preset: the cards of each colour and state say one thing', async () => {
  const admin = (await srv.api('POST', '/auth/staff', { username: 'admin', password: 'ankang-dev' })).json.token;
  const page = await newPage();
  try {
    for (const preset of ['default', 'hangzhou', 'international']) {
      const act = await srv.api('POST', `/admin/rulesets/${encodeURIComponent(`preset:${preset}`)}/activate`, {}, admin);
      assert.ok(act.status === 200 || act.status === 202, `${preset}: ${act.status} ${act.text}`);
      const review = preset !== 'hangzhou';
      await srv.api('PUT', '/admin/review-regions', { regions: ['370103'] }, admin);
      const states = [
        ['green', {}],
        ['yellow', { health: { temperature: 37.9 } }],
        ['red', { rest: { contact_14d: 'confirmed' } }],
        [review ? 'gray' : 'green', { person: { region: '370103' } }],
        [review ? 'yellow' : 'yellow', { person: { region: '370103' }, health: { temperature: 37.9 } }],
      ];
      for (const [color, declare] of states) {
        const a = await account({ declare });
        await openSignedIn(page, srv.url, a.token, a.phone);
        await page.waitForFunction(() => document.querySelector('section.card .qr svg'));
        const name = `${preset} ${color} ${JSON.stringify(declare)}`;
        assert.equal(await page.locator('section.card').getAttribute('data-color'), color, name);
        const band = await page.locator('section.card .band').innerText();
        const why = await page.locator('section.card .why').innerText();
        if (color !== 'green') assert.doesNotMatch(band, MEASURE, `${name}: the band names a measure: ${band}`);
        if (color !== 'gray') assert.doesNotMatch(`${band}\n${why}`, GRAY_ONLY, `${name}: a ${color} card speaks of a gray code: ${why}`);
        if (color === 'gray') assert.match(band, /不作通行凭证/);
        if (color !== 'green') assert.doesNotMatch(why, /可通行/, name);
      }
      await srv.api('PUT', '/admin/review-regions', { regions: [] }, admin);
    }
  } finally {
    await srv.api('POST', `/admin/rulesets/${encodeURIComponent('preset:default')}/activate`, {}, admin);
    await page.close();
  }
});

test('on a network that connects and never answers, the card kept on the device is on screen within the time-out', async () => {
  const proxy = await startProxy(srv.port);
  const profile = mkdtempSync(join(tmpdir(), 'ankang-chromium-hang-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 360, height: 740 }, locale: 'zh-CN',
  });
  try {
    const a = await account({ declare: {} });
    const page = await newPage(ctx);
    await openSignedIn(page, proxy.base, a.token, a.phone);
    await page.waitForFunction(() => document.querySelector('section.card .qr svg'));
    await page.waitForFunction(() => navigator.serviceWorker.controller);
    proxy.mode('hang');
    // The card's refresh of the code: tried again, visibly, and then "cannot reach
    // the server" with "try again"; the card says it is offline.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.locator('#net[data-state="slow"]').waitFor({ timeout: 8000 });
    await page.locator('#net[data-state="retrying"]').waitFor({ timeout: 15000 });
    assert.match(await page.locator('#net').innerText(), /正在重试（第 2\/3 次）/);
    await page.locator('#net[data-state="offline"]').waitFor({ timeout: 40000 });
    assert.match(await page.locator('#net').innerText(), /无法连接服务器[\s\S]*重试/);
    await page.locator('section.card .offline').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'gate-hung-network-offline-bar-360x740.png') });
    // A reload: the page and the card come from the device.
    const t0 = Date.now();
    await page.reload();
    await page.waitForFunction(() => document.querySelector('section.card .qr svg'), null, { timeout: 15000 });
    const reloadMs = Date.now() - t0;
    assert.ok(reloadMs < 5000, `reload on a hung network showed the card after ${reloadMs} ms`);
    await page.locator('section.card .offline').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'gate-hung-network-card-360x740.png') });
    // A new tab (no session in it) shows the kept card too.
    const tab = await newPage(ctx);
    const t1 = Date.now();
    await tab.goto(`${proxy.base}/`);
    await tab.waitForFunction(() => document.querySelector('section.card .qr svg'), null, { timeout: 15000 });
    const tabMs = Date.now() - t1;
    assert.ok(tabMs < 5000, `a new tab on a hung network showed the card after ${tabMs} ms`);
    // The network answers again: "try again" brings the card back online.
    proxy.mode('pass');
    await page.getByRole('button', { name: '重试' }).first().click();
    await page.waitForFunction(() => document.querySelector('section.card .qr svg') && document.querySelector('section.card .offline').hidden, null, { timeout: 20000 });
    console.log(`hung network: card after a reload ${reloadMs} ms, in a new tab ${tabMs} ms`);
    assert.deepEqual(page.jsErrors, []);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
    await proxy.close();
  }
});
