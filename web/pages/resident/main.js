// The resident mini-page at "/": login, declaration, the code card, daily
// check-in, family, edit, appeal and the paper code; join requests, guardians,
// ID claims and signed-in devices are in consent.js. One page, no routing:
// nothing about the person ever appears in the URL.
//
// Signed in until signed out: the session is a device session in the
// server's cookie (common/api.js), so a new tab, a restart or a reopened web
// view is still signed in; the last card is kept on the device (store.js) and
// shown at once on opening, then refreshed. Beside each code the page keeps
// an offline code, fetched with the code (?offline=1) only when the one it
// has is due (its refresh_after) or of another colour; the card shows it when
// the screen token has run out without network (card.js).
import { $ } from '../../common/dom.js';
import { el, t, setT, setBi, setFn, clear, applyLang, setLangValue, getLang, initialLang } from './lang.js';
import { api, session, serverInfo, NetworkError, errorText, serverNow, clockSkew, setClockSkew } from './server.js';
import { loadCore, call } from '../../common/core.js';
import { declarationForm } from './form.js';
import { consentViews } from './consent.js';
import { codeCard } from './card.js';
import { relang, field, group, input, select, symptomBoxes, symptomValues, showErrors, countrySelect, regionPicker, networkBar, resendWait } from './widgets.js';
import { hhmm, todayIso, colorBadge, learnOffset, showTime } from './util.js';
import { saveCard, lastCard, prefs, savePrefs } from './store.js';

const main = $('#main');
const status = $('#status');
const P = prefs();

// ---- header: language, large text, dev banner ----
function setLang(l) {
  setLangValue(l);
  document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
  document.title = t('app');
  applyLang();
  for (const f of [...relang]) f();
  P.lang = l;
  savePrefs(P);
}
function setLarge(on) {
  document.documentElement.classList.toggle('large', on);
  largeBtn.setAttribute('aria-pressed', String(on));
  P.large = on;
  savePrefs(P);
}
const langBtn = el('button', { type: 'button', class: 'tb', t: 'lang_switch', al: 'lang_switch_label', onclick: () => setLang(getLang() === 'en' ? 'zh' : 'en') });
langBtn.lang = '';
const largeBtn = el('button', { type: 'button', class: 'tb', t: 'large', 'aria-pressed': 'false', onclick: () => setLarge(!document.documentElement.classList.contains('large')) });
const logoutBtn = el('button', { type: 'button', class: 'tb', t: 'logout', hidden: true, onclick: logout });
$('#bar').append(el('h1', { t: 'app' }), el('div', { class: 'tools' }, langBtn, largeBtn, logoutBtn));
const devBanner = el('p', { id: 'dev', t: 'dev_banner', hidden: true });
$('#bar').after(devBanner);

function say(keyOrPair, kind = '') {
  status.className = kind;
  if (!keyOrPair) return clear(status);
  if (typeof keyOrPair === 'string') setT(status, keyOrPair);
  else if (typeof keyOrPair === 'function') setFn(status, keyOrPair);
  else setBi(status, keyOrPair);
}

// ---- views ----
let leave = null;  // cleanup of the current view
// quiet: the same view again with new data (focus and scroll stay).
function view(node, focus, quiet = false) {
  if (leave) { leave(); leave = null; }
  if (!quiet) say(null);  // a message belongs to the view it was said in
  clear(main).append(node);
  if (quiet) return;
  const h = focus || node.querySelector('h2');
  if (h) { h.tabIndex = -1; h.focus({ preventScroll: true }); }
  window.scrollTo(0, 0);
}

// ---- state ----
const state = { persons: [], current: null, code: null, offlineSince: null, checkedIn: {} };
const self = () => state.persons.find((p) => p.relation === 'self');
const currentPerson = () => state.persons.find((p) => p.person_id === state.current);
// Join requests (both ways), guardians, claims and devices: consent.js.
const cv = consentViews({ view, say, failed, state, home, currentPerson, back: () => (state.persons.length ? cardView() : home()) });

// The card as kept on the device, for the account signed in.
function persist() {
  const s = session.get();
  if (!s) return;
  saveCard({ account_id: s.account_id || null, current: state.current, persons: state.persons, skew: clockSkew() });
}
function forget() {
  session.clear();
  saveCard(null);
  state.persons = [];
  state.current = null;
  state.join = { incoming: [], outgoing: [] };
  logoutBtn.hidden = true;
}
function logout() {
  if (!window.confirm(t('logout_q'))) return;
  // The server ends the device session and drops its cookie; offline, only this device forgets.
  api('POST', '/auth/logout', {}).catch(() => {});
  forget();
  say(null);
  loginView();
}
function sessionExpired() {
  forget();
  loginView();
  say('err_session', 'bad');
}

// ---- offline codes ----
// Whether p's offline code is due: none yet, of another colour, or past its refresh_after.
function needsOffline(p) {
  if (!p || !p.code) return false;
  const off = p.code.offline_code;
  return !off || off.color !== p.code.color || serverNow() >= Date.parse(off.refresh_after);
}
// A new code keeps the offline code it came without, while that is of its colour.
function withOffline(code, before) {
  if (code && !code.offline_code && before && before.offline_code && before.offline_code.color === code.color) {
    return { ...code, offline_code: before.offline_code };
  }
  return code;
}
// Common handling of a failed call: 401 -> login; network -> message; else the server's words.
function failed(res, errOrNull) {
  if (errOrNull instanceof NetworkError) return say('err_network', 'bad');
  if (errOrNull) throw errOrNull;
  if (res.status === 401) return sessionExpired();
  const m = errorText(res.data);
  if (m) say(m, 'bad');
  else say(() => t('err_server').replace('{s}', res.status), 'bad');
}

// ---- login ----
function loginView() {
  const phone = field('phone', 'phone', input({ name: 'phone', type: 'tel', inputMode: 'tel', autocomplete: 'tel' }), 'phone_hint');
  const code = field('code', 'otp', input({ name: 'code', inputMode: 'numeric', autocomplete: 'one-time-code', maxLength: 8 }));
  const devCode = el('p', { class: 'devcode', hidden: true, 'aria-live': 'polite' });
  const general = el('ul', { class: 'err general', hidden: true });
  const F = { phone, 'person.phone': phone, code };
  const send = el('button', { type: 'button', class: 'btn', t: 'get_code' });
  const loginBtn = el('button', { type: 'submit', class: 'btn primary', t: 'login' });
  code.wrap.hidden = true;
  loginBtn.hidden = true;
  const checkPhone = () => {
    const r = call('validatePerson', { phone: phone.control.value }, todayIso());
    const errs = r ? (r.errors || []).filter((e) => e.field === 'person.phone') : [];
    showErrors(F, general, errs);
    return errs.length === 0;
  };
  // An error shows when the button is tapped and goes as soon as the number is
  // right; nothing changes on blur, so the button never moves under a finger.
  phone.control.addEventListener('input', () => { if (phone.wrap.classList.contains('bad') || !general.hidden) checkPhone(); });
  let waiting = false;  // the resend countdown holds the button
  send.addEventListener('click', async () => {
    if (!checkPhone()) return phone.control.focus();
    send.disabled = true;
    waiting = false;
    try {
      const res = await api('POST', '/auth/otp', { phone: phone.control.value.trim() });
      if (res.status === 202 || res.status === 200) {
        waiting = resendWait(send);
        say('code_sent');
        code.wrap.hidden = false;
        loginBtn.hidden = false;
        if (res.data && res.data.dev_code) {
          devBanner.hidden = false;
          devCode.hidden = false;
          setFn(devCode, () => t('dev_code') + res.data.dev_code);
        }
        code.control.focus();
      } else if (res.status === 422 && res.data && res.data.errors) {
        showErrors(F, general, res.data.errors);
        phone.control.focus();
      } else {
        if (res.status === 429) waiting = resendWait(send, res);
        failed(res);
      }
    } catch (e) { failed(null, e); } finally { if (!waiting) send.disabled = false; }
  });
  const form = el('form', { class: 'login', noValidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (code.wrap.hidden) return send.click();  // Enter in the phone field asks for a code
    loginBtn.disabled = true;
    try {
      const ph = phone.control.value.trim();
      const res = await api('POST', '/auth/login', { phone: ph, code: code.control.value.trim(), cookie: true });
      if (res.status === 200 && res.data && res.data.account_id) {
        const before = lastCard();
        if (before && before.account_id !== res.data.account_id) saveCard(null);
        // The note of who is signed in (no token: that is the server's cookie); the
        // phone prefills the person's own declaration, as it did in this tab before.
        session.set({ account_id: res.data.account_id, phone: ph, dev: !devBanner.hidden });
        say(null);
        await home();
      } else if (res.status === 401 || res.status === 403 || res.status === 422) {
        if (res.data && res.data.errors) showErrors(F, general, res.data.errors);
        else say('err_login', 'bad');
        code.control.focus();
      } else failed(res);
    } catch (err) { failed(null, err); } finally { loginBtn.disabled = false; }
  } }, el('h2', { t: 'login_title' }), phone.wrap, el('div', { class: 'actions' }, send), devCode, code.wrap, general,
  el('div', { class: 'actions' }, loginBtn));
  view(form);
}

// ---- home: the persons of this account ----
// quiet: the card shown from the device is brought up to date in place.
async function home(preferId, quiet = false) {
  logoutBtn.hidden = false;
  let res;
  const ask = !state.persons.length || state.persons.some(needsOffline);
  try {
    res = await api('GET', ask ? '/persons?offline=1' : '/persons');
  } catch (e) {
    if (e instanceof NetworkError) return offlineCard();
    throw e;
  }
  if (res.status !== 200 || !Array.isArray(res.data)) return failed(res);
  const before = new Map(state.persons.map((p) => [p.person_id, p.code]));
  state.persons = res.data.map((p) => ({ ...p, code: withOffline(p.code, before.get(p.person_id)) }));
  state.offlineSince = null;
  await cv.loadJoin();
  if (!state.persons.length) {
    saveCard(null);
    return declareView('self');
  }
  const pick = preferId || state.current;
  state.current = (state.persons.find((p) => p.person_id === pick) || self() || state.persons[0]).person_id;
  persist();
  cardView({ fresh: true, quiet });
}

function declareView(mode) {
  const form = declarationForm({
    mode,
    phone: (session.get() || {}).phone,
    person: mode === 'again' ? currentPerson() : null,
    onAuth: sessionExpired,
    onDone: (ans) => {
      say(null);
      const id = ans && (ans.person_id || (ans.code && ans.code.person_id));
      home(id);
    },
    onPending: (ans, prefill) => cv.pendingView(ans, prefill),
    onCancel: state.persons.length ? () => cardView() : null,
  });
  currentForm = form;
  // Before the first declaration: requests waiting for this account, if any.
  const notes = mode === 'self' ? cv.notices() : null;
  view(notes ? el('div', null, notes, form) : form, notes ? form.querySelector('h2') : undefined);
  leave = () => { currentForm = null; };
}
let currentForm = null;

// ---- the code card ----
function personTabs() {
  if (state.persons.length < 2) return null;
  const nav = el('nav', { class: 'tabs', al: 'persons' });
  for (const p of state.persons) {
    const on = p.person_id === state.current;
    const color = p.code && p.code.color;
    nav.append(el('button', { type: 'button', class: `tab${color ? ` c-${color}` : ''}`, 'aria-pressed': String(on),
      'data-person': p.person_id, onclick: () => { state.current = p.person_id; cardView(); } },
    el('span', { class: 'sw', 'aria-hidden': 'true' }), p.name_masked || '',
    p.relation && p.relation !== 'self' ? el('small', { t: `rel_${p.relation}` }) : null));
  }
  return nav;
}

// fresh: the codes were just fetched (no refresh now, only every minute);
// cached: shown from the device before anything was fetched (home() follows);
// quiet: an update of the card on screen.
function cardView({ fresh = false, cached = false, quiet = false } = {}) {
  const p = currentPerson();
  if (p && !p.code) {
    // A family member added without a declaration yet: declare first.
    return view(el('div', null, cv.notices(), personTabs(), el('section', { class: 'subview' },
      el('h2', null, p.name_masked || ''), el('p', { t: 'no_code' }),
      el('button', { type: 'button', class: 'btn primary', t: 'declare_title', onclick: () => declareView('again') }))));
  }
  const card = codeCard();
  const actions = el('div', { class: 'grid' },
    el('button', { type: 'button', class: 'btn', t: 'act_checkin', onclick: checkinView }),
    el('button', { type: 'button', class: 'btn', t: 'act_declare', onclick: () => declareView('again') }),
    el('button', { type: 'button', class: 'btn', t: 'act_family', onclick: familyView }),
    el('button', { type: 'button', class: 'btn', t: 'act_edit', onclick: editView }),
    el('button', { type: 'button', class: 'btn', t: 'act_appeal', onclick: appealView }),
    el('button', { type: 'button', class: 'btn', t: 'act_print', onclick: printView }),
    el('button', { type: 'button', class: 'btn', t: 'act_export', onclick: exportMyData }),
    el('button', { type: 'button', class: 'btn', t: 'act_guardians', onclick: cv.guardiansView }),
    el('button', { type: 'button', class: 'btn', t: 'act_access', onclick: cv.accessView }));
  // Join requests for the persons of this account, refreshed with the code.
  const noticeBox = el('div', { class: 'nb' }, cv.notices());
  view(el('div', null, noticeBox, personTabs(), card.el, actions), card.el.querySelector('h2'), quiet);
  const show = (code) => {
    state.code = code;
    if (p) p.code = code;
    card.update(code);
  };
  if (p && p.code) show({ ...p.code, name_masked: p.code.name_masked || p.name_masked, person_id: p.person_id });
  card.offline(state.offlineSince);
  persist();
  // One GET a minute, as before; ?offline=1 only when the offline code is due.
  async function fetchCode(ask) {
    const path = `/persons/${encodeURIComponent(state.current)}/code${ask ? '?offline=1' : ''}`;
    return api('GET', path);
  }
  async function refresh() {
    if (document.hidden) return;
    try {
      let res = await fetchCode(needsOffline(p));
      // The colour changed and the offline code kept is of the old one: a new one at once.
      if (res.status === 200 && res.data && !withOffline(res.data, p && p.code).offline_code) res = await fetchCode(true);
      if (res.status === 200 && res.data) {
        state.offlineSince = null;
        card.offline(null);
        show(withOffline({ ...res.data, name_masked: res.data.name_masked || (p && p.name_masked), person_id: state.current }, p && p.code));
        persist();
        await cv.loadJoin();
        if (noticeBox.isConnected) {
          const n = cv.notices();
          clear(noticeBox);
          if (n) noticeBox.append(n);
        }
      } else if (res.status === 401) sessionExpired();
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
      goneOffline(card);
    }
  }
  if (!fresh && !cached) refresh();
  const timer = setInterval(refresh, 60000);
  const onOnline = () => refresh();
  const onOffline = () => goneOffline(card);
  const onVisible = () => { if (!document.hidden) refresh(); };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  leave = () => {
    clearInterval(timer);
    card.stop();
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
function goneOffline(card) {
  if (!state.offlineSince) state.offlineSince = hhmm();
  card.offline(state.offlineSince);
}

// No network: the card kept on this device (its offline codes scan), or,
// with none kept, a retry.
function offlineCard() {
  state.offlineSince = state.offlineSince || hhmm();
  if (state.persons.length && currentPerson()) {
    cardView({ cached: true, quiet: !!main.querySelector('section.card') });
    const card = main.querySelector('section.card');
    if (card) card.after(el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn', t: 'retry', onclick: () => start() })));
    return;
  }
  const retry = el('button', { type: 'button', class: 'btn', t: 'retry', onclick: () => start() });
  view(el('section', { class: 'subview' }, el('h2', { t: 'app' }), el('p', { t: 'err_network' }),
    el('div', { class: 'actions' }, retry)));
  say('err_network', 'bad');
  const onOnline = () => start();
  window.addEventListener('online', onOnline);
  leave = () => window.removeEventListener('online', onOnline);
}

// ---- sub views ----
function sub(titleKey, ...kids) {
  return el('section', { class: 'subview' }, el('h2', { t: titleKey }), ...kids,
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn ghost', t: 'back', onclick: () => cardView() })));
}
const personPath = (suffix) => `/persons/${encodeURIComponent(state.current)}${suffix}`;
const who = () => {
  const p = currentPerson();
  return el('p', { class: 'who' }, el('span', { t: 'declare_for' }), '：', p ? p.name_masked : '');
};

function checkinView() {
  const temp = field('temperature', 'temperature', input({ name: 'temperature', inputMode: 'decimal', autocomplete: 'off', maxLength: 5 }), 'temperature_hint');
  const sym = group('symptoms', 'symptoms', symptomBoxes('ci_symptoms'));
  const general = el('ul', { class: 'err general', hidden: true });
  const msg = el('p', { class: 'status', role: 'status' });
  const F = { temperature: temp, symptoms: sym };
  const btn = el('button', { type: 'submit', class: 'btn primary', t: 'checkin_submit' });
  if (state.checkedIn[state.current] === todayIso()) {
    return view(sub('checkin_title', who(), el('p', { class: 'status done', role: 'status', t: 'checkin_done' }),
      el('button', { type: 'submit', class: 'btn primary', t: 'checkin_submit', disabled: true })));
  }
  const body = () => {
    const v = temp.control.value.trim();
    const b = { symptoms: symptomValues(form, 'ci_symptoms') };
    if (v !== '') b.temperature = /^\d{1,2}(\.\d+)?$/.test(v) ? Number(v) : v;
    return b;
  };
  const form = el('form', { noValidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const r = call('validateCheckin', body());
    if (r && r.errors && r.errors.length) {
      const bad = showErrors(F, general, r.errors);
      if (bad[0]) bad[0].control.focus();
      return;
    }
    btn.disabled = true;
    try {
      const res = await api('POST', personPath('/checkins'), body());
      if (res.status === 201 || res.status === 200) {
        state.checkedIn[state.current] = todayIso();
        const p = currentPerson();
        if (p && res.data && res.data.color) p.code = { ...p.code, ...res.data };
        cardView();
        say('checkin_ok', 'good');
        return;
      }
      if (res.status === 409) {
        state.checkedIn[state.current] = todayIso();
        setT(msg, 'checkin_done');
        return;
      }
      btn.disabled = false;
      if (res.status === 422 && res.data && res.data.errors) {
        const bad = showErrors(F, general, res.data.errors);
        if (bad[0]) bad[0].control.focus();
      } else failed(res);
    } catch (err) { btn.disabled = false; failed(null, err); }
  } }, who(), temp.wrap, sym.wrap, general, msg, el('div', { class: 'actions' }, btn));
  form.addEventListener('input', () => {
    if (!temp.control.value) return;
    const r = call('validateCheckin', body());
    if (r) showErrors(F, general, r.errors || []);
  });
  view(sub('checkin_title', form));
}

function familyView() {
  const list = el('ul', { class: 'family' });
  const others = state.persons.filter((p) => p.relation !== 'self');
  for (const p of others) {
    const color = p.code && p.code.color;
    list.append(el('li', { class: color ? `c-${color}` : '' },
      el('div', { class: 'fm' }, el('strong', null, p.name_masked), ' ', el('span', { t: `rel_${p.relation || 'other'}` }), color ? colorBadge(color) : null),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'btn small', t: 'family_show', onclick: () => { state.current = p.person_id; cardView(); } }),
        el('button', { type: 'button', class: 'btn ghost small', t: 'family_remove', onclick: async () => {
          if (!window.confirm(t('family_remove_q').replace('{name}', p.name_masked))) return;
          try {
            const res = await api('DELETE', `/family/${encodeURIComponent(p.person_id)}`);
            if (res.status === 200 || res.status === 204) {
              if (state.current === p.person_id) state.current = null;
              await home();
              familyView();
            } else failed(res);
          } catch (err) { failed(null, err); }
        } }))));
  }
  const full = others.length >= 3;
  view(sub('family_title',
    others.length ? list : el('p', { t: 'family_none' }),
    full ? el('p', { class: 'hint', t: 'family_full' })
      : el('button', { type: 'button', class: 'btn primary', t: 'add_family', onclick: () => declareView('family') })));
}

// A small padlock drawn inline (emoji fonts are missing on some phones).
function lockIcon() {
  const i = el('span', { class: 'lock', 'aria-hidden': 'true' });
  i.innerHTML = '<svg viewBox="0 0 12 14" width="12" height="14"><rect x="1" y="6" width="10" height="8" rx="1.5" fill="currentColor"/><path d="M3.5 6V4.2a2.5 2.5 0 0 1 5 0V6" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>';
  return i;
}

// Edit personal info: residence fields within the rule set's limit (once a day
// or once in total); name and ID are shown locked once a code was issued.
async function editView() {
  let p;
  try {
    const res = await api('GET', personPath(''));
    if (res.status !== 200 || !res.data) return failed(res);
    p = res.data;
  } catch (e) { return failed(null, e); }
  const lockedRow = (key, value) => el('div', { class: 'field locked' }, el('span', { class: 'lbl', t: key }),
    el('p', { class: 'val' }, lockIcon(), value || ''));
  const region = regionPicker('edit-r');
  // The server may send the phone itself (to its own guardian) or only a masked form.
  const phoneIn = input({ name: 'phone', type: 'tel', inputMode: 'tel', autocomplete: 'off', value: p.phone || '' });
  const phone = field('person.phone', 'phone', phoneIn);
  if (!p.phone && p.phone_masked) {
    const keep = el('p', { class: 'hint' });
    setFn(keep, () => t('phone_keep').replace('{p}', p.phone_masked));
    phone.wrap.insertBefore(keep, phoneIn);
  }
  const nat = field('person.nationality', 'nationality', countrySelect({ name: 'nationality' }, p.nationality || 'CHN'));
  const reg = group('person.region', 'residence', region.wrap);
  reg.control = region.first;
  const addr = field('person.address', 'address', input({ name: 'address', maxLength: 130, value: p.address || '' }));
  const general = el('ul', { class: 'err general', hidden: true });
  const msg = el('p', { class: 'status', role: 'status' });
  const F = { 'person.phone': phone, 'person.nationality': nat, 'person.region': reg, 'person.address': addr };
  if (p.region) region.set(p.region);
  const btn = el('button', { type: 'submit', class: 'btn primary', t: 'save' });
  const once = p.edit_policy === 'once';
  if (p.edit_allowed === false) {
    setT(msg, once ? 'edit_used_once' : 'edit_used');
    btn.disabled = true;
  }
  const changes = () => {
    const c = { nationality: nat.control.value, region: region.value(), address: addr.control.value };
    if (phoneIn.value.trim()) c.phone = phoneIn.value.trim();
    return c;
  };
  const form = el('form', { noValidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const c = changes();
    // The core checks the fields being changed (the ID stays on the server).
    const r = call('validatePerson', { relation: p.relation === 'self' ? 'self' : 'other', ...c }, todayIso());
    const errs = r ? (r.errors || []).filter((x) => F[x.field] && (x.field !== 'person.phone' || c.phone)) : [];
    showErrors(F, general, errs);
    if (errs.length) return F[errs[0].field].control.focus();
    btn.disabled = true;
    try {
      const res = await api('PATCH', personPath(''), c);
      if (res.status === 200) {
        setT(msg, 'saved');
        p = res.data || p;
      } else {
        btn.disabled = false;
        if (res.status === 422 && res.data && res.data.errors) {
          const bad = showErrors(F, general, res.data.errors);
          if (bad[0]) bad[0].control.focus();
        } else if (res.status === 409 && res.data) setBi(msg, errorText(res.data));
        else failed(res);
      }
    } catch (err) { btn.disabled = false; failed(null, err); }
  } },
  el('p', { class: 'hint', t: once ? 'edit_note_once' : 'edit_note' }),
  lockedRow('name', p.name || p.name_masked), lockedRow('id_type', p.id_type ? el('span', { t: `id_${p.id_type}` }) : ''),
  lockedRow('id_number', p.id_masked),
  p.identity_locked ? el('p', { class: 'hint', t: 'locked' }) : null,
  phone.wrap, nat.wrap, reg.wrap, addr.wrap, general, msg, el('div', { class: 'actions' }, btn));
  view(sub('edit_title', who(), form));
}

async function appealView() {
  const kind = field('topic', 'appeal_kind', select([['color', 'ak_color'], ['identity', 'ak_identity'], ['other', 'ak_other']], { name: 'topic' }));
  const text = field('message', 'appeal_text', el('textarea', { name: 'message', rows: 4, maxLength: 500 }), 'appeal_hint');
  const general = el('ul', { class: 'err general', hidden: true });
  const msg = el('p', { class: 'status', role: 'status' });
  const list = el('ul', { class: 'appeals' });
  const F = { topic: kind, message: text };
  const btn = el('button', { type: 'submit', class: 'btn primary', t: 'appeal_submit' });
  async function loadList() {
    try {
      const res = await api('GET', '/appeals');
      clear(list);
      const mine = res.status === 200 && Array.isArray(res.data) ? res.data : [];
      if (!mine.length) list.append(el('li', { t: 'appeals_none' }));
      for (const a of mine) {
        const st = a.state || 'open';
        const p = state.persons.find((x) => x.person_id === a.person_id);
        list.append(el('li', { 'data-status': st },
          el('p', { class: 'ah' }, el('strong', { t: `st_${st}` }), ' · ', el('span', { t: `ak_${a.topic || 'other'}` }),
            p ? ` · ${p.name_masked}` : ''),
          el('p', null, a.message || ''),
          el('p', { class: 'hint' }, setFn(el('span'), () => `${t('appeal_filed')} ${showTime(a.filed_at)}`),
            st === 'open' && a.due_at ? setFn(el('span'), () => ` · ${t('appeal_due')} ${showTime(a.due_at)}`) : null),
          a.note ? el('p', { class: 'note' }, setFn(el('span'), () => t('appeal_note')), a.note) : null));
      }
    } catch (e) { if (!(e instanceof NetworkError)) throw e; }
  }
  const form = el('form', { noValidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const reason = text.control.value.trim();
    if (!reason) {
      showErrors(F, general, [{ field: 'message', message_zh: '请填写申诉说明', message_en: 'Please explain your appeal.' }]);
      return text.control.focus();
    }
    btn.disabled = true;
    try {
      const res = await api('POST', personPath('/appeals'), { topic: kind.control.value, message: reason });
      btn.disabled = false;
      if (res.status === 201 || res.status === 200) {
        text.control.value = '';
        showErrors(F, general, []);
        setT(msg, 'appeal_sent');
        loadList();
      } else if (res.status === 422 && res.data && res.data.errors) {
        showErrors(F, general, res.data.errors);
      } else failed(res);
    } catch (err) { btn.disabled = false; failed(null, err); }
  } }, who(), kind.wrap, text.wrap, general, msg, el('div', { class: 'actions' }, btn));
  view(sub('appeal_title', form, el('h3', { t: 'appeals_mine' }), list));
  loadList();
}

async function printView() {
  const paper = el('div', { class: 'paper' });
  const printBtn = el('button', { type: 'button', class: 'btn primary', t: 'print_btn', onclick: () => window.print() });
  view(sub('print_title', el('p', { class: 'hint noprint', t: 'print_note' }), paper, el('div', { class: 'actions noprint' }, printBtn)));
  try {
    const res = await api('GET', personPath('/paper-code'), undefined, { text: true });
    if (res.status !== 200) return failed(res);
    // Shown as an image: an SVG in <img> cannot run scripts or load anything.
    const url = URL.createObjectURL(new Blob([res.data], { type: 'image/svg+xml' }));
    paper.append(el('img', { src: url, role: 'img', al: 'print_title' }));
    const prev = leave;
    leave = () => { URL.revokeObjectURL(url); if (prev) prev(); };
  } catch (e) { failed(null, e); }
}

// A copy of everything the server holds about this account's persons, saved
// as a file (the token travels in a header, so a plain link cannot do it).
async function exportMyData() {
  try {
    const res = await api('GET', '/me/export', undefined, { text: true });
    if (res.status !== 200) return failed(res);
    const url = URL.createObjectURL(new Blob([res.data], { type: 'application/json' }));
    const a = el('a', { href: url, download: 'ankang-my-data.json' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) { failed(null, e); }
}

// ---- start ----
// Signed in with a card kept on the device: the card at once, then the
// server's. Signed in without one: the server's. No network: the kept card.
// Else the log-in.
async function start() {
  const s = session.get();
  if (s && s.dev) devBanner.hidden = false;
  const card = lastCard();
  // Only a session whose account is known (a tab session of an earlier version
  // may not say whose it is): never another account's card.
  const kept = s && s.account_id && card && card.account_id === s.account_id && card.persons.length ? card : null;
  if (kept) {
    setClockSkew(kept.skew);
    state.persons = kept.persons;
    state.current = kept.current;
    logoutBtn.hidden = false;
    cardView({ cached: true });
  }
  const info = await serverInfo();
  if (info) {
    learnOffset(info.now);
    devBanner.hidden = !info.dev;
  }
  if (!info && !kept && card && card.persons.length) {
    // No network, and the card kept here is not of a session this tab knows
    // (a tab of an earlier version signed in by itself): show it all the same.
    state.persons = card.persons;
    state.current = card.current;
    return offlineCard();
  }
  if (!s) return loginView();
  if (!info) return offlineCard();
  return home(undefined, !!kept);
}

setLang(initialLang(P.lang));
networkBar();
if (P.large) setLarge(true);
start();
loadCore().then((core) => {
  document.documentElement.dataset.core = core ? 'wasm' : 'none';
  if (currentForm) currentForm.refresh();
});
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  // index.js is loaded by first.js, possibly after the load event.
  const register = () => navigator.serviceWorker.register('sw.js').catch(() => {});
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
