// Durability (SPEC §6: a 201 means the declaration is on disk): a burst of 200
// concurrent clients declaring (400 declarations), kill -9 in the middle of it, restart, and every
// declaration that was answered 201 is there; SQLite's integrity check passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { startServer, call, loginResident, declaration, sqlite, tempDir } from './lib.mjs';

const ACCOUNTS = 200;  // 200 concurrent clients, each declaring for itself, then a child

test('kill -9 during a burst of 200 concurrent clients (400 declarations) loses no acknowledged one', async () => {
  const data = tempDir('ankang-durable-');
  let srv = await startServer({ data });
  const tokens = [];
  for (let i = 0; i < ACCOUNTS; i++) tokens.push(await loginResident(srv.base));

  const acknowledged = [];
  let failed = 0;
  let killed = null;
  // The kill is triggered from the server's side: once 300 of the 400
  // declarations are in the database (read with the sqlite3 CLI while the
  // server writes); the client reads its answers behind the server, so some
  // 201s are still unread and the rest of the burst is still in flight.
  const killAtStored = Number(process.env.KILL_AT_STORED || 300);
  const t0 = Date.now();
  const dbPath = join(data, 'ankang.db');
  let stopPolling = false;
  const poll = async () => {
    while (!stopPolling && !killed) {
      const n = await new Promise((resolve) => execFile('sqlite3', [dbPath, 'SELECT COUNT(*) FROM declarations;'],
        (err, out) => resolve(err ? 0 : Number(String(out).trim()))));
      if (n >= killAtStored && !killed) {
        console.log(`kill -9 after ${Date.now() - t0} ms with ${n} declarations stored, ${acknowledged.length} acknowledged so far`);
        killed = srv.kill9();
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const poller = poll();
  const names = ['甲一', '乙二', '丙三', '丁四'];
  const relations = ['self', 'child', 'child', 'parent'];
  let sent = 0;
  const tasks = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    tasks.push((async () => {
      for (let k = 0; k < 2; k++) {
        const body = declaration({ name: names[k], relation: relations[k], temperature: 36 + k / 10 });
        sent += 1;
        try {
          const r = await call(srv.base, 'POST', '/api/v1/declarations', { body, token: tokens[i] });
          if (r.status !== 201) throw new Error(String(r.status));
          acknowledged.push({ declaration: r.json.declaration_id, person: r.json.person_id, token: tokens[i] });
        } catch {
          failed += 1;
          return;  // the server is gone
        }
      }
    })());
  }
  await Promise.all(tasks);
  stopPolling = true;
  await poller;
  assert.ok(killed, 'the kill happened during the burst');
  const exit = await killed;
  assert.equal(exit.sig, 'SIGKILL');
  assert.ok(acknowledged.length > 0, 'some declarations were acknowledged before the kill');
  assert.ok(failed > 0, 'the kill cut the burst off (otherwise it tested nothing)');

  // Restart on the same data folder.
  srv = await startServer({ data });
  try {
    const db = join(data, 'ankang.db');
    assert.equal(sqlite(db, 'PRAGMA integrity_check;'), 'ok');
    const stored = new Set(sqlite(db, 'SELECT id FROM declarations;').split('\n').filter(Boolean));
    const missing = acknowledged.filter((a) => !stored.has(a.declaration));
    console.log(`durability: ${sent} sent, ${acknowledged.length} acknowledged (201), ` +
      `${failed} cut off by kill -9, ${acknowledged.length - missing.length} found after restart, ` +
      `${stored.size} stored in all`);
    assert.deepEqual(missing, [], 'every acknowledged declaration survives');
    // And through the API, with the sessions that were stored before the kill.
    for (const a of acknowledged.slice(0, 20)) {
      const r = await call(srv.base, 'GET', `/api/v1/persons/${a.person}/code`, { token: a.token });
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.qr, /^AK1:/);
    }
    // No plaintext ID numbers or phone numbers at rest.
    const dump = sqlite(db, 'SELECT * FROM persons; SELECT * FROM accounts; SELECT body FROM declarations;');
    assert.ok(!/1101051\d{10}[\dX]/.test(dump), 'no ID number in the database');
    assert.ok(!/13[68]\d{8}/.test(dump), 'no phone number in the database');
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});
