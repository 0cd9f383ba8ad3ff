// Is anything slow on an HTTP worker? Times /healthz (and GET /code) against
// the real binary with its default 2 worker threads while
//   otp:     6 clients ask for one-time codes for 3 s, the SMS gateway answering
//            each request after 5 s;
//   signin:  waves of N concurrent staff sign-ins (Argon2id), N = 16 and 32.
// Uses only flags every version has, so two builds compare:
//   node bench/off_worker.mjs /tmp/build-before /tmp/build-after
// Prints one JSON line per build and scenario (median, p99, max in ms).
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stats(ms) {
  if (ms.length === 0) return { n: 0 };
  const s = [...ms].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, median: +at(0.5).toFixed(1), p99: +at(0.99).toFixed(1), max: +s[s.length - 1].toFixed(1) };
}

async function start(build, args) {
  const data = mkdtempSync(join(tmpdir(), 'ankang-bench-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(join(build, 'server', 'ankang-server'),
    ['--port', String(port), '--data', data, '--quiet', '--otp-per-ip-per-hour', '1000000', ...args],
    { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    await sleep(50);
  }
  return { base, stop: async () => { proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); rmSync(data, { recursive: true, force: true }); } };
}

// One request every 20 ms whether or not the last one was answered (a stalled
// server shows in every request it stalls; at most 100 outstanding).
async function probe(url, stop, headers = {}) {
  const ms = [];
  const inFlight = new Set();
  while (!stop()) {
    const t0 = performance.now();
    const p = fetch(url, { headers }).then(async (r) => { await r.arrayBuffer(); ms.push(performance.now() - t0); });
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
    await sleep(20);
    while (inFlight.size >= 100) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return ms;
}

let phone = 13600000000 + Math.floor(Math.random() * 1e7);
const post = (base, path, body, token) => fetch(base + path, {
  method: 'POST', body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
}).then(async (r) => ({ status: r.status, json: await r.json().catch(() => null) }));

async function otp(build) {
  const hook = createServer((req, res) => { req.resume(); req.on('end', () => setTimeout(() => res.end('ok'), 5000)); });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const srv = await start(build, ['--otp-webhook', `http://127.0.0.1:${hook.address().port}/sms`]);
  let done = false;
  const statuses = {};
  const healthz = probe(`${srv.base}/healthz`, () => done);
  const clients = Array.from({ length: 6 }, async () => {
    while (!done) {
      const r = await post(srv.base, '/api/v1/auth/otp', { phone: String(++phone) });
      statuses[r.status] = (statuses[r.status] || 0) + 1;
      await sleep(50);
    }
  });
  await sleep(3000);
  done = true;
  const h = stats(await healthz);
  await Promise.all(clients);
  await srv.stop();
  hook.closeAllConnections();
  hook.close();
  return { healthz: h, otp_statuses: statuses };
}

async function signin(build, n) {
  const srv = await start(build, ['--dev']);
  const phoneNo = String(++phone);
  const code = (await post(srv.base, '/api/v1/auth/otp', { phone: phoneNo })).json.dev_code;
  const token = (await post(srv.base, '/api/v1/auth/login', { phone: phoneNo, code })).json.token;
  const decl = {
    person: { name: '张小三', id_type: 'resident_id', id_number: '11010519491231002X', phone: '13800000000', nationality: 'CHN',
      region: '110105', address: '1 Test Road', relation: 'self' },
    health: { temperature: 36.5, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  };
  const person = (await post(srv.base, '/api/v1/declarations', decl, token)).json.person_id;
  let done = false;
  const healthz = probe(`${srv.base}/healthz`, () => done);
  const codes = probe(`${srv.base}/api/v1/persons/${person}/code`, () => done, { Authorization: `Bearer ${token}` });
  const statuses = {};
  const times = [];
  for (let wave = 0; wave < 2; wave++) {
    await Promise.all(Array.from({ length: n }, async () => {
      const t0 = performance.now();
      const r = await post(srv.base, '/api/v1/auth/staff', { username: 'verifier', password: 'ankang-dev' });
      times.push(performance.now() - t0);
      statuses[r.status] = (statuses[r.status] || 0) + 1;
    }));
  }
  done = true;
  const out = { healthz: stats(await healthz), code: stats(await codes), signin: stats(times), signin_statuses: statuses };
  await srv.stop();
  return out;
}

const builds = process.argv.slice(2);
if (builds.length === 0) builds.push(process.env.ANKANG_BUILD_DIR || 'build');
for (const build of builds) {
  console.log(JSON.stringify({ build, scenario: 'otp, gateway 5 s, 6 clients 3 s', ...(await otp(build)) }));
  for (const n of [16, 32]) {
    console.log(JSON.stringify({ build, scenario: `signin ${n} concurrent x 2`, ...(await signin(build, n)) }));
  }
}
