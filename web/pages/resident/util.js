// Time and colour helpers. Times are shown in the server's time zone (the
// offset of the last ISO time it sent, +08:00 by default), as the server counts days.
import { colorWord } from '../../common/colors.js';
import { el, t, pick, getLang } from './lang.js';
import { serverNow } from './server.js';

let offsetMin = 480;
export function learnOffset(iso) {
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso || '');
  if (m) offsetMin = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  else if (/Z$/.test(iso || '')) offsetMin = 0;
}
const pad = (n) => String(n).padStart(2, '0');
function offsetText() {
  const a = Math.abs(offsetMin);
  return `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
// Server-local wall time of a moment in ms, as an ISO string without the offset.
const wall = (ms) => new Date(ms + offsetMin * 60000).toISOString().slice(0, 19);

export const isoNow = () => `${wall(serverNow())}${offsetText()}`;
export const todayIso = () => wall(serverNow()).slice(0, 10);
export const clockText = () => wall(serverNow()).replace('T', ' ');
export const hhmm = (ms = serverNow()) => wall(ms).slice(11, 16);

// "2026-12-05T08:00:00+08:00" -> "2026-12-05 08:00" in the server's zone.
export function showTime(iso) {
  const ms = Date.parse(iso || '');
  if (Number.isNaN(ms)) return iso || '';
  return wall(ms).slice(0, 16).replace('T', ' ');
}
export const isPast = (iso) => Date.parse(iso) < serverNow();

// Colour in words and as a swatch; the words are what screen readers read.
export function colorBadge(color) {
  return el('p', { class: `badge c-${color}` }, el('span', { class: 'sw', 'aria-hidden': 'true' }),
    el('strong', { bi: colorWord(color) }), ' ', el('span', { class: 'cw', t: `cw_${color}` }));
}
export const colorWords = (color) => `${pick(colorWord(color))}${getLang() === 'en' ? '. ' : '，'}${t(`cw_${color}`)}`;
