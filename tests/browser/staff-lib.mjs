// Helpers for the staff-side browser tests: a real ankang-server (--dev, free
// port, temp --data), headless Chromium through playwright-core, residents made
// through the real API, and a Y4M writer that turns a QR module matrix into a
// fake camera video for Chromium's --use-file-for-fake-video-capture.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

export function serverBinary() {
  const cands = [process.env.ANKANG_SERVER, process.env.ANKANG_BUILD_DIR && path.join(process.env.ANKANG_BUILD_DIR, 'server', 'ankang-server'),
    path.join(ROOT, 'build', 'server', 'ankang-server')].filter(Boolean);
  for (const c of cands) if (fs.existsSync(c)) return c;
  throw new Error(`ankang-server not found (tried ${cands.join(', ')}); build it or set ANKANG_SERVER`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Starts the real server; returns {base, port, data, proc, stop()}.
export async function startServer({ args = [], web = process.env.ANKANG_WEB || path.join(ROOT, 'web', 'dist') } = {}) {
  const port = await freePort();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ankang-staff-'));
  const proc = spawn(serverBinary(), ['--dev', '--host', '127.0.0.1', '--port', String(port), '--data', data, '--web', web, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  let stopping = false;
  proc.on('exit', (code, sig) => {
    // A server that dies under a test leaves its log for the post-mortem.
    if (!stopping) fs.writeFileSync(path.join(ARTIFACTS, `server-died-${port}.log`), `exit ${code} ${sig}\n${log}`);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode != null) throw new Error(`server exited ${proc.exitCode}: ${log}`);
    try { const r = await fetch(`${base}/healthz`); if (r.ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`server did not start: ${log}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base, port, data, proc, log: () => log,
    async stop() {
      stopping = true;
      if (proc.exitCode == null) {
        proc.kill('SIGTERM');
        await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000); proc.on('exit', () => { clearTimeout(t); r(); }); });
      }
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

export async function api(base, method, p, body, token, { raw = false } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(`${base}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = text;
  if (!raw) { try { data = text ? JSON.parse(text) : null; } catch { data = text; } }
  return { status: r.status, data, headers: r.headers };
}

export async function staffToken(base, username, password = 'ankang-dev') {
  const r = await api(base, 'POST', '/auth/staff', { username, password });
  if (r.status !== 200) throw new Error(`staff login ${username}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data.token;
}

export async function residentToken(base, phone) {
  const o = await api(base, 'POST', '/auth/otp', { phone });
  if (o.status !== 202) throw new Error(`otp: ${o.status} ${JSON.stringify(o.data)}`);
  const l = await api(base, 'POST', '/auth/login', { phone, code: o.data.dev_code });
  if (l.status !== 200) throw new Error(`login: ${l.status} ${JSON.stringify(l.data)}`);
  return l.data.token;
}

// A valid 18-character resident ID (GB 11643-1999) for region, birth date and sequence.
export function residentId(region = '370102', birth = '19900101', seq = 123) {
  const body = `${region}${birth}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * w[i];
  return body + '10X98765432'[s % 11];
}

let seqNo = 100;
// Declares a healthy person for the account; returns the 201 answer's data.
export async function declare(base, token, { name = '张小三', region = '370102', idNumber, travel = [], temperature = 36.5, phone = '13800138000', contact = 'none' } = {}) {
  const id = idNumber || residentId(region, '19900101', seqNo++);
  const today = new Date().toISOString().slice(0, 10);
  const r = await api(base, 'POST', '/declarations', {
    person: { name, id_type: 'resident_id', id_number: id, phone, nationality: 'CHN', region, address: '测试路1号', relation: 'self' },
    health: { temperature, symptoms: [], fever_clinic_14d: false },
    travel_14d: travel.map((t) => ({ region: t, from: today, to: today })),
    contact_14d: contact,
    commitment: true,
  }, token);
  if (r.status !== 201) throw new Error(`declare: ${r.status} ${JSON.stringify(r.data)}`);
  return { ...r.data, id_number: id };
}

export async function launch({ fakeVideo } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ankang-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
  if (fakeVideo) args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${fakeVideo}`);
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args, viewport: { width: 1100, height: 900 },
    permissions: fakeVideo ? ['camera'] : [],
  });
  return {
    ctx,
    async close() { await ctx.close(); fs.rmSync(userDataDir, { recursive: true, force: true }); },
  };
}

// Collects page errors and requests that leave the server (there must be none).
export function watchPage(page, base) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`third-party request: ${u}`); });
  return problems;
}

export async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Writes a Y4M (YUV4MPEG2, 4:2:0) video showing the QR matrix {size, bits}
// black on white, centred, `frames` identical frames.
export function writeQrY4m(file, matrix, { width = 640, height = 480, frames = 3 } = {}) {
  const n = matrix.size;
  const quiet = 4;
  const scale = Math.floor(Math.min(width, height) * 0.9 / (n + 2 * quiet));
  if (scale < 2) throw new Error('QR too large for the frame');
  const side = (n + 2 * quiet) * scale;
  const ox = Math.floor((width - side) / 2) + quiet * scale;
  const oy = Math.floor((height - side) / 2) + quiet * scale;
  const y = Buffer.alloc(width * height, 235);  // white (video range)
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (matrix.bits[r * n + c] !== '1') continue;
      for (let dy = 0; dy < scale; dy++) y.fill(16, (oy + r * scale + dy) * width + ox + c * scale, (oy + r * scale + dy) * width + ox + (c + 1) * scale);
    }
  }
  const uv = Buffer.alloc((width / 2) * (height / 2), 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from('FRAME\n'), y, uv, uv);
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}

// Writes the luma plane of a matrix as a PGM image (for zbarimg checks).
export function writeQrPgm(file, matrix, scale = 6) {
  const n = matrix.size;
  const q = 4;
  const side = (n + 2 * q) * scale;
  const px = Buffer.alloc(side * side, 255);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (matrix.bits[r * n + c] === '1') {
    for (let dy = 0; dy < scale; dy++) px.fill(0, ((q + r) * scale + dy) * side + (q + c) * scale, ((q + r) * scale + dy) * side + (q + c + 1) * scale);
  }
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`P5\n${side} ${side}\n255\n`), px]));
  return file;
}

// zbarimg's decoded text of an image file, or throws.
export function zbar(file) {
  return execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim();
}

export async function setClock(base, iso) {
  const r = await api(base, 'POST', '/dev/clock', { now: iso });
  if (r.status !== 200) throw new Error(`dev clock: ${r.status} ${JSON.stringify(r.data)}`);
}
