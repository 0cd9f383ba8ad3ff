// The admin console /admin in real headless Chromium against the real server:
// a risk-area CSV import (with bad lines, in chunks behind a progress bar)
// recolours the affected residents; a case-status import likewise; a new rule
// set is shape-checked (every problem listed), dry-run (the number of residents
// whose colour would change) and activated (recolouring in the background
// behind a progress bar); statistics are drawn; an admin
// reveals a person's data only through an audited action; staff accounts,
// trusted issuers, appeals (overdue highlighted) and the audit log; a locked
// staff account shown and unlocked; the admin's TOTP set-up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, staffToken, residentToken, declare, residentId, launch, watchPage, shot, setClock } from './staff-lib.mjs';

let srv;
let b;
let page;
let problems;
let admin;
const R = {};  // residents

before(async () => {
  srv = await startServer();
  b = await launch();
  admin = await staffToken(srv.base, 'admin');
  // A travelled to 370105 (Tianqiao); B lives there; C lives in 370112 (Licheng); D elsewhere.
  R.a = { token: await residentToken(srv.base, '13600136001') };
  Object.assign(R.a, await declare(srv.base, R.a.token, { name: '钱一', region: '370102', travel: ['370105'] }));
  R.b = { token: await residentToken(srv.base, '13600136002') };
  Object.assign(R.b, await declare(srv.base, R.b.token, { name: '钱二', region: '370105' }));
  R.c = { token: await residentToken(srv.base, '13600136003') };
  Object.assign(R.c, await declare(srv.base, R.c.token, { name: '钱三', region: '370112' }));
  R.d = { token: await residentToken(srv.base, '13600136004') };
  Object.assign(R.d, await declare(srv.base, R.d.token, { name: '钱四', region: '370102', idNumber: residentId('370102', '19800101', 42) }));
  for (const k of 'abcd') assert.equal(R[k].code.color, 'green', k);
  page = await b.ctx.newPage();
  problems = watchPage(page, srv.base);
  await page.goto(`${srv.base}/admin`);
  await page.fill('#login-user', 'admin');
  await page.fill('#login-pass', 'ankang-dev');
  await page.click('#login-submit');
  await page.waitForSelector('#tab-stats');
});

after(async () => { if (b) await b.close(); if (srv) await srv.stop(); });

const color = async (r) => (await api(srv.base, 'GET', `/persons/${r.person_id}/code`, undefined, r.token)).data.color;

async function openTab(key) {
  await page.click(`#tab-${key}`);
  await page.waitForFunction((k) => document.querySelector('#tab-body').dataset.loaded === k, key);
}

test('risk-area CSV import with bad lines: per-line errors, progress, affected residents recoloured', async () => {
  await openTab('risk');
  // 60 filler lines of real county codes (level low) push the import past one chunk.
  const regions = (await api(srv.base, 'GET', '/admin/regions?q=3701', undefined, admin)).data.areas.map((a) => a.region)
    .filter((c) => !['370105', '370112'].includes(c) && !c.endsWith('00'));
  assert.ok(regions.length >= 8);
  const lines = ['region,level', '370105,high', '999999,high', '370104,extreme', '370112'];
  for (let i = 0; i < 60; i++) lines.push(`${regions[i % regions.length]},low`);
  lines.push('370112,medium', '"37011',);  // the last one: an unclosed quote
  await page.fill('#risk-import-csv', lines.join('\n'));
  await page.click('#risk-import-import');
  await page.waitForFunction(() => /Imported/.test(document.querySelector('#risk-import-summary').textContent));
  const progress = await page.$eval('#risk-import-progress', (p) => [p.value, p.max]);
  assert.deepEqual(progress, [lines.length, lines.length]);
  const summary = await page.textContent('#risk-import-summary');
  assert.match(summary, /Imported 62 /);
  assert.match(summary, /errors 4/);
  assert.match(summary, /recoloured 3/);
  const errs = await page.$$eval('#risk-import-error-table tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(errs.map((e) => [e[0], e[1]]), [['3', 'bad_region'], ['4', 'bad_level'], ['5', 'bad_format'], [String(lines.length), 'bad_format']]);
  await shot(page, 'admin-risk-import');
  assert.equal(await color(R.a), 'red');     // stayed in a high-risk area
  assert.equal(await color(R.b), 'red');     // lives in it
  assert.equal(await color(R.c), 'yellow');  // lives in a medium-risk area
  assert.equal(await color(R.d), 'green');
  // The search shows the new level.
  await page.fill('#risk-q', '370105');
  await page.click('#tab-body form.row button');
  await page.waitForSelector('#risk-table tr[data-region="370105"]');
  assert.equal(await page.$eval('#risk-table tr[data-region="370105"] select', (s) => s.value), 'high');
  const audit = await api(srv.base, 'GET', '/admin/audit-log?action=risk_areas.import', undefined, admin);
  assert.equal(audit.data.entries.length, 2);  // two chunks
});

test('case-status CSV import recolours the listed person and reports bad lines', async () => {
  await openTab('cases');
  const csv = ['id_type,id_number,status,since', `resident_id,${R.d.id_number},confirmed,2026-11-20`, 'resident_id,370102198001010000,confirmed,2026-11-20', `passport,${R.d.id_number},dead,`].join('\n');
  await page.fill('#case-import-csv', csv);
  await page.click('#case-import-import');
  await page.waitForFunction(() => /Imported/.test(document.querySelector('#case-import-summary').textContent));
  assert.match(await page.textContent('#case-import-summary'), /Imported 1 .*errors 2.*recoloured 1/);
  const text = await page.textContent('#case-import-error-table');
  assert.match(text, /checksum/);
  assert.ok(!text.includes('370102198001010000'), 'the report does not repeat ID numbers');
  await shot(page, 'admin-case-import');
  assert.equal(await color(R.d), 'red');
});

test('a new rule set: every shape problem listed; the dry run counts the changes; activation applies them', async () => {
  await openTab('rules');
  const rules = (await api(srv.base, 'GET', '/rules')).data;
  const bad = structuredClone(rules);
  bad.rules[0].color = 'purple';
  bad.rules[1].id = bad.rules[2].id;
  bad.rules[3].when = { frobnicate: [1] };
  await page.fill('#ruleset-json', JSON.stringify(bad, null, 1));
  await page.click('#ruleset-upload');
  await page.waitForSelector('#ruleset-errors');
  const rows = await page.$$eval('#ruleset-errors tbody tr', (r) => r.map((x) => x.children[1].textContent));
  assert.ok(rows.length >= 3, `all problems listed: ${rows}`);
  await shot(page, 'admin-ruleset-errors');

  // Without the "stayed in a high-risk area" rule, A (red only for travel) would be green.
  const next = structuredClone(rules);
  next.version = `${rules.version}-no-travel`;
  next.rules = next.rules.filter((r) => r.id !== 'high_risk_travel');
  await page.fill('#ruleset-json', JSON.stringify(next, null, 1));
  await page.click('#ruleset-upload');
  await page.waitForSelector('#dry-run');
  assert.equal(await page.textContent('#dry-run-changed'), '1');
  assert.match(await page.textContent('#dry-run'), /red->green: 1/);
  await shot(page, 'admin-ruleset-dry-run');
  assert.equal(await color(R.a), 'red', 'a dry run changes nothing');

  // In force at once; the recolouring runs in the background behind a progress bar.
  await page.click('#ruleset-activate');
  await page.waitForFunction(() => /Activated/.test(document.querySelector('#ruleset-msg').textContent));
  await page.waitForSelector('#ruleset-job .job[data-state="finished"]');
  await page.waitForFunction(() => /recoloured \d/.test(document.querySelector('#ruleset-msg').textContent));
  assert.match(await page.textContent('#ruleset-msg'), /recoloured 1/);
  assert.match(await page.textContent('#ruleset-job'), /Recolouring finished: 4 人 persons/);
  assert.deepEqual(await page.$eval('#ruleset-job progress', (p) => [p.value, p.max]), [4, 4]);
  assert.equal((await api(srv.base, 'GET', '/rules')).data.version, next.version);
  assert.equal(await color(R.a), 'green');
  assert.equal(await color(R.b), 'red');
  // Back to the shipped preset.
  const list = (await api(srv.base, 'GET', '/admin/rulesets', undefined, admin)).data.rulesets;
  const preset = list.find((r) => r.ruleset_id === 'preset:default');
  assert.ok(preset);
  const act = await api(srv.base, 'POST', '/admin/rulesets/preset:default/activate', {}, admin);
  assert.equal(act.status, 202);
  assert.equal(await color(R.a), 'red');  // in force at once
  let job = act.data.job;
  while (!['finished', 'superseded', 'failed'].includes(job.state)) {
    await new Promise((t) => setTimeout(t, 100));
    job = (await api(srv.base, 'GET', `/admin/recolour-jobs/${job.job_id}`, undefined, admin)).data;
  }
  assert.equal(job.state, 'finished');
  assert.equal(job.done, job.total);
  assert.equal(job.counts.changed, 1);
  assert.deepEqual(job.counts.transitions, { 'green->red': 1 });
});

test('statistics chart codes by colour over time and by region', async () => {
  await openTab('stats');
  await page.waitForSelector('#stats svg rect[data-color]');
  const st = (await api(srv.base, 'GET', '/admin/statistics?days=14', undefined, admin)).data;
  assert.equal(st.by_day.length, 14);
  const today = st.by_day[13];
  assert.ok(today.red >= 3, JSON.stringify(today));
  assert.deepEqual(st.current, { green: 0, yellow: 1, gray: 0, red: 3 });
  assert.ok(st.by_region.find((r) => r.region === '370105' && r.red === 1));
  const bars = await page.$$eval('#stats svg rect[data-color="red"]', (r) => r.map((x) => Number(x.dataset.value)));
  assert.ok(bars.includes(today.red));
  await shot(page, 'admin-stats');
});

test('persons are masked; revealing full data needs a reason and is audited', async () => {
  await openTab('persons');
  await page.fill('#person-q', R.a.id_number);
  await page.click('#tab-body form button');
  await page.waitForSelector('#person-table tbody tr');
  const row = await page.textContent('#person-table tbody tr');
  assert.match(row, /钱\*/);
  assert.ok(!row.includes('钱一') && !row.includes(R.a.id_number));
  await page.click('#person-table button.reveal');  // no reason: refused
  await page.waitForSelector('#person-table .error');
  await page.fill('#person-table input.reason', '流调核实 contact tracing check');
  await page.click('#person-table button.reveal');
  await page.waitForSelector('#person-table .revealed');
  const shown = await page.textContent('#person-table .revealed');
  assert.match(shown, /钱一/);
  assert.ok(shown.includes(R.a.id_number));
  await shot(page, 'admin-person-reveal');
  const audit = (await api(srv.base, 'GET', `/admin/audit-log?action=person.reveal&target=${R.a.person_id}`, undefined, admin)).data.entries;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].actor, 'staff:admin');
  assert.match(audit[0].detail, /contact tracing/);
  assert.ok(!audit[0].detail.includes(R.a.id_number));
});

test('staff accounts, trusted issuers and the audit log', async () => {
  await openTab('staff');
  await page.fill('#staff-user', 'gate-7');
  await page.fill('#staff-pass', 'a-long-password-7');
  await page.selectOption('#staff-role', 'verifier');
  await page.click('#tab-body form button[type=submit]');
  await page.waitForSelector('#staff-table tr[data-user="gate-7"]');
  await shot(page, 'admin-staff');
  assert.equal((await api(srv.base, 'POST', '/auth/staff', { username: 'gate-7', password: 'a-long-password-7' })).data.role, 'verifier');

  await openTab('issuers');
  const other = await startServer({ args: ['--issuer-id', 'ankang-sh'] });
  try {
    await page.fill('#issuer-id', 'ankang-sh');
    await page.fill('#issuer-name', '上海 Shanghai');
    await page.fill('#issuer-url', `${other.base}/api/v1/keys`);
    await page.click('#issuer-form button[type=submit]');
    await page.waitForSelector('#issuer-table tr[data-issuer="ankang-sh"]');
    await shot(page, 'admin-issuers');
  } finally {
    await other.stop();
  }
  // A key list claiming another issuer is refused.
  const other2 = await startServer({ args: ['--issuer-id', 'ankang-bj'] });
  try {
    const r = await api(srv.base, 'POST', '/admin/issuers', { issuer: 'ankang-gz', keys_url: `${other2.base}/api/v1/keys` }, admin);
    assert.equal(r.status, 422);
    assert.equal(r.data.error.code, 'issuer_mismatch');
  } finally {
    await other2.stop();
  }

  await openTab('audit');
  await page.waitForSelector('#audit-table tbody tr');
  const actions = await page.$$eval('#audit-table tbody tr', (r) => r.map((x) => x.children[2].textContent));
  for (const a of ['risk_areas.import', 'case_status.import', 'ruleset.upload', 'ruleset.activate', 'person.reveal', 'staff.create', 'issuer.trust']) {
    assert.ok(actions.includes(a), `audited: ${a}`);
  }
  await page.fill('#audit-actor', 'admin');
  await page.fill('#audit-action', 'ruleset');
  await page.click('#tab-body form button');
  await page.waitForFunction(() => [...document.querySelectorAll('#audit-table tbody tr')].every((r) => r.children[2].textContent.startsWith('ruleset')));
  await shot(page, 'admin-audit');
});

test('a locked staff account is shown and unlocked; the admin sets up TOTP', async () => {
  for (let i = 0; i < 6; i++) await api(srv.base, 'POST', '/auth/staff', { username: 'gate-7', password: `wrong-${i}` });
  const locked = await api(srv.base, 'POST', '/auth/staff', { username: 'gate-7', password: 'a-long-password-7' });
  assert.equal(locked.status, 429);
  await openTab('audit');
  await openTab('staff');
  await page.waitForSelector('#staff-table tr.locked[data-user="gate-7"] .lock');
  assert.match(await page.textContent('#staff-table tr[data-user="gate-7"] .lock'), /locked until .* 5 /);
  await shot(page, 'admin-staff-locked');
  await page.click('#staff-table tr[data-user="gate-7"] button.unlock');
  await page.waitForFunction(() => /Unlocked gate-7/.test(document.querySelector('#staff-msg').textContent));
  await page.waitForSelector('#staff-table tr[data-user="gate-7"]:not(.locked)');
  assert.equal((await api(srv.base, 'POST', '/auth/staff', { username: 'gate-7', password: 'a-long-password-7' })).status, 200);
  const audit = (await api(srv.base, 'GET', '/admin/audit-log?action=staff.unlock', undefined, admin)).data.entries;
  assert.equal(audit.length, 1);

  await page.click('#totp-start');
  await page.waitForSelector('#totp-secret');
  assert.match(await page.textContent('#totp-secret'), /^[A-Z2-7]{32}$/);
  assert.match(await page.textContent('#totp-url'), /^otpauth:\/\/totp\//);
  await page.fill('#totp-code', '000000');
  await page.click('#totp-setup button[type=submit]');
  await page.waitForSelector('#totp-msg.error');
  await shot(page, 'admin-totp-setup');
  assert.equal((await api(srv.base, 'GET', '/admin/staff', undefined, admin)).data.find((x) => x.username === 'admin').totp, 'pending');
});

test('appeals queue: overdue appeals are highlighted and resolved with a note', async () => {
  const f = await api(srv.base, 'POST', `/persons/${R.b.person_id}/appeals`, { topic: 'color', message: '我没有去过天桥区以外的地方 I live here but stayed home' }, R.b.token);
  assert.equal(f.status, 201, JSON.stringify(f.data));
  await openTab('appeals');
  await page.waitForSelector('#appeal-table tbody tr');
  assert.equal(await page.$$eval('#appeal-table tr.overdue', (r) => r.length), 0);
  await setClock(srv.base, new Date(Date.now() + 6 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z'));
  // Six days on, the 12-hour staff session has expired too: sign in again.
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.fill('#login-user', 'admin');
  await page.fill('#login-pass', 'ankang-dev');
  await page.click('#login-submit');
  await page.waitForSelector('#appeal-table tr.overdue');
  await shot(page, 'admin-appeals-overdue');
  await page.fill('#appeal-table tr.overdue input.note', '已核实,居住地为中风险以上地区 checked');
  await page.click('#appeal-table tr.overdue button.primary');
  await page.waitForFunction(() => /Resolved/.test(document.querySelector('#appeal-msg').textContent));
  await page.waitForFunction(() => !document.querySelector('#appeal-table tr.overdue'));
  assert.deepEqual(problems, []);
});
