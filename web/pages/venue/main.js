// /venue: the venue manager (场所). Registers a place, shows its venue code
// (场所码: a QR of the URL /v/{venue_id}) as a printable SVG poster, and the
// place's own visit counts, nothing about the visitors. The place's region is
// found by its name (or typed as its 6-digit GB/T 2260 code).
import { staffClient, fetchWithTimeout } from '../../common/api.js';
import { h, $, clear } from '../../common/dom.js';
import { bi, requireStaff, staffHeader, errorText, labelledTable } from '../../common/staff.js';

const { api } = staffClient;
const root = $('#app');

// Every division as {code, text: "山东省 济南市 历下区"}, from the region-name
// files web/build.mjs writes for the resident page (loaded on first search).
let allRegions = null;
function regionList() {
  if (!allRegions) {
    const get = (f) => fetchWithTimeout(`/regions/${f}.json`, {}, 15000).then((r) => (r.ok ? r.json() : []));
    allRegions = get('index').then(async (provinces) => {
      const out = [];
      const files = await Promise.all(provinces.map(([pp]) => get(pp).catch(() => [])));
      provinces.forEach(([pp, pname], i) => {
        out.push({ code: `${pp}0000`, text: pname });
        for (const [cc, cname, counties] of files[i]) {
          out.push({ code: `${pp}${cc}00`, text: `${pname} ${cname}` });
          for (const [aa, aname] of counties) out.push({ code: `${pp}${cc}${aa}`, text: `${pname} ${cname} ${aname}` });
        }
      });
      return out;
    }).catch(() => { allRegions = null; return []; });
  }
  return allRegions;
}

// A text field where a region is found by name ("历下", "济南") or code; the
// matches are buttons below it. value() is the chosen code, or the typed code.
function regionSearch(id) {
  const input = h('input', { id, required: true, autocomplete: 'off', placeholder: '历下 / 370102', 'aria-describedby': `${id}-hint ${id}-chosen`, 'aria-controls': `${id}-matches` });
  const chosenText = h('p', { class: 'muted', id: `${id}-chosen`, 'aria-live': 'polite' });
  const matches = h('ul', { class: 'matches', id: `${id}-matches` });
  let chosen = null;
  let seq = 0;
  async function search() {
    const q = input.value.trim();
    const mine = ++seq;
    if (chosen && q !== chosen.text) { chosen = null; chosenText.textContent = ''; }
    clear(matches);
    if (!q || chosen) return;
    const list = await regionList();
    if (mine !== seq) return;
    const words = q.split(/\s+/);
    const hits = list.filter((r) => words.every((w) => r.text.includes(w) || r.code.startsWith(w))).slice(0, 8);
    if (!hits.length) { matches.append(h('li', { class: 'muted' }, bi('没有找到这个地区', 'No region of that name'))); return; }
    for (const r of hits) {
      matches.append(h('li', null, h('button', { type: 'button', class: 'match', 'data-code': r.code, onclick: () => choose(r) }, `${r.text} · ${r.code}`)));
    }
  }
  function choose(r) {
    chosen = r;
    input.value = r.text;
    clear(matches);
    chosenText.textContent = `已选 Chosen: ${r.text} (${r.code})`;
  }
  input.addEventListener('input', search);
  return {
    input,
    nodes: [input, h('p', { class: 'muted', id: `${id}-hint` }, bi('输入地区名称（如“历下”）后在列表中选择，或直接输入6位行政区划代码', 'Type the name (e.g. "Lixia" in Chinese: 历下) and pick it from the list, or type the 6-digit code')), matches, chosenText],
    value: () => (chosen ? chosen.code : input.value.trim()),
    reset() { chosen = null; chosenText.textContent = ''; clear(matches); },
  };
}

function startApp(sess) {
  const msg = h('p', { id: 'venue-msg', role: 'status' });
  const name = h('input', { id: 'venue-name', required: true, maxlength: 60 });
  const region = regionSearch('venue-region');
  const address = h('input', { id: 'venue-address', maxlength: 120, style: { width: '100%' } });
  const list = h('div', { id: 'venues' });
  const poster = h('div', { class: 'poster', id: 'poster' });
  const form = h('form', { class: 'card', id: 'venue-form' },
    h('h2', null, bi('登记场所', 'Register a place')),
    h('label', { for: 'venue-name' }, bi('场所名称', 'Name')), name,
    h('label', { for: 'venue-region' }, bi('所在地区', 'Region')), region.nodes,
    h('label', { for: 'venue-address' }, bi('地址', 'Address')), address,
    h('p', null, h('button', { type: 'submit', class: 'primary', id: 'venue-create' }, bi('登记并生成场所码', 'Register and make the venue code'))),
    msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api('POST', '/venues', { name: name.value.trim(), region: region.value(), address: address.value.trim() });
    if (r.status !== 201) { msg.className = 'error'; msg.textContent = errorText(r); return; }
    msg.className = 'ok';
    msg.textContent = `已登记 Registered: ${r.data.name} (${r.data.venue_id})`;
    form.reset();
    region.reset();
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
    list.append(labelledTable('venue-table', ['场所 Place', '地区 Region', '今日到访 Visits today', '累计 Total', ''],
      items.map((v) => h('tr', { 'data-venue': v.venue_id },
        h('td', null, v.name, h('div', { class: 'muted' }, v.address || '')),
        h('td', null, v.region_name || v.region),
        h('td', { class: 'visits-today' }, String(v.visits_today ?? 0)),
        h('td', { class: 'visits-total' }, String(v.visits_total ?? 0)),
        h('td', null, h('button', { type: 'button', class: 'show-poster', onclick: () => showPoster(v) }, bi('场所码', 'Venue code')))))));
  }

  root.append(staffHeader('场所码 Venue codes', sess),
    h('main', null, form, h('section', { class: 'card' }, h('h2', null, bi('我的场所', 'My places')), list), poster));
  load();
  staffClient.onRetry(load);  // "try again" on the network bar
}

requireStaff(root, ['venue', 'admin'], startApp);
