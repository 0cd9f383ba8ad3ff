// The data folder through the real binary (server/data_folder.h, backup.h):
// a first start on an empty folder works without extra steps; a folder whose
// key file is missing, empty or damaged, or whose database is empty while its
// keys remain, does not start (exit 1, a message naming the file and how to
// restore, nothing changed); init refuses a folder with data. Backup under
// load: residents declare continuously through HTTP while `ankang-server
// backup` runs; restored into a new folder and served, every declaration
// acknowledged (201) before the backup began is there, and the codes issued
// before it still verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, call, loginResident, loginStaff, declaration, newId, serverBin, tempDir, sqlite,
  freePort } from './lib.mjs';

// Runs the binary on a folder; resolves {status, out} (out: stdout + stderr).
function run(args) {
  const r = spawnSync(serverBin, args, { timeout: 20000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('start-up refuses a folder whose key or database is gone, and changes nothing', async () => {
  const data = tempDir('ankang-keys-');
  const srv = await startServer({ data });
  const tok = await loginResident(srv.base);
  assert.equal((await call(srv.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tok })).status, 201);
  await srv.stop();
  const port = String(await freePort());
  const cases = [
    ['data.key', 'remove', /data\.key is missing: without it no name, ID number, phone or address/],
    ['hmac.key', 'truncate', /hmac\.key is empty \(0 bytes\)/],
    ['signing-keys.json', 'garbage', /signing-keys\.json is damaged/],
    ['data.key', 'garbage', /data\.key is damaged \(not a 32-byte key/],
    ['ankang.db', 'truncate', /ankang\.db is empty \(0 bytes\) but the folder holds keys/],
  ];
  const work = tempDir('ankang-keys-case-');
  try {
    for (const [file, how, message] of cases) {
      rmSync(work, { recursive: true, force: true });
      cpSync(data, work, { recursive: true });
      const path = join(work, file);
      if (how === 'remove') rmSync(path);
      if (how === 'truncate') truncateSync(path, 0);
      if (how === 'garbage') writeFileSync(path, 'garbage\n');
      const before = existsSync(path) ? readFileSync(path) : null;
      const r = run(['--data', work, '--port', port, '--quiet', '--dev']);
      assert.equal(r.status, 1, `${file} ${how}: ${r.out}`);
      assert.match(r.out, message, `${file} ${how}`);
      assert.ok(r.out.includes(path), `the message names ${path}: ${r.out}`);
      assert.match(r.out, /ankang-server restore --from BACKUP --data NEWDIR/);
      assert.deepEqual(existsSync(path) ? readFileSync(path) : null, before, `${file} left as it was`);
    }
    // init refuses a folder with data, and makes an empty one that then serves.
    const again = run(['init', '--data', data]);
    assert.equal(again.status, 1, again.out);
    assert.match(again.out, /is not empty \(it holds ankang\.db, data\.key, hmac\.key, signing-keys\.json\)/);
    rmSync(work, { recursive: true, force: true });
    const made = run(['init', '--data', work]);
    assert.equal(made.status, 0, made.out);
    assert.match(made.out, /first start: created/);
    const fresh = await startServer({ data: work, dev: false });
    assert.equal((await call(fresh.base, 'GET', '/healthz')).status, 200);
    assert.ok(!fresh.log().includes('first start'), 'the keys of init are used, not made again');
    await fresh.stop();
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

test('backup under load, restore into a new folder: every acknowledged declaration and code is there', async () => {
  const data = tempDir('ankang-bk-data-');
  const parent = tempDir('ankang-bk-');
  const backup = join(parent, 'backup');
  const restored = join(parent, 'restored');
  let srv = await startServer({ data });
  let copy = null;
  try {
    const clients = [];
    for (let i = 0; i < 8; i++) clients.push({ token: await loginResident(srv.base), id: newId() });
    const acked = [];  // {declaration, person, qr, token, id, at}
    let running = true;
    let failures = 0;
    const load = clients.map(async (c) => {
      while (running) {
        const body = declaration({ id: c.id, temperature: 36.5 });
        const r = await call(srv.base, 'POST', '/api/v1/declarations', { body, token: c.token });
        if (r.status !== 201) { failures += 1; continue; }
        acked.push({ declaration: r.json.declaration_id, person: r.json.person_id, qr: r.json.code.qr,
          token: c.token, id: c.id, at: performance.now() });
      }
    });
    while (acked.length < 100) await new Promise((r) => setTimeout(r, 10));
    const started = performance.now();
    const before = acked.filter((a) => a.at < started);
    const out = await new Promise((resolve, reject) => execFile(serverBin, ['backup', '--to', backup, '--data', data],
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))));
    const ended = performance.now();
    await new Promise((r) => setTimeout(r, 200));
    running = false;
    await Promise.all(load);
    const during = acked.filter((a) => a.at >= started && a.at <= ended).length;
    console.log(`backup under load: ${before.length} acknowledged before it began, ${during} while it ran ` +
      `(${Math.round(ended - started)} ms), ${acked.length} in all, ${failures} not 201`);
    assert.equal(failures, 0);
    assert.match(out, /backup of .* ankang\.db, data\.key, hmac\.key, signing-keys\.json/);
    assert.ok(during > 0, 'residents were declaring while the backup ran');
    assert.equal(statSync(backup).mode & 0o777, 0o700);
    for (const f of ['ankang.db', 'data.key', 'hmac.key', 'signing-keys.json', 'backup.json']) {
      assert.equal(statSync(join(backup, f)).mode & 0o777, 0o600, f);
    }
    // An existing backup is not overwritten unless told.
    const twice = run(['backup', '--to', backup, '--data', data]);
    assert.equal(twice.status, 1, twice.out);
    assert.match(twice.out, /is not empty \(it holds a backup\): give a new folder, or --overwrite/);
    await srv.stop();
    srv = null;

    // Restore into a new folder (not over a data folder) and serve it.
    const over = run(['restore', '--from', backup, '--data', data]);
    assert.equal(over.status, 1, over.out);
    assert.match(over.out, /is a data folder already/);
    const r = run(['restore', '--from', backup, '--data', restored]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /restored .* into .*: ankang\.db, data\.key, hmac\.key, signing-keys\.json/);
    copy = await startServer({ data: restored });
    const stored = new Set(sqlite(join(restored, 'ankang.db'), 'SELECT id FROM declarations;').split('\n'));
    const missing = before.filter((a) => !stored.has(a.declaration));
    assert.deepEqual(missing, [], 'every declaration acknowledged before the backup began is restored');
    // The restored keys read the personal data and verify the codes issued before.
    const verifier = await loginStaff(copy.base, 'verifier');
    const persons = new Map(before.map((a) => [a.person, a]));
    for (const a of persons.values()) {
      const p = await call(copy.base, 'GET', `/api/v1/persons/${a.person}`, { token: a.token });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.json.name, '张小三', p.text);
      assert.equal(p.json.id_tail, a.id.slice(-4), p.text);
      assert.equal(p.json.phone, '13800000000', p.text);
    }
    for (const a of before.slice(-20)) {
      const v = await call(copy.base, 'POST', '/api/v1/verify', { body: { qr: a.qr }, token: verifier });
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.valid, true, v.text);
      assert.equal(v.json.status, 'current', v.text);
    }
  } finally {
    if (srv) await srv.stop();
    if (copy) await copy.stop();
    rmSync(data, { recursive: true, force: true });
    rmSync(parent, { recursive: true, force: true });
  }
});
