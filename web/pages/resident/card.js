// The code card (SPEC §4): big colour with the colour in words, the QR drawn
// here from the signed token text (common/qr.js), masked name, a live clock
// and a moving stripe (a screenshot is recognisable), validity, reasons and
// advice, streak and next step, and an "offline since" mark.
//
// Which QR: the screen token while it is valid (the page refreshes it every
// minute online); once it has run out (no network), the offline code kept
// beside it, with the time of its data and its own validity; when that has
// run out too, or is of another colour than the code, no QR at all. The card
// never shows a QR that a verifier would refuse, nor a validity its QR lacks.
// Times are the server's (serverNow).
import { el, t, setT, setBi, setFn, pick } from './lang.js';
import { qrMatrix, qrSvg, fitQr } from '../../common/qr.js';
import { relang } from './widgets.js';
import { colorBadge, colorWords, showTime, clockText, isPast, learnOffset, hhmm } from './util.js';
import { serverNow } from './server.js';
import { saveFirst } from './store.js';

// A token this close to its expiry is not shown: a scan takes a moment.
const MARGIN_MS = 15000;

// Which token a code shows at `now` (ms, server time): {kind: 'screen' |
// 'offline' | 'none', qr, expires_at}.
export function tokenToShow(code, now) {
  const left = (iso) => Date.parse(iso || '') - now;
  if (code.qr && left(code.qr_expires_at) > MARGIN_MS) return { kind: 'screen', qr: code.qr, expires_at: code.qr_expires_at };
  const off = code.offline_code;
  if (off && off.qr && off.color === code.color && left(off.expires_at) > MARGIN_MS) {
    return { kind: 'offline', qr: off.qr, expires_at: off.expires_at, data_at: off.issued_at };
  }
  return { kind: 'none' };
}

// What first.js draws at the next opening before the page's script has
// loaded: the code's QR matrices (screen token and offline code), never more
// than the kept card holds.
function firstPaint(code) {
  const m = (text) => qrMatrix(text) || {};
  const off = code.offline_code;
  return {
    person_id: code.person_id,
    name_masked: code.name_masked || '',
    color: code.color || 'gray',
    screen: code.qr ? { exp: code.qr_expires_at, ...m(code.qr) } : null,
    offline: off && off.qr && off.color === code.color
      ? { exp: off.expires_at, data_at: off.issued_at, ...m(off.qr) } : null,
  };
}

// "3 小时前" / "3 h ago" for a past moment.
function ago(iso) {
  const min = Math.max(0, Math.round((serverNow() - Date.parse(iso)) / 60000));
  if (min < 1) return t('ago_now');
  if (min < 90) return t('ago_min').replace('{n}', min);
  return t('ago_h').replace('{n}', Math.round(min / 60));
}

// Returns {el, update(code), offline(sinceText|null), stop()}.
export function codeCard() {
  const title = el('h2', { class: 'who', tabIndex: -1 });
  const badge = el('div', { class: 'band' });
  const stripe = el('div', { class: 'stripe', 'aria-hidden': 'true' }, el('span'));
  const qr = el('div', { class: 'qr', role: 'img' });
  const qrNote = el('p', { class: 'qrnote', hidden: true });
  const clock = el('p', { class: 'clock' }, el('span', { class: 'sr', t: 'live_clock' }), el('time'));
  const valid = el('p', { class: 'valid' });
  const offline = el('p', { class: 'offline', role: 'status', hidden: true });
  const reasons = el('ul', { class: 'reasons' });
  const advice = el('p', { class: 'advice' });
  const streak = el('p', { class: 'streak' });
  const next = el('p', { class: 'next' });
  const announce = el('p', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const root = el('section', { class: 'card', 'aria-labelledby': 'card-title' },
    title, badge, stripe, qr, qrNote, clock, valid, offline,
    el('div', { class: 'why' }, el('h3', { t: 'reasons' }), reasons, el('h3', { t: 'advice' }), advice),
    streak, next, announce);
  title.id = 'card-title';

  let code = null;
  let last = '';
  // The QR is encoded again only when the token or the colour changes; a new
  // width (rotation, large text) only resizes it.
  let drawn = '';
  let qrLabel = null;
  let noteFn = null;  // the offline code's note, while one is shown
  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => fitQr(qr)) : null;
  if (resize) resize.observe(qr);

  // Draws the token the code shows now, and the validity of that token.
  function showToken() {
    if (!code) return;
    const color = code.color || 'gray';
    const tok = tokenToShow(code, serverNow());
    const key = `${tok.kind}|${tok.qr || ''}|${color}`;
    if (key === drawn) return;
    drawn = key;
    qr.dataset.token = tok.kind;
    root.dataset.token = tok.kind;
    if (tok.qr) {
      qr.hidden = false;
      qr.innerHTML = qrSvg(qrMatrix(tok.qr), color);  // our own markup: no text from outside in it
      qr.dataset.qr = tok.qr;
      fitQr(qr);
    } else {
      qr.innerHTML = '';
      qr.hidden = true;
      delete qr.dataset.qr;
    }
    qrNote.hidden = tok.kind === 'screen';
    noteFn = null;
    if (tok.kind === 'offline') {
      noteFn = () => t('offline_code').replace('{t}', hhmm(Date.parse(tok.data_at))).replace('{ago}', ago(tok.data_at));
      setFn(qrNote, noteFn);
      setFn(valid, () => t('offline_valid_until').replace('{t}', showTime(tok.expires_at)));
    } else if (tok.kind === 'none') {
      setT(qrNote, 'qr_gone');
      setFn(valid, () => t('qr_gone_valid'));
    } else {
      setFn(valid, () => (isPast(code.valid_until) ? t('expired') : t('valid_until').replace('{t}', showTime(code.valid_until))));
    }
    qrLabel = () => t('qr_label').replace('{color}', colorWords(color)) + (tok.kind === 'offline' ? ` · ${t('offline_code_short')}` : '');
    qr.setAttribute('aria-label', qrLabel());
  }

  const tick = () => {
    clock.lastChild.textContent = clockText();
    showToken();
    if (noteFn) qrNote.textContent = noteFn();  // an offline code's data age moves on
  };
  const timer = setInterval(tick, 1000);

  function update(c) {
    code = c;
    learnOffset(code.issued_at || code.valid_until);
    const color = code.color || 'gray';
    root.className = `card c-${color}`;
    root.dataset.color = color;
    setFn(title, () => t('code_of').replace('{name}', code.name_masked || ''));
    badge.textContent = '';
    badge.append(colorBadge(color));
    drawn = '';
    showToken();
    saveFirst(firstPaint(code));
    reasons.textContent = '';
    for (const r of code.reasons || []) reasons.append(setBi(el('li', { 'data-rule': r.rule }), r));
    if (!(code.reasons || []).length) reasons.append(el('li', { t: 'no_reasons' }));
    if (code.advice) setBi(advice, code.advice); else advice.textContent = '';
    setFn(streak, () => t('streak').replace('{n}', code.streak || 0));
    const ns = code.next_step && pick(code.next_step);
    next.hidden = !ns;
    if (ns) setBi(next, code.next_step);
    // Announce the colour when it is first shown or changes, not on every refresh.
    const key = `${code.person_id}|${color}`;
    if (key !== last) {
      last = key;
      setFn(announce, () => `${t('code_of').replace('{name}', code.name_masked || '')}：${colorWords(color)}`);
    }
  }
  tick();
  function relabel() {
    if (!root.isConnected) return relang.delete(relabel);
    if (qrLabel) qr.setAttribute('aria-label', qrLabel());
  }
  relang.add(relabel);

  return {
    el: root,
    update,
    offline(sinceText) {
      offline.hidden = !sinceText;
      if (sinceText) setFn(offline, () => t('offline_since').replace('{t}', sinceText));
    },
    stop() {
      clearInterval(timer);
      if (resize) resize.disconnect();
    },
  };
}
