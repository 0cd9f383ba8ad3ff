// Shared set-up for the browser tests: a real ankang-server --dev on a free
// port with a temporary data folder, serving web/dist, and Debian's Chromium
// driven by playwright-core with a fresh profile and no background networking.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function serverBinary() {
  const candidates = [process.env.ANKANG_SERVER, join(ROOT, 'build', 'server', 'ankang-server'),
    join(ROOT, 'build-h4', 'server', 'ankang-server')].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`ankang-server not found (tried ${candidates.join(', ')}); run scripts/build.sh`);
  return found;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// Starts the server; returns {url, port, stop(), api(method, path, body, token)}.
export async function startServer() {
  const web = process.env.ANKANG_WEB || join(ROOT, 'web', 'dist');
  if (!existsSync(join(web, 'index.html'))) throw new Error('web/dist missing: run node web/build.mjs');
  const data = mkdtempSync(join(tmpdir(), 'ankang-browser-'));
  const port = await freePort();
  const proc = spawn(serverBinary(), ['--dev', '--host', '127.0.0.1', '--port', String(port), '--data', data, '--web', web],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`ankang-server exited: ${log}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`ankang-server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  async function api(method, path, body, token) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(`${url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, json, text };
  }
  async function staff(username) {
    const r = await api('POST', '/auth/staff', { username, password: 'ankang-dev' });
    if (r.status !== 200) throw new Error(`staff login ${username}: ${r.status} ${r.text}`);
    return r.json.token;
  }
  return {
    url,
    port,
    api,
    staff,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// A browser with a fresh profile. opts.noWasm removes WebAssembly from every
// page before its scripts run (Chromium 156 ignores --js-flags=--noexpose_wasm,
// so the flag is passed and the global deleted by an init script too).
// opts.scale: the device pixel ratio (default 1), which screenshots keep.
export async function startBrowser(opts = {}) {
  const extraArgs = opts.noWasm ? ['--js-flags=--noexpose_wasm'] : [];
  const profile = mkdtempSync(join(tmpdir(), 'ankang-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: opts.scale || 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  if (opts.noWasm) await context.addInitScript(() => { delete globalThis.WebAssembly; });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// GB 11643-1999 resident ID with a correct ISO 7064 MOD 11-2 check character;
// a new sequence number each call, so no two persons in a run share an ID.
let idSeq = 0;
export function residentId(region = '370102', birth = '19900101', seq = null) {
  const s = seq ?? String(++idSeq % 1000).padStart(3, '0');
  const first17 = `${region}${birth}${s}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}
// The same ID with a wrong check character.
export function badChecksum(id) {
  const c = id[17] === '0' ? '1' : '0';
  return id.slice(0, 17) + c;
}

let phoneSeq = Math.floor(Math.random() * 1e6);
// Opens the resident page, asks for a one-time code for `phone` and returns the
// code the --dev server shows on the page. The resident stays signed in across
// tabs (a device session in a cookie, the card in localStorage): whoever was
// signed in in this browser is forgotten first.
export async function requestDevCode(page, url, phone) {
  await signedOut(page, url);
  await page.getByLabel(/手机号|Phone number/).fill(phone);
  await page.getByRole('button', { name: /获取验证码|Get code/ }).click();
  const dev = page.locator('.devcode');
  await dev.waitFor();
  return (await dev.innerText()).match(/\d{4,8}/)[0];
}

// Opens the resident page with nobody signed in in this browser (no device
// session cookie, no kept card): the log-in form.
export async function signedOut(page, url) {
  await page.context().clearCookies();
  await page.goto(`${url}/`);
  await page.evaluate(() => { localStorage.removeItem('ankang.session'); localStorage.removeItem('ankang.card'); });
  await page.reload();
}

// Signs page's browser in as the resident page does (a device session: the
// HttpOnly cookie and the note of who is signed in in localStorage), through
// the --dev server's one-time code; page must be on the server's origin.
// Returns the session's token (usable as a bearer token).
export async function deviceSignIn(page, phone) {
  await page.evaluate(async (ph) => {
    const post = (path, body) => fetch(`/api/v1${path}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Ankang-Session': 'resident' }, body: JSON.stringify(body),
    }).then((r) => r.json());
    const o = await post('/auth/otp', { phone: ph });
    const l = await post('/auth/login', { phone: ph, code: o.dev_code });
    if (!l.account_id) throw new Error(`log-in: ${JSON.stringify(l)}`);
    localStorage.setItem('ankang.session', JSON.stringify({ account_id: l.account_id, phone: ph, dev: true }));
  }, phone);
  return deviceToken(page);
}

// The bearer token of the resident device session signed in in page's browser
// (the HttpOnly cookie no script of the page can read; usable as a bearer token).
export async function deviceToken(page, name = 'ankang_session') {
  const c = (await page.context().cookies()).find((x) => x.name === name);
  return c ? c.value : null;
}

export const newPhone = () => `139${String(++phoneSeq * 7 % 1e8).padStart(8, '0')}`;

// Decodes the QR codes in a PNG with zbarimg; returns the decoded texts.
export function zbar(pngBuffer) {
  const f = join(mkdtempSync(join(tmpdir(), 'ankang-qr-')), 'qr.png');
  writeFileSync(f, pngBuffer);
  try {
    const out = execFileSync('zbarimg', ['--raw', '-q', f], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  } catch {
    return [];
  } finally {
    rmSync(dirname(f), { recursive: true, force: true });
  }
}

// Decodes the QR codes in a PNG with jsQR inside the page (the picture drawn
// on a canvas, its pixels given to jsQR); returns the decoded text or null.
export async function jsqr(page, pngBuffer) {
  if (!(await page.evaluate(() => typeof window.jsQR === 'function'))) {
    // Evaluated through the DevTools protocol: the page's CSP allows no inline script.
    await page.evaluate(readFileSync(join(ROOT, 'node_modules', 'jsqr', 'dist', 'jsQR.js'), 'utf8'));
  }
  return page.evaluate(async (b64) => {
    // From bytes, not a data: URL, which the page's CSP (img-src 'self') refuses.
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const r = window.jsQR(g.getImageData(0, 0, c.width, c.height).data, c.width, c.height);
    return r ? r.data : null;
  }, pngBuffer.toString('base64'));
}
