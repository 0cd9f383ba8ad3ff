// The front holds: deploy/nginx.conf in front of the real server keeps
// 2,000 slowloris connections (a request header sent one line every few
// seconds; reopened whenever nginx drops one) and 2,000 idle keep-alive
// connections (one answered request, then silence; reopened when closed),
// each set from 20 loopback source addresses, while a normal client's
// requests on fresh connections (GET /healthz, GET a resident's code) keep
// p99 under 500 ms, none failing. Prints the figures. Needs ~4,300 file
// descriptors in this process (Node raises its soft limit to the hard one;
// the test says so when the hard limit is lower). About 35 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startServer, root, call, loginResident, declaration } from './lib.mjs';
import { nginxBin, startNginx } from './nginx.mjs';

const SLOW = 2000;
const IDLE = 2000;
const ADDRESSES = 20;
const PROBE_SECONDS = 20;
const web = process.env.ANKANG_WEB || join(root, 'web', 'dist');
const skip = nginxBin ? false : 'nginx is not installed (apt-get install nginx-light; scripts/deps.sh does)';

let srv;
let nginx;
let running = true;
const sockets = new Set();

function fileLimits() {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.split(/\s+/).slice(3, 5).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
  return { soft, hard };
}

before(async () => {
  if (skip) return;
  const need = SLOW + IDLE + 300;
  let { soft, hard } = fileLimits();
  if (soft < need && hard >= need) {
    spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${hard}`]);
    ({ soft, hard } = fileLimits());
  }
  assert.ok(soft >= need, `this test holds ${need} sockets; the open-file limit is ${soft} (hard ${hard}): raise it (ulimit -Hn)`);
  assert.ok(existsSync(join(web, 'index.html')), `${web} missing: run node web/build.mjs`);
  srv = await startServer({ args: ['--web', web, '--trusted-proxy', '127.0.0.1'] });
  nginx = await startNginx({ upstreamPort: srv.port, web });
});

after(async () => {
  running = false;
  for (const s of sockets) s.destroy();
  if (nginx) await nginx.stop();
  if (srv) {
    await srv.stop();
    srv.cleanup();
  }
});

const stats = { slowOpen: 0, slowDropped: 0, idleOpen: 0, idleAnswered: 0, idleDropped: 0, connectErrors: 0 };

function open(kind, i, onConnect) {
  const localAddress = `127.0.${kind === 'slow' ? 2 : 1}.${1 + (i % ADDRESSES)}`;
  const s = connect({ host: '127.0.0.1', port: nginx.port, localAddress });
  sockets.add(s);
  let timer = null;
  let connected = false;
  s.on('error', () => {});
  s.on('connect', () => {
    connected = true;
    if (kind === 'slow') {
      stats.slowOpen++;
      s.write('GET /healthz HTTP/1.1\r\nHost: ankang\r\n');
      let n = 0;
      const trickle = () => {
        timer = setTimeout(() => {
          if (!s.destroyed) s.write(`X-Slow-${n++}: x\r\n`);
          trickle();
        }, 2000 + Math.random() * 2000);
      };
      trickle();
    } else {
      stats.idleOpen++;
      s.write('GET /healthz HTTP/1.1\r\nHost: ankang\r\n\r\n');
      s.once('data', () => { stats.idleAnswered++; });
    }
    onConnect?.();
  });
  s.on('close', () => {
    clearTimeout(timer);
    sockets.delete(s);
    if (!connected) {
      stats.connectErrors++;
      onConnect?.();
    } else if (kind === 'slow') {
      stats.slowOpen--;
      stats.slowDropped++;
    } else {
      stats.idleOpen--;
      stats.idleDropped++;
    }
    // The attacker comes back; so does the idle client.
    if (running) setTimeout(() => open(kind, i), 100);
  });
  s.on('data', () => {});
}

async function openMany(kind, count) {
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) =>
      new Promise((resolve) => open(kind, i + k, resolve))));
  }
}

// One request on a fresh connection; resolves its time in ms (rejects on any failure).
function probe(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port: nginx.port, path, headers, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer in 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

test('nginx holds 2,000 slowloris and 2,000 idle connections; a normal client keeps p99 < 500 ms', { skip, timeout: 90000 }, async () => {
  const token = await loginResident(srv.base);
  const d = await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration(), token });
  assert.equal(d.status, 201, d.text);
  const codePath = `/api/v1/persons/${d.json.person_id}/code`;
  assert.equal(Number(await probe(codePath, { Authorization: `Bearer ${token}` })) >= 0, true);

  const t0 = Date.now();
  await openMany('idle', IDLE);
  await openMany('slow', SLOW);
  const openedIn = Date.now() - t0;
  const heldAtStart = { slow: stats.slowOpen, idle: stats.idleOpen };

  const times = [];
  const failures = [];
  let minSlow = Infinity;
  let minIdle = Infinity;
  const end = Date.now() + PROBE_SECONDS * 1000;
  while (Date.now() < end) {
    for (const [path, headers] of [['/healthz', {}], [codePath, { Authorization: `Bearer ${token}` }]]) {
      try {
        times.push(await probe(path, headers));
      } catch (e) {
        failures.push(e.message);
      }
    }
    minSlow = Math.min(minSlow, stats.slowOpen);
    minIdle = Math.min(minIdle, stats.idleOpen);
    await new Promise((r) => setTimeout(r, 50));
  }
  times.sort((a, b) => a - b);
  const nginxLog = nginx.log();
  console.log(`# opened ${IDLE} idle + ${SLOW} slowloris connections in ${openedIn} ms ` +
    `(held at start: ${heldAtStart.idle} idle, ${heldAtStart.slow} slow; connect errors ${stats.connectErrors})`);
  console.log(`# during ${PROBE_SECONDS} s: at least ${minIdle} idle and ${minSlow} slowloris connections open; ` +
    `nginx dropped ${stats.slowDropped} slowloris (reopened) and ${stats.idleDropped} idle; ${stats.idleAnswered} idle requests answered`);
  console.log(`# normal client: ${times.length} requests on fresh connections, ${failures.length} failed; ` +
    `p50 ${pct(times, 50)?.toFixed(1)} ms, p99 ${pct(times, 99)?.toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms`);
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} requests failed`);
  assert.ok(times.length >= 100, `only ${times.length} requests in ${PROBE_SECONDS} s`);
  assert.ok(pct(times, 99) < 500, `p99 ${pct(times, 99)} ms`);
  assert.ok(heldAtStart.idle >= IDLE * 0.99 && heldAtStart.slow >= SLOW * 0.99, JSON.stringify(heldAtStart));
  assert.ok(minIdle >= IDLE * 0.9, `idle connections fell to ${minIdle}`);
  assert.doesNotMatch(nginxLog, /worker_connections are not enough/);
});
