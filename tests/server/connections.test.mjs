// The server's own connection limits: --max-connections caps what it holds
// (a connection beyond gets 503 and is closed at once); out of file
// descriptors, accept() backs off instead of spinning (Pistache 0.0.5's
// listener retried at once, ~70 % of a core, and clients timed out). Each case
// holds 100 connections for 3 s, reads the server's CPU time from
// /proc/PID/stat, then closes them and expects the server to answer again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startServer, call } from './lib.mjs';

const HOLD = 100;
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;  // utime + stime
}

// Opens `n` connections; each resolves {socket, answer} once connected and
// either answered-and-closed by the server or quiet for 500 ms.
async function hold(port, n) {
  const conns = await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let answer = '';
    let settled = false;
    const settle = (closed) => {
      if (settled) return;
      settled = true;
      resolve({ socket: s, answer, closed });
    };
    s.on('data', (d) => { answer += d; });
    s.on('error', () => settle(true));
    s.on('close', () => settle(true));
    s.on('connect', () => setTimeout(() => settle(false), 500));
  })));
  return conns;
}

async function measure(srv, label) {
  const conns = await hold(srv.port, HOLD);
  const refused = conns.filter((c) => c.closed);
  const held = conns.length - refused.length;
  const with503 = refused.filter((c) => /^HTTP\/1\.1 503 /.test(c.answer)).length;
  const cpu0 = cpuSeconds(srv.proc.pid);
  await new Promise((r) => setTimeout(r, 3000));
  const cpu = cpuSeconds(srv.proc.pid) - cpu0;
  // Still refusing politely while full.
  const extra = await hold(srv.port, 5);
  for (const c of [...conns, ...extra]) c.socket.destroy();
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  const again = await call(srv.base, 'GET', '/healthz');
  console.log(`# ${label}: ${HOLD} connections: ${held} held, ${refused.length} refused (${with503} with 503); ` +
    `server CPU over 3 s: ${cpu.toFixed(2)} s; after closing them /healthz ${again.status} in ${Date.now() - t0} ms`);
  return { held, refused: refused.length, with503, cpu, again, extra };
}

test('--max-connections: beyond the cap, 503 and close; no CPU burnt; serves again', async () => {
  const srv = await startServer({ args: ['--max-connections', '20'] });
  try {
    const m = await measure(srv, '--max-connections 20');
    // 20 less the keep-alive connection startServer's fetch may still hold.
    assert.ok(m.held === 20 || m.held === 19, `${m.held} held`);
    assert.equal(m.refused, HOLD - m.held);
    assert.equal(m.with503, m.refused, 'every refused connection is told 503');
    assert.ok(m.extra.every((c) => c.closed && /^HTTP\/1\.1 503 /.test(c.answer)));
    assert.ok(m.cpu < 0.3, `${m.cpu} s of CPU in 3 s`);
    assert.equal(m.again.status, 200);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('started under a file limit of 64: the cap fits the limit; no CPU burnt; serves again', async () => {
  const srv = await startServer({ wrap: ['prlimit', '--nofile=64:64', '--'] });
  try {
    assert.match(srv.log(), /at most \d+ connections: the file-descriptor limit is 64/);
    const m = await measure(srv, 'prlimit --nofile=64');
    assert.ok(m.held >= 5 && m.held < 64, `${m.held} held`);
    assert.equal(m.with503, m.refused, 'every refused connection is told 503');
    assert.ok(m.cpu < 0.3, `${m.cpu} s of CPU in 3 s`);
    assert.equal(m.again.status, 200);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('out of file descriptors while running: accept() backs off, 503, no spinning; serves again', async () => {
  const srv = await startServer();
  try {
    // The limit drops under the server's feet (other files, a leak, a low
    // systemd LimitNOFILE): connections run into EMFILE, not the cap.
    execFileSync('prlimit', ['--pid', String(srv.proc.pid), '--nofile=64:64']);
    const m = await measure(srv, 'EMFILE (limit lowered to 64 while running)');
    assert.ok(m.held < HOLD && m.refused > 0, `${m.held} held, ${m.refused} refused`);
    assert.ok(m.with503 > 0, 'refused connections are told 503');
    assert.ok(m.cpu < 0.3, `${m.cpu} s of CPU in 3 s`);
    assert.equal(m.again.status, 200);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});
