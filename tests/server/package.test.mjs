// The Debian package (deploy/package.cmake, issue 13): built with CPack,
// installed with dpkg on this machine (as root, as CI runs), its files, user,
// data folder and systemd unit checked (systemd-analyze verify), the installed
// binary started with the packaged config (as the service would: user ankang,
// --config /etc/ankang/ankang.conf; a free port and a test SMS webhook given on
// the command line) and a declaration run through it; then purged: with
// /var/lib/ankang/KEEP the data stays and a reinstall serves it again, without
// it purge leaves no personal data, no settings and no user behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, serverBin, call, freePort, newPhone, declaration } from './lib.mjs';

const isRoot = process.getuid && process.getuid() === 0;
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });
const must = (r, what) => { assert.equal(r.status, 0, `${what}: ${r.stdout}\n${r.stderr}`); return r.stdout; };
const mode = (p) => (statSync(p).mode & 0o777).toString(8);
const owner = (p) => { const s = statSync(p); return `${sh('id', ['-nu', String(s.uid)]).stdout.trim() || s.uid}:${sh('getent', ['group', String(s.gid)]).stdout.split(':')[0] || s.gid}`; };
const installed = () => sh('dpkg-query', ['-W', '-f=${Status}', 'ankang']).stdout.includes('install ok installed');
const purge = () => sh('dpkg', ['--purge', 'ankang']);

let deb;
const sms = [];
let hook;

before(async () => {
  if (!isRoot) return;
  // The package of this build (CPack builds what is out of date first).
  const debs = () => readdirSync(buildDir).filter((f) => /^ankang_.*\.deb$/.test(f));
  const stale = !debs().length || statSync(join(buildDir, debs()[0])).mtimeMs < statSync(serverBin).mtimeMs;
  if (stale) must(sh('cpack', ['-G', 'DEB'], { cwd: buildDir, timeout: 600000 }), 'cpack');
  deb = join(buildDir, debs()[0]);
  if (installed() || existsSync('/var/lib/ankang')) {
    throw new Error('ankang is installed on this machine already (or /var/lib/ankang exists); this test installs and purges it');
  }
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { sms.push(JSON.parse(body)); res.end('ok'); });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
});

after(async () => {
  if (!isRoot) return;
  hook?.close();
  if (installed()) purge();
  sh('rm', ['-rf', '/var/lib/ankang']);
});

// The installed binary as the unit starts it, with a free port and the test webhook.
async function serve() {
  const port = await freePort();
  const proc = spawn('runuser', ['-u', 'ankang', '--', '/usr/bin/ankang-server', '--config', '/etc/ankang/ankang.conf',
    '--port', String(port), '--otp-webhook', `http://127.0.0.1:${hook.address().port}/sms`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    if (i > 100 || proc.exitCode !== null) throw new Error(`the installed server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); });
  return { base, stop, log: () => log };
}

async function signIn(base) {
  const phone = newPhone();
  assert.equal((await call(base, 'POST', '/api/v1/auth/otp', { body: { phone } })).status, 202);
  for (let i = 0; i < 100 && !sms.some((m) => m.phone === phone); i++) await new Promise((r) => setTimeout(r, 50));
  const code = sms.find((m) => m.phone === phone)?.code;
  const l = await call(base, 'POST', '/api/v1/auth/login', { body: { phone, code } });
  assert.equal(l.status, 200, l.text);
  return { phone, token: l.json.token };
}

test('the package installs, its unit verifies, its binary serves a declaration with the packaged config, and purge removes it', { skip: !isRoot && 'needs root (dpkg -i)' }, async () => {
  must(sh('dpkg', ['-i', deb]), 'dpkg -i');
  // Files, modes, owners.
  for (const f of ['/usr/bin/ankang-server', '/usr/share/ankang/web/index.html', '/usr/share/ankang/web/index.html.gz',
    '/lib/systemd/system/ankang.service', '/etc/ankang/ankang.conf', '/etc/nginx/sites-available/ankang',
    '/usr/share/doc/ankang/README.md']) assert.ok(existsSync(f), f);
  assert.equal(mode('/etc/ankang/ankang.conf'), '640');
  assert.equal(owner('/etc/ankang/ankang.conf'), 'root:ankang');
  assert.match(must(sh('getent', ['passwd', 'ankang']), 'user'), /^ankang:x:\d+:\d+:.*:\/var\/lib\/ankang:\/usr\/sbin\/nologin/);
  // init ran on the first install: database and keys, the folder 0700, files 0600, all the user's.
  assert.equal(mode('/var/lib/ankang'), '700');
  assert.equal(owner('/var/lib/ankang'), 'ankang:ankang');
  for (const f of ['ankang.db', 'data.key', 'hmac.key', 'signing-keys.json']) {
    assert.equal(mode(`/var/lib/ankang/${f}`), '600', f);
    assert.equal(owner(`/var/lib/ankang/${f}`), 'ankang:ankang', f);
  }
  assert.match(readFileSync('/etc/nginx/sites-available/ankang', 'utf8'), /root \/usr\/share\/ankang\/web;/);
  // The unit: systemd's own check, and the sandboxing it promises.
  const verify = sh('systemd-analyze', ['verify', '/lib/systemd/system/ankang.service']);
  assert.equal(verify.status, 0, verify.stderr);
  const unit = readFileSync('/lib/systemd/system/ankang.service', 'utf8');
  for (const line of ['User=ankang', 'StateDirectory=ankang', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'PrivateTmp=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6', 'MemoryMax=512M', 'ExecStart=/usr/bin/ankang-server --config /etc/ankang/ankang.conf']) {
    assert.ok(unit.split('\n').includes(line), line);
  }
  // The installed binary, as the unit runs it: pages from /usr/share/ankang/web, a declaration.
  let srv = await serve();
  let person;
  try {
    const page = await fetch(`${srv.base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/);
    const r = await signIn(srv.base);
    const d = await call(srv.base, 'POST', '/api/v1/declarations', { token: r.token, body: declaration({}) });
    assert.equal(d.status, 201, d.text);
    person = d.json.person_id;
    const code = await call(srv.base, 'GET', `/api/v1/persons/${person}/code`, { token: r.token });
    assert.equal(code.status, 200, code.text);
    assert.ok(!(await call(srv.base, 'POST', '/api/v1/dev/clock', { body: { now: 1 } })).ok, 'no --dev in the packaged config');
  } finally {
    await srv.stop();
  }
  // Purge with KEEP: the data stays, and a reinstall serves it (no new keys).
  writeFileSync('/var/lib/ankang/KEEP', '');
  must(purge(), 'dpkg --purge (KEEP)');
  assert.ok(!existsSync('/usr/bin/ankang-server'));
  assert.ok(!existsSync('/etc/ankang'));
  assert.ok(existsSync('/var/lib/ankang/ankang.db') && existsSync('/var/lib/ankang/data.key'));
  const keyBefore = readFileSync('/var/lib/ankang/signing-keys.json', 'utf8');
  sh('rm', ['/var/lib/ankang/KEEP']);
  must(sh('dpkg', ['-i', deb]), 'dpkg -i again');
  assert.equal(readFileSync('/var/lib/ankang/signing-keys.json', 'utf8'), keyBefore);
  srv = await serve();
  try {
    const db = sh('sqlite3', ['/var/lib/ankang/ankang.db', `SELECT count(*) FROM persons WHERE id = '${person}'`]);
    assert.equal(db.stdout.trim(), '1', db.stderr);
  } finally {
    await srv.stop();
  }
  // Purge without KEEP: no personal data, no settings, no user left.
  must(purge(), 'dpkg --purge');
  assert.ok(!installed());
  for (const f of ['/var/lib/ankang', '/etc/ankang', '/usr/bin/ankang-server', '/usr/share/ankang', '/lib/systemd/system/ankang.service']) {
    assert.ok(!existsSync(f), `${f} left after purge`);
  }
  assert.notEqual(sh('getent', ['passwd', 'ankang']).status, 0, 'user ankang left after purge');
});
