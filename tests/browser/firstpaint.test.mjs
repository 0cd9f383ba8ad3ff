// The resident page's first paint (web/pages/resident/first.js): a returning
// resident's new tab draws the code kept on the device before index.js has
// loaded, and only a QR that is still valid, only for the account signed in.
// What first.js drew is caught as it is inserted (a MutationObserver set up
// before the page's scripts); its QR is decoded with zbarimg and must be the
// kept token exactly. Run: node --test tests/browser/firstpaint.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, residentId, newPhone, zbar, deviceSignIn } from './harness.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await startBrowser();
  // Every page of the context records the first card first.js inserts.
  await browser.context.addInitScript(() => {
    window.__first = null;
    new MutationObserver((_, obs) => {
      const s = document.querySelector('section.card[data-first]');
      if (!s) return;
      obs.disconnect();
      const svg = s.querySelector('.qr svg');
      window.__first = {
        color: s.dataset.color, name: s.querySelector('h2').textContent, token: s.querySelector('.qr').dataset.token,
        svg: svg ? svg.outerHTML : null, clock: s.querySelector('.clock time').textContent,
      };
    }).observe(document, { childList: true, subtree: true });
  });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// Signs the browser in as the page does (device session) and declares a person.
async function signedInWithCode(page) {
  await page.goto(`${srv.url}/`);
  const phone = newPhone();
  const token = await deviceSignIn(page, phone);
  const r = await srv.api('POST', '/declarations', {
    person: { name: '张小三', id_type: 'resident_id', id_number: residentId(), phone, nationality: 'CHN', region: '370102', address: '泉城路1号', relation: 'self' },
    health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  }, token);
  assert.equal(r.status, 201, r.text);
  await page.reload();
  // The full card (index.js) keeps what first.js draws next time.
  await page.waitForFunction(() => document.querySelector('section.card:not([data-first]) .qr svg') && localStorage.getItem('ankang.first'));
  return page.evaluate(() => JSON.parse(localStorage.getItem('ankang.card')));
}

// A new tab of the same browser: what first.js drew, once index.js has taken over.
async function newTab() {
  const tab = await browser.context.newPage();
  await tab.goto(`${srv.url}/`);
  await tab.waitForFunction(() => document.querySelector('section.card:not([data-first])') || document.querySelector('form.login'));
  const first = await tab.evaluate(() => window.__first);
  return { tab, first };
}

// The QR of an SVG's markup, decoded by zbarimg from a screenshot of it alone.
async function decode(svg) {
  const p = await browser.context.newPage();
  try {
    await p.setContent(`<body style="margin:0;background:#fff"><div style="width:320px">${svg}</div></body>`);
    await p.evaluate(() => { const s = document.querySelector('svg'); s.style.width = '320px'; s.style.height = '320px'; });
    return zbar(await p.locator('svg').screenshot());
  } finally {
    await p.close();
  }
}

test('a new tab draws the kept code before index.js: the kept token exactly, colour, name, a clock', async () => {
  const page = await browser.context.newPage();
  const card = await signedInWithCode(page);
  const code = card.persons[0].code;
  const { tab, first } = await newTab();
  assert.ok(first, 'first.js drew a card');
  assert.equal(first.color, code.color);
  assert.equal(first.name, code.name_masked);
  assert.equal(first.token, 'screen');
  assert.match(first.clock, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.deepEqual(await decode(first.svg), [code.qr]);
  await tab.close();
  await page.close();
});

test('first.js draws nothing past the token validity, for another account, or from a damaged matrix', async () => {
  const page = await browser.context.newPage();
  await signedInWithCode(page);
  // Changed from a page of the origin that runs none of ours (an open card would keep its own).
  await page.goto(`${srv.url}/healthz`);
  const kept = await page.evaluate(() => localStorage.getItem('ankang.first'));
  const set = (f) => page.evaluate((v) => localStorage.setItem('ankang.first', v), JSON.stringify(f));
  const f = JSON.parse(kept);
  // The screen token about to run out, and no offline code: no QR at all.
  await set({ ...f, screen: { ...f.screen, exp: new Date(Date.now() + 5000).toISOString() }, offline: null });
  let r = await newTab();
  assert.equal(r.first, null);
  await r.tab.close();
  // The screen token gone, a valid offline code kept: that one is drawn.
  await set({ ...f, screen: { ...f.screen, exp: new Date(Date.now() - 1000).toISOString() }, offline: { ...f.screen, exp: new Date(Date.now() + 3600e3).toISOString(), data_at: new Date().toISOString() } });
  r = await newTab();
  assert.equal(r.first.token, 'offline');
  await r.tab.close();
  // A matrix that is not 0s and 1s (markup in it): nothing drawn, nothing injected.
  await set({ ...f, screen: { ...f.screen, bits: `<img src=x onerror=alert(1)>${f.screen.bits}`.slice(0, f.screen.bits.length) }, offline: null });
  r = await newTab();
  assert.equal(r.first, null);
  assert.equal(await r.tab.evaluate(() => document.querySelectorAll('img').length), 0);
  await r.tab.close();
  // Another account's card (the note of who is signed in differs): nothing.
  await set(f);
  await page.evaluate(() => localStorage.setItem('ankang.session', JSON.stringify({ ...JSON.parse(localStorage.getItem('ankang.session')), account_id: 'someone-else' })));
  r = await newTab();
  assert.equal(r.first, null);
  await r.tab.close();
  await page.close();
});

test('signed out: first.js draws nothing and the kept matrices are gone', async () => {
  const page = await browser.context.newPage();
  await signedInWithCode(page);
  await page.evaluate(async () => {
    await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'X-Ankang-Session': 'resident' } });
  });
  await page.getByRole('button', { name: /退出|Sign out|Log out/ }).first().click().catch(() => {});
  await page.evaluate(() => { localStorage.removeItem('ankang.session'); });
  const { tab, first } = await newTab();
  assert.equal(first, null);
  await tab.close();
  await page.close();
});
