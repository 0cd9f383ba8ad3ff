// /venue: the venue manager (场所). Registers a place, shows its venue code
// (场所码: a QR of the URL /v/{venue_id}) as a printable SVG poster, and the
// place's own visit counts, nothing about the visitors.
import { staffClient } from '../../common/api.js';
import { h, $, clear } from '../../common/dom.js';
import { bi, requireStaff, staffHeader, errorText } from '../../common/staff.js';

const { api } = staffClient;
const root = $('#app');

function startApp(sess) {
  const msg = h('p', { id: 'venue-msg', role: 'status' });
  const name = h('input', { id: 'venue-name', required: true, maxlength: 60 });
  const region = h('input', { id: 'venue-region', required: true, pattern: '[0-9]{6}', inputmode: 'numeric', placeholder: '370102', class: 'narrow' });
  const address = h('input', { id: 'venue-address', maxlength: 120, style: { width: '100%' } });
  const list = h('div', { id: 'venues' });
  const poster = h('div', { class: 'poster', id: 'poster' });
  const form = h('form', { class: 'card', id: 'venue-form' },
    h('h2', null, bi('登记场所', 'Register a place')),
    h('label', { for: 'venue-name' }, bi('场所名称', 'Name')), name,
    h('label', { for: 'venue-region' }, bi('行政区划代码', 'Region code (GB/T 2260)')), region,
    h('label', { for: 'venue-address' }, bi('地址', 'Address')), address,
    h('p', null, h('button', { type: 'submit', class: 'primary', id: 'venue-create' }, bi('登记并生成场所码', 'Register and make the venue code'))),
    msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api('POST', '/venues', { name: name.value.trim(), region: region.value.trim(), address: address.value.trim() });
    if (r.status !== 201) { msg.className = 'error'; msg.textContent = errorText(r); return; }
    msg.className = 'ok';
    msg.textContent = `已登记 Registered: ${r.data.name} (${r.data.venue_id})`;
    form.reset();
    await load();
    showPoster(r.data);
  });

  async function showPoster(v) {
    clear(poster);
    const r = await api('GET', `/venues/${encodeURIComponent(v.venue_id)}/poster`, undefined, { text: true });
    if (r.status !== 200) { poster.append(h('p', { class: 'error' }, errorText(r))); return; }
    const url = URL.createObjectURL(new Blob([r.data], { type: 'image/svg+xml' }));
    poster.append(h('h2', null, bi('场所码海报', 'Venue code poster'), ` · ${v.name}`),
      h('img', { src: url, alt: `venue code of ${v.name}`, id: 'poster-img' }),
      h('p', null,
        h('a', { href: url, download: `venue-${v.venue_id}.svg`, id: 'poster-download' }, bi('下载 SVG', 'Download SVG')), ' · ',
        h('button', { type: 'button', onclick: () => { const w = window.open(url); if (w) w.addEventListener('load', () => w.print()); } }, bi('打印', 'Print'))));
  }

  async function load() {
    const r = await api('GET', '/venues');
    clear(list);
    if (r.status !== 200) { list.append(h('p', { class: 'error' }, errorText(r))); return; }
    const items = Array.isArray(r.data) ? r.data : (r.data && r.data.venues) || [];
    if (!items.length) { list.append(h('p', { class: 'muted' }, bi('还没有场所', 'No places yet'))); return; }
    list.append(h('table', { id: 'venue-table' },
      h('thead', null, h('tr', null, ['场所 Place', '地区 Region', '今日到访 Visits today', '累计 Total', ''].map((t) => h('th', null, t)))),
      h('tbody', null, items.map((v) => h('tr', { 'data-venue': v.venue_id },
        h('td', null, v.name, h('div', { class: 'muted' }, v.address || '')),
        h('td', null, v.region_name || v.region),
        h('td', { class: 'visits-today' }, String(v.visits_today ?? 0)),
        h('td', { class: 'visits-total' }, String(v.visits_total ?? 0)),
        h('td', null, h('button', { type: 'button', class: 'show-poster', onclick: () => showPoster(v) }, bi('场所码', 'Venue code'))))))));
  }

  root.append(staffHeader('场所码 Venue codes', sess),
    h('main', null, form, h('section', { class: 'card' }, h('h2', null, bi('我的场所', 'My places')), list), poster));
  load();
}

requireStaff(root, ['venue', 'admin'], startApp);
