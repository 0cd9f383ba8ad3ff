// Venue codes in real headless Chromium against the real server: a venue
// manager registers a place on /venue and gets its poster; the poster's QR,
// rendered by Chromium and decoded by zbarimg, is the URL /v/{venue_id}; a
// resident opening that URL signs in, checks in self and a family member with
// temperatures and sees their codes; the visits are stored; the admin asks who
// was there and marks them as close contacts in one step, which turns them red.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, api, staffToken, residentToken, declare, residentId, launch, watchPage, shot, zbar, ARTIFACTS } from './staff-lib.mjs';

let srv;
let b;
before(async () => { srv = await startServer(); b = await launch(); });
after(async () => { if (b) await b.close(); if (srv) await srv.stop(); });

let venue;
const phone = '13900139001';

test('a venue manager registers a place and its poster QR decodes to /v/{venue_id}', async () => {
  const page = await b.ctx.newPage();
  const problems = watchPage(page, srv.base);
  await page.goto(`${srv.base}/venue`);
  await page.fill('#login-user', 'venue');
  await page.fill('#login-pass', 'ankang-dev');
  await page.click('#login-submit');
  await page.fill('#venue-name', '泉城广场超市');
  await page.fill('#venue-region', '370102');
  await page.fill('#venue-address', '济南市历下区泉城路1号');
  await page.click('#venue-create');
  await page.waitForSelector('#poster-img');
  await page.waitForFunction(() => document.querySelector('#poster-img').complete && document.querySelector('#poster-img').naturalWidth > 0);
  const row = await page.waitForSelector('#venue-table tbody tr');
  const venueId = await row.getAttribute('data-venue');
  assert.match(venueId, /^v[\w-]+$/);
  await shot(page, 'venue-manager');
  assert.deepEqual(problems, []);

  // The poster as served, rendered by Chromium at print size, decoded by zbarimg.
  const token = await staffToken(srv.base, 'venue');
  const svg = await api(srv.base, 'GET', `/venues/${venueId}/poster`, undefined, token, { raw: true });
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /image\/svg\+xml/);
  assert.match(svg.data, /泉城广场超市/);
  const p2 = await b.ctx.newPage();
  await p2.setViewportSize({ width: 630, height: 891 });
  await p2.setContent(`<body style="margin:0">${svg.data}</body>`);
  const png = path.join(ARTIFACTS, 'venue-poster.png');
  await p2.screenshot({ path: png });
  await p2.close();
  const decoded = zbar(png);
  assert.equal(decoded, `${srv.base}/v/${venueId}`);
  // Another venue manager cannot fetch it; residents neither.
  const rt = await residentToken(srv.base, '13900139099');
  assert.equal((await api(srv.base, 'GET', `/venues/${venueId}/poster`, undefined, rt)).status, 403);
  venue = { id: venueId, url: decoded };
  await page.close();
});

test('a resident scans the venue code, checks in with a family member and sees their codes', async () => {
  assert.ok(venue, 'needs the venue from the previous test');
  const page = await b.ctx.newPage();
  const problems = watchPage(page, srv.base);
  await page.goto(venue.url);
  await page.waitForSelector('#venue-title');
  assert.equal(await page.textContent('#venue-title'), '泉城广场超市');
  await page.fill('#visit-phone', phone);
  await page.click('#visit-send');
  await page.waitForFunction(() => /\d{6}/.test(document.querySelector('#dev-code').textContent));
  const code = (await page.textContent('#dev-code')).match(/\d{6}/)[0];
  await page.fill('#visit-otp', code);
  await page.click('#visit-login-submit');
  // Nobody declared on this account yet: the page sends the resident to declare first.
  await page.waitForSelector('#no-persons');
  // The resident declares (self and a child) as on the resident page, with the same session.
  // The page's device session (an HttpOnly cookie), used as a bearer token.
  const t = (await b.ctx.cookies()).find((c) => c.name === 'ankang_session').value;
  const self = await declare(srv.base, t, { name: '孙悟空' });
  const fam = await api(srv.base, 'POST', '/declarations', {
    person: { name: '孙小圣', id_type: 'resident_id', id_number: residentId('370102', '20150101', 1), nationality: 'CHN', region: '370102', address: '测试路1号', relation: 'child' },
    health: { temperature: 36.6, symptoms: [], fever_clinic_14d: false }, travel_14d: [], contact_14d: 'none', commitment: true,
  }, t);
  assert.equal(fam.status, 201, JSON.stringify(fam.data));
  await page.reload();
  await page.waitForSelector('#visit-form');
  await page.check('#here-0');
  await page.check('#here-1');
  await page.fill('#temp-0', '36.5');
  await page.fill('#temp-1', '36.8');
  await shot(page, 'visit-form');
  const checkin = page.waitForResponse((r) => r.url().endsWith('/checkins') && r.request().method() === 'POST');
  await page.click('#visit-submit');
  const tokens = (await (await checkin).json()).visits.map((x) => x.code.qr);
  await page.waitForSelector('#visit-done');
  const cards = await page.$$eval('.code-card', (els) => els.map((e) => ({ color: e.dataset.color, svg: !!e.querySelector('svg') })));
  assert.equal(cards.length, 2);
  assert.deepEqual(cards.map((c) => c.color), ['green', 'green']);
  assert.ok(cards.every((c) => c.svg), 'each code card shows the QR card');
  // Each card's QR, drawn in the page from its token, reads back as that token.
  for (let i = 0; i < 2; i++) {
    const png = await page.locator('.code-card .qr').nth(i).screenshot({ path: path.join(ARTIFACTS, `visit-card-${i}.png`) });
    assert.ok(png.length > 0);
    assert.equal(zbar(path.join(ARTIFACTS, `visit-card-${i}.png`)), tokens[i]);
  }
  await shot(page, 'visit-checked-in');
  assert.deepEqual(problems, []);

  // Stored with the time: the admin sees both visits; the manager sees the counts only.
  const admin = await staffToken(srv.base, 'admin');
  const v = await api(srv.base, 'GET', `/admin/venues/${venue.id}/visits`, undefined, admin);
  assert.equal(v.status, 200);
  assert.equal(v.data.visits.length, 2);
  assert.deepEqual(v.data.visits.map((x) => x.temperature).sort(), [36.5, 36.8]);
  assert.ok(v.data.visits.every((x) => Math.abs(Date.parse(x.visited_at) - Date.now()) < 120000));
  assert.ok(!JSON.stringify(v.data).includes('孙悟空'), 'names stay masked');
  const list = await api(srv.base, 'GET', '/venues', undefined, await staffToken(srv.base, 'venue'));
  const mine = list.data.find((x) => x.venue_id === venue.id);
  assert.equal(mine.visits_today, 2);
  assert.ok(!('visits' in mine));
  venue.self = self;
  venue.token = t;
  await page.close();
});

test('the admin finds who was at the venue and marks them as close contacts in one step', async () => {
  assert.ok(venue && venue.self);
  // A bystander who never visited stays green.
  const otherToken = await residentToken(srv.base, '13900139002');
  const other = await declare(srv.base, otherToken, { name: '路人甲' });
  const page = await b.ctx.newPage();
  await page.goto(`${srv.base}/admin#venues`);
  await page.fill('#login-user', 'admin');
  await page.fill('#login-pass', 'ankang-dev');
  await page.click('#login-submit');
  await page.waitForSelector('#venue-select option', { state: 'attached' });
  await page.selectOption('#venue-select', venue.id);
  await page.click('#venue-query');
  await page.waitForSelector('#visit-count');
  assert.match(await page.textContent('#visit-count'), /2 次到访 visits · 2 人 people/);
  page.once('dialog', (d) => d.accept());
  await page.click('#mark-close-contacts');
  await page.waitForFunction(() => /Marked 2/.test(document.querySelector('#venue-msg').textContent));
  assert.match(await page.textContent('#venue-msg'), /recoloured 2/);
  await page.waitForFunction(() => document.querySelectorAll('#visit-table .pill.red').length === 2);
  await shot(page, 'admin-venue-close-contacts');
  const persons = await api(srv.base, 'GET', '/persons', undefined, venue.token);
  assert.deepEqual(persons.data.map((p) => p.code.color), ['red', 'red']);
  const code = await api(srv.base, 'GET', `/persons/${other.person_id}/code`, undefined, otherToken);
  assert.equal(code.data.color, 'green');
  const audit = await api(srv.base, 'GET', '/admin/audit-log?action=venue.close_contacts', undefined, await staffToken(srv.base, 'admin'));
  assert.equal(audit.data.entries.length, 1);
  assert.equal(audit.data.entries[0].actor, 'staff:admin');
  assert.equal(audit.data.entries[0].target, venue.id);
  await page.close();
});

