// Direct exposure: what the server answers on a raw socket, without nginx.
// Every request is answered, in order, or the connection is closed; framing
// the server cannot trust is refused (400 / 413, JSON) and the connection
// closed; "Connection: close" closes. Pistache 0.0.5 alone answered only the
// first of pipelined requests, ignored "Connection: close", took the first of
// two Content-Lengths, answered 500 to Content-Length -1 or 1e20 digits and
// left a chunk size of 7FFFFFFF unanswered (issue 11 saw 2 GB reserved). And a --host that is not loopback is
// refused unless --direct is given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startServer, serverBin, tempDir, freePort, call } from './lib.mjs';

let srv;

before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
  srv?.cleanup();
});

// Writes `bytes` on a fresh connection; collects what comes back until the
// server closes or `waitMs` passes. Resolves {text, closed, ms}.
function exchange(bytes, { waitMs = 1500, port = srv.port, until } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect({ host: '127.0.0.1', port });
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    s.on('data', (c) => {
      chunks.push(c);
      if (until && until(Buffer.concat(chunks).toString('latin1'))) finish(false);
    });
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', () => {
      for (const part of [].concat(bytes)) s.write(part);
    });
  });
}

const statuses = (text) => [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
const jsonBody = (text) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

test('pipelined requests in one packet are all answered, in order', async () => {
  const two = 'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/nope HTTP/1.1\r\nHost: a\r\n\r\n';
  const n = 100;
  const r = await exchange(two.repeat(n), { until: (t) => statuses(t).length >= 2 * n, waitMs: 5000 });
  const got = statuses(r.text);
  assert.equal(got.length, 2 * n, `${2 * n} requests sent, ${got.length} answered`);
  assert.deepEqual(got, Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 200 : 404)));
  assert.equal(r.closed, false, 'kept alive');
  // A POST with a body, then a GET, in one packet.
  const body = JSON.stringify({});
  const mixed = await exchange(`POST /api/v1/auth/otp HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n`,
    { until: (t) => statuses(t).length >= 2 });
  assert.deepEqual(statuses(mixed.text), [422, 200]);
});

test('a request pipelined behind an answer worked on in a pool closes the connection after that answer', async () => {
  // Staff sign-ins are checked on the hashing pool (Argon2id), not on the HTTP worker.
  const body = JSON.stringify({ username: 'admin', password: 'wrong-password' });
  const r = await exchange(`POST /api/v1/auth/staff HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n`,
    { waitMs: 5000 });
  const got = statuses(r.text);
  assert.equal(got[0], 401, r.text);
  assert.ok(got.length === 2 ? got[1] === 200 : r.closed, `answered ${got} and ${r.closed ? '' : 'not '}closed`);
  if (got.length === 1) assert.match(r.text, /Connection: close/i);
});

test('pipelining without reading the answers: the connection is closed before the answers pile up', async () => {
  const rss = () => Number(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
  const before = rss();
  const batch = 'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(1000);
  let batches = 0;
  let peak = before;
  const closed = await new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: srv.port });
    s.pause();  // never reads an answer
    const timer = setTimeout(() => { s.destroy(); resolve(false); }, 15000);
    const pump = () => {
      while (batches < 200 && !s.destroyed) {
        batches++;
        peak = Math.max(peak, rss());
        if (!s.write(batch)) return s.once('drain', pump);
      }
    };
    s.on('connect', pump);
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(timer); resolve(true); });
  });
  console.log(`# ${batches * 1000} pipelined requests sent unread: server RSS +${((peak - before) / 2 ** 20).toFixed(1)} MiB at most; closed: ${closed}`);
  assert.ok(closed, 'the connection was not closed');
  assert.ok(batches < 200, 'all 200,000 requests were taken');
  assert.ok(peak - before < 64 * 2 ** 20, `the server grew by ${peak - before} bytes`);
  assert.equal((await call(srv.base, 'GET', '/healthz')).status, 200);
});

test('Connection: close and HTTP/1.0 close the connection after the answer', async () => {
  for (const req of ['GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 'GET /healthz HTTP/1.0\r\n\r\n']) {
    const r = await exchange(req, { waitMs: 3000 });
    assert.deepEqual(statuses(r.text), [200], req);
    assert.match(r.text, /Connection: close/i);
    assert.ok(r.closed && r.ms < 1000, `closed: ${r.closed} after ${r.ms} ms`);
  }
  const kept = await exchange('GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n', { waitMs: 1000 });
  assert.deepEqual(statuses(kept.text), [200]);
  assert.equal(kept.closed, false);
  assert.match(kept.text, /Connection: Keep-Alive/i);
});

test('duplicate or invalid Content-Length: 400 (or 413), JSON, connection closed', async () => {
  const cases = [
    ['Content-Length: 2\r\nContent-Length: 40', 400],
    ['Content-Length: 2\r\nContent-Length: 2', 400],
    ['Content-Length: -1', 400],
    ['Content-Length: 1e20', 400],
    ['Content-Length: 0x10', 400],
    ['Content-Length: 100000000000000000000', 413],
    ['Content-Length: 70000', 413],
    ['Content-Length: 2\r\nTransfer-Encoding: chunked', 400],
  ];
  for (const [headers, status] of cases) {
    const r = await exchange(`POST /api/v1/auth/otp HTTP/1.1\r\nHost: a\r\n${headers}\r\n\r\n{}GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n`, { waitMs: 3000 });
    assert.deepEqual(statuses(r.text), [status], headers);
    assert.ok(jsonBody(r.text).error.code, headers);
    assert.ok(r.closed, `${headers}: connection not closed`);
  }
  const bad = await exchange('GET /healthz\r\n\r\n', { waitMs: 3000 });
  assert.deepEqual(statuses(bad.text), [400]);
  assert.ok(bad.closed);
});

test('chunked bodies: framed and answered; absurd chunk sizes 413 without reserving memory', async () => {
  const body = JSON.stringify({ phone: '13800001111' });
  const chunked = `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)}\r\n${body.slice(10)}\r\n0\r\n\r\n`;
  const ok = await exchange([`POST /api/v1/auth/otp HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`, chunked],
    { until: (t) => statuses(t).length >= 1 });
  assert.deepEqual(statuses(ok.text), [202], ok.text);
  const vmSize = () => Number(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/VmSize:\s+(\d+)/)[1]) * 1024;
  const before = vmSize();
  for (let i = 0; i < 4; i++) {
    const r = await exchange(`POST /api/v1/auth/otp HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n7FFFFFFF\r\n${'x'.repeat(1000)}`, { waitMs: 3000 });
    assert.deepEqual(statuses(r.text), [413], r.text);
    assert.equal(jsonBody(r.text).error.code, 'too_large');
    assert.ok(r.closed);
  }
  const grew = vmSize() - before;
  console.log(`# address space after 4 chunk sizes of 7FFFFFFF: ${(grew / 2 ** 20).toFixed(1)} MiB more`);
  assert.ok(grew < 256 * 2 ** 20, `the server's address space grew by ${grew} bytes`);
  assert.equal((await call(srv.base, 'GET', '/healthz')).status, 200);
});

test('a non-loopback --host is refused without --direct, served with it', async () => {
  const data = tempDir();
  const port = await freePort();
  const refused = spawnSync(serverBin, ['--host', '0.0.0.0', '--port', String(port), '--data', data, '--dev'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /not a loopback address.*--direct/s);
  assert.match(refused.stderr, /nginx/);
  const direct = await startServer({ data, args: ['--host', '0.0.0.0', '--direct'] });
  try {
    assert.equal((await call(direct.base, 'GET', '/healthz')).status, 200);
  } finally {
    await direct.stop();
    direct.cleanup();
  }
});
