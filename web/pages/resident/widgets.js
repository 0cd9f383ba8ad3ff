// Form building blocks shared by the declaration, check-in, edit and appeal
// views: labelled fields with their error slot, region pickers, country
// selects, symptom checkboxes, and the error display; the resend countdown of
// the log-in and the network state bar in the page's language.
import { residentClient } from '../../common/api.js';
import { countdown, retryAfter, RESEND_SECONDS } from '../../common/countdown.js';
import { netBar } from '../../common/netstate.js';
import { el, nextId, setBi, setFn, setT, getLang, t } from './lang.js';
import { regions, regionChain } from './regions.js';
import { COUNTRIES, countryName } from './countries.js';

// The bar that shows the network state (slow, trying again, offline, with
// "try again"). Trying again wakes what waits for the network: the card
// refreshes its code and the offline card looks for the server (both listen
// to the window's "online" event); a form is sent again by its own button.
export function networkBar() {
  residentClient.onRetry(() => window.dispatchEvent(new Event('online')));
  return netBar(residentClient, { text: t, relang });
}

// Holds the "get code" button for the server's one-code-a-minute (or a 429
// answer's Retry-After), counting down on it. Returns true.
export function resendWait(button, res) {
  countdown(button, res ? retryAfter(res) : RESEND_SECONDS, (b, left) => {
    if (left) setFn(b, () => t('resend_in').replace('{n}', left));
    else setT(b, 'resend');
  });
  return true;
}

// A labelled field. Returns {wrap, control, err, key}. The error slot is tied to
// the control by aria-describedby so screen readers read it with the field.
export function field(key, labelKey, control, hintKey) {
  const id = control.id || (control.id = nextId('f'));
  const err = el('p', { class: 'err', id: `${id}-err`, hidden: true });
  const hint = hintKey ? el('p', { class: 'hint', id: `${id}-hint`, t: hintKey }) : null;
  control.setAttribute('aria-describedby', [hint && hint.id, err.id].filter(Boolean).join(' '));
  const wrap = el('div', { class: 'field' }, el('label', { for: id, t: labelKey }), hint, control, err);
  return { wrap, control, err, key };
}

// A group of controls under a legend (radios, checkboxes, pickers).
export function group(key, legendKey, body, hintKey) {
  const err = el('p', { class: 'err', id: nextId('e'), hidden: true });
  const hint = hintKey ? el('p', { class: 'hint', t: hintKey }) : null;
  const wrap = el('fieldset', { class: 'field', 'aria-describedby': err.id }, el('legend', { t: legendKey }), hint, body, err);
  return { wrap, control: wrap.querySelector('input,select,textarea') || wrap, err, key };
}

export function input(props) {
  return el('input', { type: 'text', ...props });
}

export function select(options, props) {
  // options: [[value, key-or-pair-or-fn]]
  const s = el('select', props);
  for (const [v, label] of options) s.append(option(v, label));
  return s;
}
function option(v, label) {
  const o = el('option', { value: v });
  if (typeof label === 'function') setFn(o, label);
  else if (typeof label === 'object') setBi(o, label);
  else setT(o, label);
  return o;
}

export function radios(name, options, value) {
  return el('div', { class: 'choices' }, options.map(([v, key]) => el('label', { class: 'choice' },
    el('input', { type: 'radio', name, value: v, checked: v === value }), el('span', { t: key }))));
}
export const radioValue = (root, name) => {
  const r = root.querySelector(`input[name="${name}"]:checked`);
  return r ? r.value : undefined;
};

export const SYMPTOMS = ['fever', 'dry_cough', 'fatigue', 'shortness_of_breath', 'sore_throat', 'diarrhea',
  'conjunctivitis', 'loss_of_smell'];

// Symptom checkboxes with a "none" box that excludes the others.
export function symptomBoxes(name) {
  const box = (v, key, checked) => el('label', { class: 'choice' },
    el('input', { type: 'checkbox', name, value: v, checked }), el('span', { t: key }));
  const wrap = el('div', { class: 'choices' }, box('none', 'sym_none', true), SYMPTOMS.map((s) => box(s, `sym_${s}`, false)));
  wrap.addEventListener('change', (e) => {
    if (e.target.value === 'none' && e.target.checked) {
      for (const c of wrap.querySelectorAll('input')) if (c.value !== 'none') c.checked = false;
    } else if (e.target.checked) {
      wrap.querySelector('input[value="none"]').checked = false;
    }
  });
  return wrap;
}
export const symptomValues = (root, name) =>
  [...root.querySelectorAll(`input[name="${name}"]:checked`)].map((c) => c.value).filter((v) => v !== 'none');

// Country select (ISO 3166-1 alpha-3), names from the browser, sorted in the
// current language, China first.
export function countrySelect(props, value = 'CHN') {
  const s = el('select', props);
  const fill = () => {
    const cur = s.value || value;
    const lang = getLang();
    const coll = new Intl.Collator(lang === 'en' ? 'en' : 'zh-CN');
    const list = COUNTRIES.map(([a3]) => [a3, countryName(a3, lang)]).sort((a, b) => coll.compare(a[1], b[1]));
    s.textContent = '';
    s.append(el('option', { value: 'CHN' }, countryName('CHN', lang)));
    for (const [a3, n] of list) if (a3 !== 'CHN') s.append(el('option', { value: a3 }, n));
    s.value = cur;
  };
  fill();
  const again = () => (s.isConnected ? fill() : relang.delete(again));
  relang.add(again);
  return s;
}
// Callbacks run after a language switch (things applyLang cannot patch in place).
export const relang = new Set();

// Province -> city -> county pickers. value() is the deepest chosen code ("" if none).
export function regionPicker(idBase, onChange) {
  const mk = (k) => el('select', { id: `${idBase}-${k}` });
  const sels = [mk('province'), mk('city'), mk('county')];
  const labels = ['province', 'city', 'county'];
  const wrap = el('div', { class: 'region' }, sels.map((s, i) => el('label', { class: 'sub' }, el('span', { t: labels[i] }), s)));
  const parents = [null, null, null];
  async function fill(i, parent, want) {
    const s = sels[i];
    parents[i] = parent;
    const list = parent === null ? [] : await regions(parent, getLang());
    s.textContent = '';
    s.append(el('option', { value: '', t: 'choose' }));
    for (const r of list) s.append(el('option', { value: r.code }, r.name));
    s.disabled = list.length === 0;
    s.closest('label').hidden = i > 0 && list.length === 0 && parent !== null;
    if (want) s.value = want;
  }
  sels.forEach((s, i) => s.addEventListener('change', async () => {
    if (i < 2) {
      await fill(i + 1, s.value || null);
      if (i === 0) await fill(2, null);
    }
    onChange && onChange();
  }));
  const ready = fill(0, '').then(() => Promise.all([fill(1, null), fill(2, null)]));
  // The names follow a language switch; the chosen codes stay.
  const again = () => {
    if (!wrap.isConnected) return relang.delete(again);
    sels.forEach((s, i) => fill(i, parents[i], s.value));
  };
  relang.add(again);
  return {
    wrap,
    first: sels[0],
    ready,
    value() {
      for (let i = 2; i >= 0; i--) if (sels[i].value) return sels[i].value;
      return '';
    },
    async set(code) {
      await ready;
      const chain = regionChain(code);
      if (!chain.length) return;
      sels[0].value = chain[0];
      await fill(1, chain[0], chain[1]);
      await fill(2, chain[1] || null, chain[2]);
    },
  };
}

// Shows field errors [{field, code, message_zh, message_en} or {field, message}]
// next to the fields of `fields` (key -> field). Errors for fields not on the
// form go to `general`. Returns the controls with errors, in form order.
export function showErrors(fields, general, errors) {
  for (const f of Object.values(fields)) setError(f, null);
  general.textContent = '';
  general.hidden = true;
  const bad = [];
  for (const e of errors) {
    const pair = e.message_zh || e.message_en ? { zh: e.message_zh || e.message_en, en: e.message_en || e.message_zh }
      : { zh: e.message || e.code, en: e.message || e.code };
    const f = fields[e.field] || fields[bestPrefix(fields, e.field)];
    if (f) {
      if (!f.err.hidden) {
        f.err.append(' ', setBi(el('span'), pair));
      } else setError(f, pair);
      bad.push(f);
    } else {
      general.hidden = false;
      general.append(el('li', null, setBi(el('span'), pair)));
    }
  }
  return bad;
}
function bestPrefix(fields, name) {
  let best = '';
  for (const k in fields) if (name && name.startsWith(k) && k.length > best.length) best = k;
  return best;
}
export function setError(f, pair) {
  f.err.textContent = '';
  f.err.hidden = !pair;
  f.wrap.classList.toggle('bad', !!pair);
  const ctl = f.control;
  if (pair) {
    f.err.append(setBi(el('span'), pair));
    ctl.setAttribute('aria-invalid', 'true');
  } else ctl.removeAttribute('aria-invalid');
}
