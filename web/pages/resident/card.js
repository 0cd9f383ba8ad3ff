// The code card (SPEC §4): big colour with the colour in words, the QR drawn
// here from the signed token text (common/qr.js), masked name, a live clock
// and a moving stripe (a screenshot is recognisable), validity, reasons and
// advice, streak and next step, and an "offline since" mark.
import { el, t, setBi, setFn, pick } from './lang.js';
import { qrMatrix, qrSvg, fitQr } from '../../common/qr.js';
import { relang } from './widgets.js';
import { colorBadge, colorWords, showTime, clockText, isPast, learnOffset } from './util.js';

// Returns {el, update(code), offline(sinceText|null), stop()}.
export function codeCard() {
  const title = el('h2', { class: 'who', tabIndex: -1 });
  const badge = el('div', { class: 'band' });
  const stripe = el('div', { class: 'stripe', 'aria-hidden': 'true' }, el('span'));
  const qr = el('div', { class: 'qr', role: 'img' });
  const clock = el('p', { class: 'clock' }, el('span', { class: 'sr', t: 'live_clock' }), el('time'));
  const valid = el('p', { class: 'valid' });
  const offline = el('p', { class: 'offline', role: 'status', hidden: true });
  const reasons = el('ul', { class: 'reasons' });
  const advice = el('p', { class: 'advice' });
  const streak = el('p', { class: 'streak' });
  const next = el('p', { class: 'next' });
  const announce = el('p', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const root = el('section', { class: 'card', 'aria-labelledby': 'card-title' },
    title, badge, stripe, qr, clock, valid, offline,
    el('div', { class: 'why' }, el('h3', { t: 'reasons' }), reasons, el('h3', { t: 'advice' }), advice),
    streak, next, announce);
  title.id = 'card-title';

  const tick = () => { clock.lastChild.textContent = clockText(); };
  tick();
  const timer = setInterval(tick, 1000);
  let last = '';
  // The QR is encoded again only when the token or the colour changes; a new
  // width (rotation, large text) only resizes it.
  let drawn = '';
  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => fitQr(qr)) : null;
  if (resize) resize.observe(qr);

  function update(code) {
    learnOffset(code.issued_at || code.valid_until);
    const color = code.color || 'gray';
    root.className = `card c-${color}`;
    root.dataset.color = color;
    setFn(title, () => t('code_of').replace('{name}', code.name_masked || ''));
    badge.textContent = '';
    badge.append(colorBadge(color));
    if (`${code.qr}|${color}` !== drawn) {
      drawn = `${code.qr}|${color}`;
      qr.innerHTML = qrSvg(qrMatrix(code.qr), color);  // our own markup: no text from outside in it
      fitQr(qr);
    }
    qrLabel = () => t('qr_label').replace('{color}', colorWords(color));
    qr.setAttribute('aria-label', qrLabel());
    setFn(valid, () => (isPast(code.valid_until) ? t('expired') : t('valid_until').replace('{t}', showTime(code.valid_until))));
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
  let qrLabel = null;
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
