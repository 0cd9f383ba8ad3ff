// Every page in its main states at 360×740, as a phone at a gate shows it:
// nothing scrolls sideways, and axe-core (npm, WCAG 2 A/AA rules: contrast of
// at least 4.5:1, labelled inputs, named selects, one h1, ...) finds nothing;
// no file a page loads is missing (the site icon included).
// Run: node --test tests/browser/gate-a11y.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, launch, api, staffToken, residentToken, declare, shot } from './staff-lib.mjs';

const AXE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
let srv;
let browser;
let ctx;
const notFound = [];

before(async () => {
  srv = await startServer();
  browser = await launch();
  ctx = browser.ctx;
  // Files the pages load (the API's own 404 answers are the pages' business).
  ctx.on('response', (r) => { if (r.status() === 404 && !new URL(r.url()).pathname.startsWith('/api/')) notFound.push(r.url()); });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function phonePage() {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.jsErrors = errors;
  return page;
}

// Puts a session into the tab's sessionStorage (key: 'ankang.session' or 'ankang.staff').
async function withSession(page, key, value) {
  await page.goto(`${srv.base}/healthz`);
  await page.evaluate(([k, v]) => sessionStorage.setItem(k, JSON.stringify(v)), [key, value]);
}

// Asserts: no sideways scrolling at 360 px, no axe violation; saves a screenshot.
async function check(page, name) {
  await page.waitForTimeout(150);  // fonts and late layout
  const wide = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const over = [...document.querySelectorAll('body *')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > w + 1 && getComputedStyle(e).position !== 'fixed';
    }).slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`);
    return { scroll: document.documentElement.scrollWidth, width: w, over };
  });
  await shot(page, `a11y-360-${name}`);
  // The network bar shows only when something is wrong with the network.
  assert.equal(await page.evaluate(() => { const n = document.getElementById('net'); return !!n && getComputedStyle(n).display !== 'none'; }), false, `${name}: network bar shown`);
  assert.ok(wide.scroll <= wide.width, `${name}: page is ${wide.scroll} px wide at ${wide.width} px: ${wide.over.join('; ')}`);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] },
      rules: { region: { enabled: false }, 'landmark-one-main': { enabled: false }, 'landmark-unique': { enabled: false } } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary.split('\n').slice(1, 2).join('')}`).join(' | ')}`);
  });
  assert.deepEqual(res, [], `${name}: axe violations`);
  assert.deepEqual(page.jsErrors, [], `${name}: page errors`);
}

test('the resident page: log-in, declaration form, the code card, English', async () => {
  const page = await phonePage();
  await page.goto(`${srv.base}/`);
  await page.locator('input[name="phone"]').waitFor();
  await check(page, 'resident-login');
  // A wrong number's error and the sent code (the resend countdown on the button).
  await page.locator('input[name="phone"]').fill('12345');
  await page.getByRole('button', { name: /获取验证码|Get code/ }).click();
  await page.locator('.field.bad .err').waitFor();
  await check(page, 'resident-login-error');
  const phone = `139${String(Date.now()).slice(-8)}`;
  const token = await residentToken(srv.base, phone);
  const p2 = await phonePage();
  await withSession(p2, 'ankang.session', { token, phone });
  await p2.goto(`${srv.base}/`);
  await p2.locator('form.decl').waitFor();
  await check(p2, 'resident-declare');
  await declare(srv.base, token, { phone });
  await p2.reload();
  await p2.waitForFunction(() => document.querySelector('section.card .qr svg'));
  await check(p2, 'resident-card-green');
  await p2.locator('.tools .tb').first().click();  // the other language
  await check(p2, 'resident-card-english');
  const t2 = await residentToken(srv.base, `139${String(Date.now() + 7).slice(-8)}`);
  await declare(srv.base, t2, { temperature: 37.8, name: '李四' });
  await withSession(p2, 'ankang.session', { token: t2 });
  await p2.goto(`${srv.base}/`);
  await p2.waitForFunction(() => document.querySelector('section.card[data-color="yellow"] .qr svg'));
  await check(p2, 'resident-card-yellow');
  await page.close();
  await p2.close();
});

test('the verifier /staff: sign-in, ready, a result', async () => {
  const page = await phonePage();
  await page.goto(`${srv.base}/staff`);
  await page.locator('#login-user').waitFor();
  await check(page, 'staff-login');
  await withSession(page, 'ankang.staff', { token: await staffToken(srv.base, 'verifier'), role: 'verifier', username: 'verifier' });
  await page.goto(`${srv.base}/staff`);
  await page.locator('#manual-qr').waitFor();
  await check(page, 'staff-ready');
  const t = await residentToken(srv.base, `137${String(Date.now()).slice(-8)}`);
  const d = await declare(srv.base, t);
  await page.fill('#manual-qr', d.code.qr);
  await page.click('#manual-verify');
  await page.locator('#result[data-status]').waitFor();
  await check(page, 'staff-result-green');
  // The other results a gate sees: yellow, red, not a health code.
  const yellow = await declare(srv.base, await residentToken(srv.base, `137${String(Date.now() + 1).slice(-8)}`), { temperature: 37.9 });
  const red = await declare(srv.base, await residentToken(srv.base, `137${String(Date.now() + 2).slice(-8)}`), { contact: 'confirmed' });
  for (const [name, qr] of [['yellow', yellow.code.qr], ['red', red.code.qr], ['invalid', 'AK1:NOT-A-CODE']]) {
    await page.fill('#manual-qr', qr);
    await page.click('#manual-verify');
    await page.waitForFunction((q) => document.querySelector('#result').dataset.status && document.querySelector('#manual-qr').value === q, qr);
    await page.waitForTimeout(300);
    await check(page, `staff-result-${name}`);
  }
  await page.close();
});

test('/admin: every tab at 360 px, forms labelled', async () => {
  const page = await phonePage();
  await page.goto(`${srv.base}/admin`);
  await page.locator('#login-user').waitFor();
  await check(page, 'admin-login');
  const admin = await staffToken(srv.base, 'admin');
  // Something in each list: an appeal, a venue with a visit, a risk area.
  const t = await residentToken(srv.base, `136${String(Date.now()).slice(-8)}`);
  const d = await declare(srv.base, t);
  await api(srv.base, 'POST', `/persons/${d.person_id}/appeals`, { topic: 'color', message: '颜色不对 wrong colour' }, t);
  await api(srv.base, 'PUT', '/admin/risk-areas', { areas: [{ region: '370103', level: 'medium' }] }, admin);
  await withSession(page, 'ankang.staff', { token: admin, role: 'admin', username: 'admin' });
  await page.goto(`${srv.base}/admin`);
  for (const tab of ['stats', 'risk', 'cases', 'rules', 'appeals', 'review', 'issuers', 'venues', 'persons', 'staff', 'audit']) {
    await page.click(`#tab-${tab}`);
    await page.waitForFunction((k) => document.querySelector('#tab-body') && document.querySelector('#tab-body').dataset.loaded === k, tab);
    await page.waitForLoadState('networkidle');
    await check(page, `admin-${tab}`);
    // Every field says what it is (a label, aria-label or aria-labelledby).
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('#tab-body input, #tab-body select, #tab-body textarea')]
      .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
      .map((e) => e.id || e.name || e.className));
    assert.deepEqual(unnamed, [], `admin ${tab}: fields without a label`);
  }
  await page.close();
});

test('/review and /venue with something in their lists', async () => {
  const admin = await staffToken(srv.base, 'admin');
  await api(srv.base, 'PUT', '/admin/review-regions', { regions: ['370102'] }, admin);
  const t = await residentToken(srv.base, `135${String(Date.now()).slice(-8)}`);
  const r = await api(srv.base, 'POST', '/declarations', {
    person: { name: '王五', id_type: 'passport', id_number: 'E12345678', phone: '+44 7700 900123', nationality: 'CHN', region: '370102', address: '泉城路1号', relation: 'self' },
    health: { temperature: 36.6, symptoms: ['dry_cough', 'fatigue'], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  }, t);
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const page = await phonePage();
  await withSession(page, 'ankang.staff', { token: await staffToken(srv.base, 'issuer'), role: 'issuer', username: 'issuer' });
  await page.goto(`${srv.base}/review`);
  await page.locator('#pending-table tbody tr').first().waitFor();
  const row = page.locator('#pending-table tbody tr').first();
  assert.match(await row.innerText(), /干咳 Dry cough/);
  assert.doesNotMatch(await row.innerText(), /dry_cough/);
  // Approve and Reject are on screen, not beyond its right edge.
  for (const b of [row.locator('button.approve'), row.locator('button.reject')]) {
    const box = await b.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `review button at ${JSON.stringify(box)}`);
  }
  await check(page, 'review');
  await api(srv.base, 'PUT', '/admin/review-regions', { regions: [] }, admin);

  const venue = await staffToken(srv.base, 'venue');
  const v = await api(srv.base, 'POST', '/venues', { name: '泉城广场超市', region: '370102', address: '泉城路1号' }, venue);
  assert.equal(v.status, 201);
  await withSession(page, 'ankang.staff', { token: venue, role: 'venue', username: 'venue' });
  await page.goto(`${srv.base}/venue`);
  await page.locator('#venue-table tbody tr').first().waitFor();
  await check(page, 'venue');
  await page.locator('#venue-table button.show-poster').first().click();
  await page.locator('#poster-img').waitFor();
  await check(page, 'venue-poster');
  await page.close();
});

test('/v/{id}: sign-in, check-in form, the result, an unknown venue', async () => {
  const venue = await staffToken(srv.base, 'venue');
  const v = await api(srv.base, 'POST', '/venues', { name: '图书馆', region: '370102', address: '历下区1号' }, venue);
  const page = await phonePage();
  await page.goto(`${srv.base}/v/${v.data.venue_id}`);
  await page.locator('#visit-phone').waitFor();
  await check(page, 'visit-login');
  const t = await residentToken(srv.base, `134${String(Date.now()).slice(-8)}`);
  await declare(srv.base, t);
  await withSession(page, 'ankang.session', { token: t });
  await page.goto(`${srv.base}/v/${v.data.venue_id}`);
  await page.locator('#visit-form').waitFor();
  await check(page, 'visit-form');
  await page.fill('#temp-0', '36.6');
  await page.click('#visit-submit');
  await page.locator('.code-card .qr').first().waitFor();
  await check(page, 'visit-result');
  await page.goto(`${srv.base}/v/no-such-venue`);
  await page.locator('#venue-missing').waitFor();
  await check(page, 'visit-unknown');
  await page.close();
});

test('no file any page above loaded was missing; the icon is there', async () => {
  const r = await fetch(`${srv.base}/favicon.ico`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/x-icon');
  assert.equal((await fetch(`${srv.base}/favicon.svg`)).status, 200);
  assert.deepEqual(notFound, []);
});
