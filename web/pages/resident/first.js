// The resident page's first paint: before index.js (about 90 KB, which a slow
// phone takes most of a second to compile) has loaded, draws the code kept on
// the device — masked name, colour, QR and a live clock — so a returning
// resident at a gate sees a scannable code at once, in a new tab too. It draws
// only what the kept card of the signed-in account holds (card.js firstPaint:
// the QR matrices of the current code's screen token and offline code) and
// only a QR whose token is valid for 15 s more; otherwise nothing. index.js
// replaces it with the full card as soon as it runs.
//
// It also loads index.js, after the browser has had a frame to paint the kept
// code: compiling index.js holds the page's only thread, and loaded by the
// HTML right behind this script it would run before any paint.
import { qrSvg, fitQr } from '../../common/qr_svg.js';

const COLORS = {
  green: ['绿码', 'Green'], yellow: ['黄码', 'Yellow'], red: ['红码', 'Red'], gray: ['灰码', 'Gray'],
};

function read(key) {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
}

// A kept matrix as qrSvg takes it, or null when it is not one.
function matrix(q) {
  if (!q || !Number.isInteger(q.size) || q.size < 21 || q.size > 177) return null;
  if (typeof q.bits !== 'string' || q.bits.length !== q.size * q.size || /[^01]/.test(q.bits)) return null;
  return { size: q.size, bits: q.bits };
}

function firstPaint() {
  // A tab with a session of its own (a bearer token in sessionStorage) is
  // someone the kept card may not belong to: index.js decides there.
  try {
    if (sessionStorage.getItem('ankang.session')) return;
  } catch { return; }
  const session = read('ankang.session');
  const card = read('ankang.card');
  const f = read('ankang.first');
  // Only the device session's own account, known by its id.
  if (!session || !session.account_id || !card || !f || card.account_id !== session.account_id) return;
  if (!Array.isArray(card.persons) || !card.persons.some((p) => p && p.person_id === f.person_id)) return;
  const main = document.getElementById('main');
  if (!main) return;
  const now = () => Date.now() + (Number(card.skew) || 0);
  const usable = (q) => q && Date.parse(q.exp || '') - now() > 15000 && matrix(q);
  const tok = usable(f.screen) ? f.screen : usable(f.offline) ? f.offline : null;
  if (!tok) return;
  const color = Object.prototype.hasOwnProperty.call(COLORS, f.color) ? f.color : 'gray';
  const en = (read('ankang.prefs') || {}).lang === 'en';
  const words = COLORS[color];

  const make = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };
  const section = make('section', `card c-${color}`);
  section.dataset.color = color;
  section.dataset.first = '1';  // replaced by the full card when index.js runs
  section.setAttribute('aria-label', en ? `Health code: ${words[1]}` : `健康码：${words[0]}`);
  section.append(make('h2', 'who', String(f.name_masked || '')));
  const band = make('div', 'band');
  const badge = make('p', `badge c-${color}`);
  badge.append(make('span', 'sw'), make('strong', null, en ? words[1] : words[0]));
  band.append(badge);
  const stripe = make('div', 'stripe');
  stripe.setAttribute('aria-hidden', 'true');
  stripe.append(make('span'));
  const qr = make('div', 'qr');
  qr.setAttribute('role', 'img');
  qr.setAttribute('aria-label', en ? `QR code, ${words[1]}` : `二维码，${words[0]}`);
  qr.innerHTML = qrSvg(matrix(tok), color);  // our own markup from a checked matrix of 0s and 1s
  qr.dataset.token = tok === f.screen ? 'screen' : 'offline';
  const clock = make('p', 'clock');
  const time = make('time');
  clock.append(time);
  section.append(band, stripe, qr, clock);
  main.replaceChildren(section);
  fitQr(qr);
  const pad = (n) => String(n).padStart(2, '0');
  const tick = () => {
    if (!section.isConnected) return clearInterval(timer);
    const d = new Date(now());
    time.textContent = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    if (!usable(tok)) qr.replaceChildren();  // never a QR past its validity
  };
  const timer = setInterval(tick, 1000);
  tick();
}

try {
  firstPaint();
} catch { /* nothing kept, or something odd in it: index.js shows what there is */ }

let loading = false;
function loadPage() {
  if (loading) return;
  loading = true;
  const s = document.createElement('script');
  s.src = 'index.js';
  document.head.append(s);
}
// After the next paint; a tab in the background gets no frames, so at the
// latest after 100 ms.
requestAnimationFrame(() => setTimeout(loadPage, 0));
setTimeout(loadPage, 100);
