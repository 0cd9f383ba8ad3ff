// Page-load timings of the resident page "/" at a gate, in headless Chromium
// with DevTools throttling: Slow 3G (400 kbit/s down and up, 400 ms latency
// per request) and the CPU slowed 4x (Network.emulateNetworkConditions and
// Emulation.setCPUThrottlingRate through CDP), 360x740.
//
//   node bench/pageload.mjs [runs]          (default 5 runs of each)
//   env: ANKANG_SERVER (binary), ANKANG_WEB (web/dist), as the browser tests
//
// Measured, each from the navigation's start (performance.now() in the page):
//   first   first visit, empty profile: the log-in form ready for input (the
//           phone field and the "get code" button rendered by the page's script)
//   reload  returning visit online, same tab (signed in): the code's QR drawn
//   newtab  returning visit online, a new tab of the same browser (or the
//           web view reopened): the QR drawn, or "log-in" when the page shows
//           the log-in form instead
//   offline returning visit with the network off (CDP offline): the QR drawn
//   hung    returning visit on a network that connects and never answers (a
//           loopback proxy that stops forwarding): the QR drawn
// Prints a Markdown table of median / min / max in ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startServer, residentId, newPhone, deviceSignIn } from '../tests/browser/harness.mjs';
import { startProxy } from '../tests/browser/netproxy.mjs';

const RUNS = Number(process.argv[2] || 5);
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 400 * 1000 / 8, uploadThroughput: 400 * 1000 / 8 };
const CPU = 4;
const QR = () => window.__qrAt != null;
const LOGIN = () => {
  const p = document.querySelector('form.login input[name="phone"]');
  const b = document.querySelector('form.login .actions button');
  return !!(p && b && !b.disabled);
};

async function throttle(page, net = SLOW_3G) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', net);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  return cdp;
}

// When a QR is first in the page, and the frame that paints it: installed in
// every page before its scripts. A poll from outside runs on the page's one
// thread and so only after whatever script holds it (index.js compiling), so
// it would time the script, not the code on screen.
const WATCH_QR = () => {
  window.__qrAt = null;
  new MutationObserver((_, obs) => {
    if (document.querySelector('section.card .qr svg')) {
      obs.disconnect();
      requestAnimationFrame(() => { window.__qrAt = performance.now(); });
    }
  }).observe(document, { childList: true, subtree: true });
};

// Milliseconds from the navigation's start until ready() holds in the page,
// or null when it does not within `limit` ms. For the QR: the frame that
// painted it (WATCH_QR).
async function until(page, ready, limit = 20000) {
  try {
    await page.waitForFunction(ready, null, { timeout: limit, polling: 20 });
  } catch {
    return null;
  }
  return page.evaluate(() => Math.round(window.__qrAt != null ? window.__qrAt : performance.now()));
}

// A reload, then until(): null when the page has not even started within 20 s.
async function reloadUntil(page, ready) {
  try {
    await page.reload({ waitUntil: 'commit', timeout: 20000 });
  } catch {
    return null;
  }
  return until(page, ready);
}

// Signs the page's browser in as the page does (a device session: the HttpOnly
// cookie and the note in localStorage), then declares a person through that
// session.
async function account(srv, page) {
  const phone = newPhone();
  const token = await deviceSignIn(page, phone);
  const r = await srv.api('POST', '/declarations', {
    person: { name: '张小三', id_type: 'resident_id', id_number: residentId(), phone, nationality: 'CHN', region: '370102', address: '泉城路1号', relation: 'self' },
    health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  }, token);
  if (r.status !== 201) throw new Error(`declare ${r.status} ${r.text}`);
}

async function oneRun(srv, proxy) {
  const out = {};
  const profile = mkdtempSync(join(tmpdir(), 'ankang-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 360, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  await ctx.addInitScript(WATCH_QR);
  try {
    proxy.mode('pass');
    const page = await ctx.newPage();
    await throttle(page);
    await page.goto(`${proxy.base}/`, { waitUntil: 'commit' });
    out.first = await until(page, LOGIN);
    // Signed in as the page signs in (a device session: the HttpOnly cookie and
    // the note in localStorage) with a declared person; the service worker in control.
    await account(srv, page);
    await page.goto(`${proxy.base}/`);
    await page.waitForFunction(QR, null, { timeout: 30000 }).catch(async (e) => { console.error(await page.evaluate(() => document.body.innerText)); throw e; });
    await page.waitForFunction(() => navigator.serviceWorker.controller, null, { timeout: 30000 });
    await page.waitForTimeout(500);
    await page.reload({ waitUntil: 'commit' });
    out.reload = await until(page, QR);
    const tab = await ctx.newPage();
    await throttle(tab);
    await tab.goto(`${proxy.base}/`, { waitUntil: 'commit' });
    out.newtab = await until(tab, () => window.__qrAt != null || !!document.querySelector('form.login'));
    if (out.newtab != null && !(await tab.evaluate(QR))) out.newtab = 'log-in';
    await tab.close();
    const cdp = await throttle(page, { ...SLOW_3G, offline: true });
    out.offline = await reloadUntil(page, QR);
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    proxy.mode('hang');
    out.hung = await reloadUntil(page, QR);
    proxy.mode('pass');
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return out;
}

const srv = await startServer();
const proxy = await startProxy(srv.port);
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const r = await oneRun(srv, proxy);
    console.error(`run ${i + 1}: ${JSON.stringify(r)}`);
    runs.push(r);
  }
} finally {
  await proxy.close();
  await srv.stop();
}
const LABELS = {
  first: 'first visit → log-in form ready',
  reload: 'returning visit online (same tab) → code shown',
  newtab: 'returning visit online (new tab) → code shown',
  offline: 'returning visit, network off → code shown',
  hung: 'returning visit, network connects but never answers → code shown',
};
console.log(`| measured (${RUNS} runs, Slow 3G 400 kbit/s 400 ms + CPU 4x, 360x740) | median ms | min | max |`);
console.log('|---|---|---|---|');
for (const k of Object.keys(LABELS)) {
  const v = runs.map((r) => r[k]);
  const nums = v.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (nums.length !== v.length) {
    console.log(`| ${LABELS[k]} | ${[...new Set(v.map((x) => (x == null ? 'not within 20 s' : x)))].join(', ')} | | |`);
    continue;
  }
  console.log(`| ${LABELS[k]} | ${nums[Math.floor(nums.length / 2)]} | ${nums[0]} | ${nums[nums.length - 1]} |`);
}
