// The HTTP skin of the real binary: the built pages (web/dist, written by
// node web/build.mjs) go out gzip-compressed to clients that accept gzip and
// decode to the very bytes of the files; conditional GETs get 304. Query
// strings are percent-decoded once, before any handler; a malformed escape is
// a 400 JSON answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer, root, rawGet, call, loginStaff } from './lib.mjs';

const web = process.env.ANKANG_WEB || join(root, 'web', 'dist');
let srv;

before(async () => {
  assert.ok(existsSync(join(web, 'index.html')), `${web} missing: run node web/build.mjs`);
  srv = await startServer({ args: ['--web', web] });
});
after(async () => {
  await srv?.stop();
  srv?.cleanup();
});

// What "/" loads: the page, its style and script, the wasm core and its loader.
const PAGE = { '/': 'index.html', '/index.css': 'index.css', '/index.js': 'index.js',
  '/ankang_core.js': 'ankang_core.js', '/ankang_core.wasm': 'ankang_core.wasm' };

test('web/dist: gzip to clients that accept it, decoding to the same bytes', async () => {
  let plainBytes = 0;
  let gzipBytes = 0;
  for (const [path, file] of Object.entries(PAGE)) {
    const original = readFileSync(join(web, file));
    const gz = await rawGet(srv.port, path, { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(gz.status, 200, path);
    assert.equal(gz.headers['content-encoding'], 'gzip', `${path}: no .gz twin sent (did web/build.mjs write ${file}.gz?)`);
    assert.equal(gz.headers.vary, 'Accept-Encoding', path);
    assert.ok(gz.body.length < original.length, path);
    assert.ok(gunzipSync(gz.body).equals(original), `${path}: gzip body decodes to other bytes`);
    const plain = await rawGet(srv.port, path);
    assert.equal(plain.status, 200, path);
    assert.equal(plain.headers['content-encoding'], undefined, path);
    assert.ok(plain.body.equals(original), path);
    assert.equal(gz.headers['content-type'], plain.headers['content-type'], path);
    const refused = await rawGet(srv.port, path, { 'Accept-Encoding': 'gzip;q=0, identity' });
    assert.equal(refused.headers['content-encoding'], undefined, path);
    assert.ok(refused.body.equals(original), path);
    plainBytes += plain.body.length;
    gzipBytes += gz.body.length;
  }
  assert.match((await rawGet(srv.port, '/ankang_core.wasm', { 'Accept-Encoding': 'gzip' })).headers['content-type'], /^application\/wasm$/);
  assert.match((await rawGet(srv.port, '/', { 'Accept-Encoding': 'gzip' })).headers['content-type'], /^text\/html/);
  console.log(`"/" page files: ${plainBytes} bytes plain, ${gzipBytes} bytes gzip`);
  assert.ok(gzipBytes < plainBytes * 0.6);
});

test('web/dist: ETag, Last-Modified, 304 and Cache-Control', async () => {
  for (const accept of ['gzip', '']) {
    const first = await rawGet(srv.port, '/index.js', accept ? { 'Accept-Encoding': accept } : {});
    const etag = first.headers.etag;
    assert.match(etag, /^"[^"]+"$/);
    assert.ok(!Number.isNaN(Date.parse(first.headers['last-modified'])));
    const again = await rawGet(srv.port, '/index.js', { 'If-None-Match': etag, ...(accept ? { 'Accept-Encoding': accept } : {}) });
    assert.equal(again.status, 304, accept);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, etag);
  }
  const gzTag = (await rawGet(srv.port, '/index.js', { 'Accept-Encoding': 'gzip' })).headers.etag;
  assert.equal((await rawGet(srv.port, '/index.js', { 'If-None-Match': gzTag })).status, 200, 'the gzip tag names the gzip body only');
  assert.equal((await rawGet(srv.port, '/index.js', { 'If-None-Match': '"something-else"' })).status, 200);
  for (const p of ['/', '/staff', '/sw.js', '/staff-sw.js']) {
    assert.equal((await rawGet(srv.port, p)).headers['cache-control'], 'no-cache', p);
  }
  assert.equal((await rawGet(srv.port, '/index.js')).headers['cache-control'], 'public, max-age=300');
  // HEAD: the same headers, no body.
  const head = await rawGet(srv.port, '/index.js', { 'Accept-Encoding': 'gzip' }, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.body.length, 0);
});

test('query strings: decoded once for every handler, malformed escapes refused', async () => {
  const admin = await loginStaff(srv.base, 'admin');
  const regions = async (qs) => {
    const r = await call(srv.base, 'GET', `/api/v1/admin/regions?${qs}`, { token: admin });
    assert.equal(r.status, 200, `${qs}: ${r.text}`);
    return r.json.areas.map((a) => a.region);
  };
  assert.ok((await regions('q=%E5%8E%86%E4%B8%8B')).includes('370102'), '历下 by its UTF-8 escapes');
  assert.ok((await regions('%71=%E5%8E%86%E4%B8%8B')).includes('370102'), 'names are decoded too');
  assert.ok((await regions('q=+%E5%8E%86%E4%B8%8B+')).includes('370102'), '"+" is a space (trimmed)');
  assert.deepEqual(await regions('q=%2B%E5%8E%86%E4%B8%8B'), [], '"%2B" is a plus sign, not a space');
  assert.ok((await regions('q=3701')).includes('370102'));
  for (const qs of ['q=%zz', 'q=%E5%8E', 'q=abc%', 'q=%4', 'q=a%00b', '%zz=1']) {
    const r = await call(srv.base, 'GET', `/api/v1/admin/regions?${qs}`, { token: admin });
    assert.equal(r.status, 400, qs);
    assert.equal(r.json.error.code, 'bad_query', qs);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  }
  // The same on a page path and without a token: refused before anything runs.
  assert.equal((await call(srv.base, 'GET', '/?x=%zz')).status, 400);
  assert.equal((await call(srv.base, 'GET', '/api/v1/admin/regions?q=%zz')).status, 400);
  const metrics = await call(srv.base, 'GET', '/metrics');
  assert.match(metrics.text, /bad_query/);
});
