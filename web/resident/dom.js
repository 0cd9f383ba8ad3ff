// Tiny DOM helpers for the resident page. Text that depends on the language
// is bound once (data-t = a key of the string table, or data-zh / data-en for
// text that came from the server) and refreshed in place by applyLang(), so
// switching language never rebuilds a form the resident is filling in.
import { S } from './strings.js';

let lang = 'zh';
export const getLang = () => lang;
export const setLangValue = (l) => { lang = l; };

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

// el('label', {t: 'name', for: 'x'}, child, ...). Special props: t (string key),
// bi ({zh,en} pair), class, on<Event> handlers, tp (placeholder key), al (aria-label key).
export function el(tag, props, ...kids) {
  const n = document.createElement(tag);
  if (props) {
    for (const k in props) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k === 't') setT(n, v);
      else if (k === 'bi') setBi(n, v);
      else if (k === 'tp') { n.dataset.tp = v; n.placeholder = t(v); }
      else if (k === 'al') { n.dataset.al = v; n.setAttribute('aria-label', t(v)); }
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else if (k === 'class') n.className = v;
      else if (k in n && k !== 'list' && k !== 'form') n[k] = v;
      else n.setAttribute(k, v === true ? '' : v);
    }
  }
  add(n, kids);
  return n;
}

function add(n, kids) {
  for (const c of kids) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) add(n, c);
    else n.append(c.nodeType ? c : document.createTextNode(String(c)));
  }
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

export const $ = (sel, root = document) => root.querySelector(sel);
export const clear = (n) => { unbind(n); n.textContent = ''; return n; };
export const show = (n, on = true) => { n.hidden = !on; return n; };
