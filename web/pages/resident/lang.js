// Language binding of the resident page, on the shared DOM helper. Text that
// depends on the language is bound once (data-t = a key of the string table,
// or data-zh / data-en for text that came from the server) and refreshed in
// place by applyLang(), so switching language never rebuilds a form the
// resident is filling in.
import { h, append, clear as emptyNode } from '../../common/dom.js';
import { S } from './strings.js';

let lang = 'zh';
export const getLang = () => lang;
export const setLangValue = (l) => { lang = l; };

// The language to start in: the one the resident chose on this device before
// ('zh' or 'en'), else the browser's first preferred language: Chinese for
// zh-*, English for any other (a visitor's browser in French reads English
// better than Chinese).
export function initialLang(saved, langs = (typeof navigator === 'object' && (navigator.languages || [navigator.language])) || []) {
  if (saved === 'en' || saved === 'zh') return saved;
  const first = String(langs.filter(Boolean)[0] || 'zh').toLowerCase();
  return first.startsWith('zh') ? 'zh' : 'en';
}

// The string for a key in the current language (keys missing in en fall back to zh).
export function t(key) {
  const e = S[key];
  if (!e) return key;
  return (lang === 'en' ? e[1] : e[0]) || e[0];
}
// A {zh, en} pair from the server in the current language.
export const pick = (pair) => (pair ? (lang === 'en' ? pair.en : pair.zh) || pair.zh || pair.en || '' : '');

let uid = 0;
export const nextId = (p) => `${p}${++uid}`;

// The props el() binds to the language; any other goes to h().
const LANG_PROPS = {
  t: (n, key) => setT(n, key),
  bi: (n, pair) => setBi(n, pair),
  tp: (n, key) => { n.dataset.tp = key; n.placeholder = t(key); },
  al: (n, key) => { n.dataset.al = key; n.setAttribute('aria-label', t(key)); },
};

// el('label', {t: 'name', for: 'x'}, child, ...): h() with the language props
// t (string key), bi ({zh,en} pair), tp (placeholder key), al (aria-label key).
export function el(tag, props, ...kids) {
  const plain = {};
  for (const k in props) if (!(k in LANG_PROPS)) plain[k] = props[k];
  const n = h(tag, plain);
  for (const k in LANG_PROPS) if (props && props[k] != null && props[k] !== false) LANG_PROPS[k](n, props[k]);
  return append(n, kids);
}

function unbind(n) {
  delete n.dataset.t;
  delete n.dataset.zh;
  delete n.dataset.en;
  delete n.dataset.fn;
}
export function setT(n, key) {
  unbind(n);
  n.dataset.t = key;
  n.textContent = t(key);
  return n;
}
export function setBi(n, pair) {
  unbind(n);
  n.dataset.zh = pair.zh || '';
  n.dataset.en = pair.en || '';
  n.textContent = pick(pair);
  return n;
}
// Text made by a function of the language (dates, counts): re-run on switch.
const dyn = new WeakMap();
export function setFn(n, fn) {
  unbind(n);
  n.dataset.fn = '';
  dyn.set(n, fn);
  n.textContent = fn();
  return n;
}

export function applyLang(root = document) {
  for (const n of root.querySelectorAll('[data-t]')) n.textContent = t(n.dataset.t);
  for (const n of root.querySelectorAll('[data-zh]')) n.textContent = lang === 'en' ? n.dataset.en || n.dataset.zh : n.dataset.zh;
  for (const n of root.querySelectorAll('[data-tp]')) n.placeholder = t(n.dataset.tp);
  for (const n of root.querySelectorAll('[data-al]')) n.setAttribute('aria-label', t(n.dataset.al));
  for (const n of root.querySelectorAll('[data-fn]')) { const f = dyn.get(n); if (f) n.textContent = f(); }
}

// Empties n and drops its binding, so applyLang() leaves what is put there next alone.
export const clear = (n) => { unbind(n); return emptyNode(n); };
export const show = (n, on = true) => { n.hidden = !on; return n; };
