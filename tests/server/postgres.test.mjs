// --db postgresql://... (SPEC §8): a throwaway PostgreSQL 15 cluster (unix
// socket in a temp dir), TWO ankang-server processes sharing it (and the same
// --data folder for the keys). Declared through one, read and verified through
// the other; an admin risk-area change through one recolours at once on the
// other; a 422 changes nothing; a second check-in the same day is a 409 across
// processes. Skips only when the PostgreSQL binaries are absent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, chownSync, rmSync, statSync, copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { root, startServer, call, loginResident, loginStaff, declaration, residentId, tempDir, freePort,
  serverBin } from './lib.mjs';

const pgBin = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin']
  .find((d) => existsSync(`${d}/initdb`) && existsSync(`${d}/pg_ctl`));
const skip = pgBin ? false : 'PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql';

const asRoot = process.getuid && process.getuid() === 0;
// initdb refuses to run as root: run the cluster as the postgres user then.
function pg(args) {
  if (asRoot) {
    return execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', args.map((a) => `'${a}'`).join(' ')]).toString();
  }
  return execFileSync('/bin/sh', ['-c', args.map((a) => `'${a}'`).join(' ')]).toString();
}

let dir; let pgPort; let url; let a; let b; let keys;
function psql(sql) {
  return execFileSync(`${pgBin}/psql`, [url, '-At', '-c', sql]).toString().trim();
}

before(async () => {
  if (skip) return;
  dir = tempDir('ankang-pg-');
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  pgPort = await freePort();
  pg([`${pgBin}/initdb`, '-D', `${dir}/data`, '-U', 'ankang', '--auth=trust', '--no-locale', '-E', 'UTF8']);
  pg([`${pgBin}/pg_ctl`, '-D', `${dir}/data`, '-l', `${dir}/pg.log`, '-w', '-o',
    `-p ${pgPort} -k ${dir} -c listen_addresses=`, 'start']);
  url = `postgresql:///postgres?host=${encodeURIComponent(dir)}&port=${pgPort}&user=ankang`;
  keys = tempDir('ankang-pg-keys-');
  // The first process migrates; the second finds the schema in place.
  a = await startServer({ data: keys, args: ['--db', url] });
  b = await startServer({ data: keys, args: ['--db', url] });
});

after(async () => {
  if (skip) return;
  for (const s of [a, b]) if (s) await s.stop();
  try { pg([`${pgBin}/pg_ctl`, '-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']); } catch { /* already down */ }
  rmSync(dir, { recursive: true, force: true });
  rmSync(keys, { recursive: true, force: true });
});

test('both processes run on PostgreSQL with the schema migrated once', { skip }, async () => {
  const versions = [];
  for (const s of [a, b]) {
    const h = await call(s.base, 'GET', '/healthz');
    assert.equal(h.status, 200, s.log());
    versions.push(h.json.schema_version);
  }
  // Every migration of the list applied once (6 when this was written), the same for both.
  assert.ok(versions[0] >= 6);
  assert.equal(versions[1], versions[0]);
  assert.equal(psql('SELECT string_agg(version::text, \',\' ORDER BY version) FROM schema_version'),
    Array.from({ length: versions[0] }, (_, i) => i + 1).join(','));
  assert.ok(!existsSync(`${keys}/ankang.db`), 'no SQLite file is created with --db');
  assert.equal(psql("SELECT setting FROM pg_settings WHERE name = 'synchronous_commit'"), 'on');
});

test('declare through one process, read the code and verify through the other', { skip }, async () => {
  const phone = `137${String(Date.now() % 1e8).padStart(8, '0')}`;
  const tokA = await loginResident(a.base, phone);
  const d = await call(a.base, 'POST', '/api/v1/declarations', { body: declaration({ region: '110105' }), token: tokA });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.code.color, 'green');
  assert.equal(psql(`SELECT COUNT(*) FROM declarations WHERE person_id = '${d.json.person_id}'`), '1');
  // The session made on A lives in PostgreSQL: B accepts it.
  const code = await call(b.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tokA });
  assert.equal(code.status, 200, code.text);
  assert.equal(code.json.color, 'green');
  // The one-minute limit on one-time codes holds across processes too.
  assert.equal((await call(b.base, 'POST', '/api/v1/auth/otp', { body: { phone } })).status, 429);
  const ver = await loginStaff(b.base, 'verifier');
  const v = await call(b.base, 'POST', '/api/v1/verify', { body: { qr: d.json.code.qr }, token: ver });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.status, 'current', v.text);
  assert.equal(v.json.valid, true);
  assert.equal(v.json.color, 'green');
});

test('an admin risk-area change through one recolours at once on the other', { skip }, async () => {
  const tok = await loginResident(a.base);
  const d = await call(a.base, 'POST', '/api/v1/declarations',
    { body: declaration({ region: '370102', id: residentId(7, '370102', '19810101') }), token: tok });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.code.color, 'green');
  const codeOnB = async () => (await call(b.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tok })).json.color;
  assert.equal(await codeOnB(), 'green');  // B has read (and would have cached) the risk list now
  const admin = await loginStaff(a.base, 'admin');
  const put = (areas) => call(a.base, 'PUT', '/api/v1/admin/risk-areas', { body: { areas }, token: admin });
  assert.equal((await put([{ region: '370100', level: 'high' }])).status, 200);
  assert.equal(await codeOnB(), 'red', 'B sees A\'s change on the very next read');
  assert.deepEqual((await call(b.base, 'GET', '/api/v1/risk-areas')).json, [{ region: '370100', level: 'high' }]);
  const ver = await loginStaff(b.base, 'verifier');
  const v = await call(b.base, 'POST', '/api/v1/verify', { body: { qr: d.json.code.qr }, token: ver });
  assert.equal(v.json.status, 'changed', v.text);
  assert.equal(v.json.color, 'red');
  assert.equal((await put([])).status, 200);
  assert.equal(await codeOnB(), 'green');
});

test('a 422 changes nothing in the shared database', { skip }, async () => {
  const count = () => psql('SELECT (SELECT COUNT(*) FROM declarations) || \'/\' || (SELECT COUNT(*) FROM persons)');
  const beforeCounts = count();
  const tok = await loginResident(b.base);
  const bad = declaration({ temperature: 47 });
  bad.person.id_number = '110105199001010000';  // wrong check character too
  const r = await call(b.base, 'POST', '/api/v1/declarations', { body: bad, token: tok });
  assert.equal(r.status, 422, r.text);
  assert.equal(count(), beforeCounts);
  const admin = await loginStaff(b.base, 'admin');
  const areasBefore = psql('SELECT COUNT(*) FROM risk_areas');
  const p = await call(b.base, 'PUT', '/api/v1/admin/risk-areas',
    { body: { areas: [{ region: '110105', level: 'high' }, { region: '999999', level: 'extreme' }] }, token: admin });
  assert.equal(p.status, 422, p.text);
  assert.equal(psql('SELECT COUNT(*) FROM risk_areas'), areasBefore);
});

test('a check-in twice the same day is a 409 across processes', { skip }, async () => {
  const phone = `138${String((Date.now() + 7) % 1e8).padStart(8, '0')}`;
  const tokA = await loginResident(a.base, phone);
  const d = await call(a.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tokA });
  assert.equal(d.status, 201, d.text);
  const pid = d.json.person_id;
  const first = await call(a.base, 'POST', `/api/v1/persons/${pid}/checkins`, { body: { temperature: 36.5, symptoms: [] }, token: tokA });
  assert.equal(first.status, 201, first.text);
  const again = await call(b.base, 'POST', `/api/v1/persons/${pid}/checkins`, { body: { temperature: 36.6, symptoms: [] }, token: tokA });
  assert.equal(again.status, 409, again.text);
  assert.equal(psql(`SELECT COUNT(*) FROM checkins WHERE person_id = '${pid}'`), '1');
  // Both at once through the two processes: exactly one wins.
  const tok2 = await loginResident(b.base);
  const d2 = await call(b.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tok2 });
  const body = { temperature: 36.5, symptoms: [] };
  const both = await Promise.all([a, b].map((s) => call(s.base, 'POST', `/api/v1/persons/${d2.json.person_id}/checkins`, { body, token: tok2 })));
  assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
});

test('a 201 survives kill -9 of the process that answered it', { skip }, async () => {
  const tok = await loginResident(b.base);
  const d = await call(b.base, 'POST', '/api/v1/declarations', { body: declaration(), token: tok });
  assert.equal(d.status, 201, d.text);
  await b.kill9();
  const code = await call(a.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tok });
  assert.equal(code.status, 200, code.text);
  b = await startServer({ data: keys, args: ['--db', url] });
  assert.equal((await call(b.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tok })).status, 200);
});

test('a database with data does not start with missing or foreign keys; its keys back up and restore', { skip }, async () => {
  const other = tempDir('ankang-pg-other-');
  try {
    const port = String(await freePort());
    const run = () => spawnSync(serverBin, ['--db', url, '--data', other, '--port', port, '--quiet'],
      { encoding: 'utf8', timeout: 20000 });
    let r = run();
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /holds data \(the PostgreSQL database\) but its keys are not usable/);
    assert.match(r.stderr, /data\.key is missing/);
    assert.ok(!existsSync(`${other}/data.key`), 'no key was made');
    assert.equal(spawnSync(serverBin, ['init', '--data', other]).status, 0);  // keys of another folder
    r = run();
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /data\.key is not the key this database was written with/);
    assert.match(r.stderr, /signing-keys\.json holds none of the signing keys this database published/);
    // A backup with --db holds the keys only; restored with --db they open against the database.
    const bk = `${other}-backup`;
    const made = spawnSync(serverBin, ['backup', '--db', url, '--data', keys, '--to', bk], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stdout + made.stderr);
    assert.match(made.stdout, /data\.key, hmac\.key, signing-keys\.json .*\n.*pg_dump/);
    assert.ok(!existsSync(`${bk}/ankang.db`));
    const back = spawnSync(serverBin, ['restore', '--from', bk, '--data', `${other}-restored`], { encoding: 'utf8' });
    assert.equal(back.status, 1, 'a keys-only backup wants --db');
    assert.match(back.stderr, /holds the keys of a PostgreSQL deployment only/);
    const ok = spawnSync(serverBin, ['restore', '--from', bk, '--data', `${other}-restored`, '--db', url], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    rmSync(bk, { recursive: true, force: true });
  } finally {
    rmSync(other, { recursive: true, force: true });
    rmSync(`${other}-restored`, { recursive: true, force: true });
  }
});

// Issue 13: nodes without a shared folder. Two processes, each with a data
// folder of its own (left empty), on one new database of this cluster, with a
// copy of one key-encryption key: the keys live sealed in the database. A
// rotation through one reaches the other without a restart; a wrong KEK or
// none stops a node with a message; no key file is ever written.
test('two nodes with separate folders share sealed keys; a rotation through one is followed by the other', { skip }, async () => {
  const name = `kek_${process.pid}`;
  psql(`CREATE DATABASE ${name}`);
  const db = url.replace('/postgres?', `/${name}?`);
  const secrets = tempDir('ankang-kek-');
  const kek = `${secrets}/kek`;
  const [dirA, dirB] = [tempDir('ankang-node-a-'), tempDir('ankang-node-b-')];
  let n1; let n2;
  try {
    const init = spawnSync(serverBin, ['init', '--db', db, '--kek-file', kek, '--data', dirA], { encoding: 'utf8' });
    assert.equal(init.status, 0, init.stdout + init.stderr);
    assert.match(init.stdout, /created the key-encryption key .*first start: created the keys, sealed in the PostgreSQL database/s);
    assert.equal((statSync(kek).mode & 0o777).toString(8), '600');
    // Node B has its own (empty) folder and a copy of the KEK only.
    const kekB = `${secrets}/kek-copy`;
    copyFileSync(kek, kekB);
    n1 = await startServer({ data: dirA, args: ['--db', db, '--kek-file', kek, '--key-poll-seconds', '1'] });
    n2 = await startServer({ data: dirB, args: ['--db', db, '--kek-file', kekB, '--key-poll-seconds', '1'] });
    for (const d of [dirA, dirB]) assert.deepEqual(readdirSync(d), [], `${d}: no key file with --kek-file`);
    const sealed = execFileSync(`${pgBin}/psql`, [db, '-At', '-c', 'SELECT version, length(sealed) FROM sealed_keys']).toString().trim();
    assert.match(sealed, /^1\|\d+$/);
    // Declared through 1, verified through 2 (same signing key, same data keys).
    const tok = await loginResident(n1.base);
    const d = await call(n1.base, 'POST', '/api/v1/declarations', { body: declaration({}), token: tok });
    assert.equal(d.status, 201, d.text);
    const vtok = await loginStaff(n2.base, 'verifier');
    const before = await call(n2.base, 'POST', '/api/v1/verify', { body: { qr: d.json.code.qr }, token: vtok });
    assert.equal(before.json.status, 'current', before.text);
    const person = await call(n2.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tok });
    assert.equal(person.status, 200, person.text);
    const kids = async (s) => (await call(s.base, 'GET', '/api/v1/keys')).json.keys.map((k) => k.kid);
    const oldKid = (await kids(n1))[0];
    // Rotate through node 1.
    const admin = await loginStaff(n1.base, 'admin');
    const rot = await call(n1.base, 'POST', '/api/v1/admin/keys/rotate', { token: admin });
    assert.equal(rot.status, 200, rot.text);
    const newKid = rot.json.kid;
    assert.notEqual(newKid, oldKid);
    // Node 2 follows within its poll period: signs with the new key, verifies both.
    let followed = false;
    for (let i = 0; i < 60 && !followed; i++) {
      followed = (await kids(n2)).includes(newKid);
      if (!followed) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(followed, `node 2 did not follow the rotation: ${n2.log()}`);
    assert.match(n2.log(), new RegExp(`signing keys updated \\(version 2, active key ${newKid.replace(/[-]/g, '\\-')}\\)`));
    const c2 = await call(n2.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tok });
    const c1 = await call(n1.base, 'GET', `/api/v1/persons/${d.json.person_id}/code`, { token: tok });
    for (const [from, to, c] of [['2', n1, c2], ['1', n2, c1]]) {
      const v = await call(to.base, 'POST', '/api/v1/verify', { body: { qr: c.json.qr }, token: await loginStaff(to.base, 'verifier') });
      assert.equal(v.json.status, 'current', `a code of node ${from}: ${v.text}`);
    }
    // The old code still verifies on both (kept until it expires).
    const again = await call(n2.base, 'POST', '/api/v1/verify', { body: { qr: d.json.code.qr }, token: vtok });
    assert.equal(again.json.status, 'current', again.text);
    // A node with another KEK, or a damaged one, does not start and changes nothing.
    const wrong = `${secrets}/wrong`;
    execFileSync(serverBin, ['init', '--db', freshDb(), '--kek-file', wrong, '--data', tempDir('ankang-node-x-')]);
    const port = String(await freePort());
    let r = spawnSync(serverBin, ['--db', db, '--kek-file', wrong, '--data', dirB, '--port', port, '--quiet'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /does not open the keys sealed in the PostgreSQL database/);
    writeFileSync(wrong, 'not a key\n');
    r = spawnSync(serverBin, ['--db', db, '--kek-file', wrong, '--data', dirB, '--port', port, '--quiet'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /key-encryption key .* is damaged/);
    assert.equal(execFileSync(`${pgBin}/psql`, [db, '-At', '-c', 'SELECT version FROM sealed_keys']).toString().trim(), '2');
    // Without --kek-file a node with an empty folder refuses the database (it holds data).
    r = spawnSync(serverBin, ['--db', db, '--data', dirB, '--port', port, '--quiet'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
  } finally {
    for (const s of [n1, n2]) if (s) await s.stop();
    for (const x of [secrets, dirA, dirB]) rmSync(x, { recursive: true, force: true });
  }
});

function freshDb() {
  const n = `kek_other_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  psql(`CREATE DATABASE ${n}`);
  return url.replace('/postgres?', `/${n}?`);
}

// Existing HTTP suites, unchanged, each server on a fresh database of this
// cluster (lib.mjs reads ANKANG_TEST_PG). cli.test.mjs and durability.test.mjs read the
// SQLite file itself and are not in the list (skin.test.mjs drives a browser).
const suites = ['http.test.mjs', 'transitions.test.mjs', 'export.test.mjs', 'nginx.test.mjs', 'wasm_parity.test.mjs',
  'consent.test.mjs'];
test(`existing suites on PostgreSQL: ${suites.join(', ')}`, { skip, timeout: 600000 }, () => {
  const env = { ...process.env, ANKANG_TEST_PG: url, ANKANG_TEST_PSQL: `${pgBin}/psql` };
  delete env.NODE_TEST_CONTEXT;  // a runner of its own, reporting in text
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...suites.map((f) => `${root}/tests/server/${f}`)], {
    env,
    encoding: 'utf8',
    timeout: 590000,
  });
  const tail = (r.stdout || '').split('\n').filter((l) => /^# (tests|pass|fail)|^not ok/.test(l)).join('\n');
  console.log(tail);
  assert.equal(r.status, 0, `${tail}\n${(r.stdout || '').slice(-4000)}${r.stderr || ''}`);
  assert.match(r.stdout, /# fail 0/);
  assert.doesNotMatch(r.stdout, /# pass 0\b/);
  assert.ok(Number(psql("SELECT COUNT(*) FROM pg_database WHERE datname LIKE 't\\_%'")) >= suites.length,
    'the suites really ran on databases of this cluster');
});
