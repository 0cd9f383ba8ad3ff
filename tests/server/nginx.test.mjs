// deploy/nginx.conf in front of the real server: nginx (./nginx.mjs: run as
// this user with a temporary prefix, on a free port) serves web/dist
// precompressed, proxies the API, refuses oversize bodies (413) and auth
// floods (429) as JSON, and the server (--trusted-proxy 127.0.0.1) counts one-time codes per client
// address from X-Forwarded-For. Clients take distinct loopback source
// addresses (127.0.0.2, 127.0.0.3, ...), which nginx sees as $remote_addr.
// Skipped, saying so, only when nginx is not installed (scripts/deps.sh
// installs nginx-light).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer, root, rawGet, newPhone } from './lib.mjs';
import { nginxBin, startNginx } from './nginx.mjs';

const web = process.env.ANKANG_WEB || join(root, 'web', 'dist');
const skip = nginxBin ? false : 'nginx is not installed (apt-get install nginx-light; scripts/deps.sh does)';
if (skip) console.log(`# nginx.test.mjs skipped: ${skip}`);

let srv;
let nginx;
let port;

before(async () => {
  if (skip) return;
  assert.ok(existsSync(join(web, 'index.html.gz')), `${web} has no .gz twins: run node web/build.mjs`);
  srv = await startServer({ args: ['--web', web, '--trusted-proxy', '127.0.0.1', '--otp-per-ip-per-hour', '3'] });
  nginx = await startNginx({ upstreamPort: srv.port, web });
  port = nginx.port;
});

after(async () => {
  if (nginx) await nginx.stop();
  if (srv) {
    await srv.stop();
    srv.cleanup();
  }
});

const json = (r) => JSON.parse(r.body.toString());
const post = (path, body, { from, headers = {} } = {}) => rawGet(port, path,
  { 'Content-Type': 'application/json', ...headers }, { method: 'POST', body: JSON.stringify(body), localAddress: from });

test('nginx: pages from web/dist precompressed, with the server\'s headers', { skip }, async () => {
  const pages = { '/': 'index.html', '/index.js': 'index.js', '/index.css': 'index.css',
    '/ankang_core.wasm': 'ankang_core.wasm', '/staff': 'staff.html', '/v/abc123': 'visit.html' };
  const direct = await rawGet(srv.port, '/');
  for (const [path, file] of Object.entries(pages)) {
    const r = await rawGet(port, path, { 'Accept-Encoding': 'gzip' });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-encoding'], 'gzip', path);
    assert.match(r.headers.vary || '', /Accept-Encoding/, path);
    assert.ok(gunzipSync(r.body).equals(readFileSync(join(web, file))), `${path}: decodes to ${file}`);
    // One of each security header, the same as the server sends.
    for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options']) {
      assert.equal(r.headers[h], direct.headers[h], `${path} ${h}`);
    }
    assert.equal(r.headers.server, 'nginx', 'no version in Server');
    const plain = await rawGet(port, path);
    assert.equal(plain.headers['content-encoding'], undefined, path);
    assert.ok(plain.body.equals(readFileSync(join(web, file))), path);
  }
  assert.equal((await rawGet(port, '/ankang_core.wasm')).headers['content-type'], 'application/wasm');
  assert.match((await rawGet(port, '/')).headers['content-type'], /^text\/html; charset=utf-8$/);
  assert.equal((await rawGet(port, '/')).headers['cache-control'], 'no-cache');
  assert.equal((await rawGet(port, '/staff')).headers['cache-control'], 'no-cache');
  assert.equal((await rawGet(port, '/sw.js')).headers['cache-control'], 'no-cache');
  assert.equal((await rawGet(port, '/index.js')).headers['cache-control'], 'public, max-age=300');
  const etag = (await rawGet(port, '/index.js', { 'Accept-Encoding': 'gzip' })).headers.etag;
  assert.equal((await rawGet(port, '/index.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag })).status, 304);
  // Not a file: the server answers, in JSON; hidden files never leave.
  const missing = await rawGet(port, '/nope.js');
  assert.equal(missing.status, 404);
  assert.equal(json(missing).error.code, 'not_found');
  assert.equal((await rawGet(port, '/.hidden')).status, 404);
});

test('nginx: the API through the proxy', { skip }, async () => {
  const phone = newPhone();
  const otp = await post('/api/v1/auth/otp', { phone });
  assert.equal(otp.status, 202, otp.body.toString());
  const login = await post('/api/v1/auth/login', { phone, code: json(otp).dev_code });
  assert.equal(login.status, 200, login.body.toString());
  const persons = await rawGet(port, '/api/v1/persons', { Authorization: `Bearer ${json(login).token}` });
  assert.equal(persons.status, 200);
  assert.ok(Array.isArray(json(persons).persons ?? json(persons)));
  assert.equal(persons.headers['cache-control'], 'no-store');
  assert.equal(persons.headers['content-security-policy'].split('default-src').length, 2, 'one CSP');
  const keys = await rawGet(port, '/api/v1/keys?x=%E5%8E%86');
  assert.equal(keys.status, 200);
  assert.equal((await rawGet(port, '/api/v1/keys?x=%zz')).status, 400);
  assert.equal((await rawGet(port, '/api/v1/nope')).status, 404);
  // Counters only for the machine itself.
  assert.equal((await rawGet(port, '/metrics')).status, 200);
  assert.equal((await rawGet(port, '/metrics', {}, { localAddress: '127.0.0.2' })).status, 403);
});

test('nginx: an oversize body is refused with 413 before the server', { skip }, async () => {
  const big = { note: 'x'.repeat(70 * 1024) };
  const r = await post('/api/v1/declarations', big);
  assert.equal(r.status, 413);
  assert.equal(json(r).error.code, 'too_large');
  assert.match(json(r).error.message, /refused by the proxy/, 'nginx refuses it, not the server after reading it');
  // Just under the limit it reaches the server (which wants a login first).
  const fits = await post('/api/v1/declarations', { note: 'x'.repeat(60 * 1024) });
  assert.equal(fits.status, 401, fits.body.toString());
});

test('nginx: the per-address OTP limit sees each forwarded client', { skip }, async () => {
  const otp = (from, headers) => post('/api/v1/auth/otp', { phone: newPhone() }, { from, headers });
  for (let i = 0; i < 3; i++) assert.equal((await otp('127.0.0.2')).status, 202, `code ${i + 1} for 127.0.0.2`);
  const fourth = await otp('127.0.0.2');
  assert.equal(fourth.status, 429);
  assert.equal(json(fourth).error.code, 'rate_limited');
  assert.equal((await otp('127.0.0.3')).status, 202, 'another address has its own count');
  // A client cannot pass as someone else: nginx sets the header, not appends.
  assert.equal((await otp('127.0.0.2', { 'X-Forwarded-For': '198.51.100.7' })).status, 429);
  assert.equal((await otp('127.0.0.3', { 'X-Forwarded-For': '127.0.0.2' })).status, 202);
});

test('nginx: auth floods get 429 from nginx, per address', { skip }, async () => {
  const statuses = [];
  for (let i = 0; i < 40; i++) statuses.push((await post('/api/v1/auth/otp', {}, { from: '127.0.0.4' })).status);
  assert.equal(statuses[0], 422, 'the server answers the first ones (no phone)');
  assert.ok(statuses.includes(429), `no 429 in ${statuses}`);
  const limited = await post('/api/v1/auth/otp', {}, { from: '127.0.0.4' });
  assert.equal(limited.status, 429);
  assert.equal(json(limited).error.code, 'rate_limited');
  assert.equal((await post('/api/v1/auth/otp', {}, { from: '127.0.0.5' })).status, 422, 'another address is not limited');
  assert.equal((await rawGet(port, '/api/v1/keys', {}, { localAddress: '127.0.0.4' })).status, 200, 'only /api/v1/auth/ is limited');
});
