// The declaration form (SPEC §2). The core validates as the resident types and
// previews the colour with the published rules; nothing is sent while the core
// finds a problem. Without the core the server's 422 answer fills the same
// error slots. modes: "self" (first declaration), "family" (someone else),
// "again" (a new declaration for a known person: no personal fields).
import { el, t, setT, setBi, setFn, clear, nextId } from './lang.js';
import { api, serverNow, NetworkError, errorText } from './server.js';
import { call, getCore } from '../../common/core.js';
import {
  field, group, input, select, radios, radioValue, symptomBoxes, symptomValues, countrySelect, regionPicker,
  showErrors,
} from './widgets.js';
import { colorBadge, isoNow, todayIso } from './util.js';

const RELATIONS = ['spouse', 'parent', 'child', 'grandparent', 'grandchild', 'sibling', 'other'];
export const ID_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent_id'];

let rulesCache = null;
// The active rule set and the public risk areas, for the preview.
function loadRules(fresh) {
  if (!rulesCache || fresh) {
    rulesCache = Promise.all([api('GET', '/rules'), api('GET', '/risk-areas')])
      .then(([r, a]) => (r.status === 200 && r.data ? { rules: r.data, areas: a.status === 200 && Array.isArray(a.data) ? a.data : [] } : null))
      .catch(() => null);
    rulesCache.then((v) => { if (!v) rulesCache = null; });
  }
  return rulesCache;
}

// opts: {mode, person: {person_id, name_masked}, phone, onDone(answer), onCancel,
// onPending(answer, {id_type, id_number, name})}: a 202 is a join request for a
// person already registered (nothing was declared).
export function declarationForm(opts) {
  const mode = opts.mode;
  const F = {};  // error key -> field
  const touched = new Set();
  let submitted = false;
  const reg = (f) => { F[f.key] = f; f.wrap.dataset.key = f.key; return f.wrap; };

  // ---- personal information ----
  let personPart = null;
  let region = null;
  if (mode !== 'again') {
    region = regionPicker(nextId('r'), () => changed('person.region'));
    const rel = mode === 'family'
      ? reg(field('person.relation', 'relation', select(RELATIONS.map((r) => [r, `rel_${r}`]), { name: 'relation' })))
      : null;
    personPart = el('section', { class: 'sec' }, el('h3', { t: 'sec_person' }),
      rel,
      reg(field('person.name', 'name', input({ name: 'name', autocomplete: mode === 'self' ? 'name' : 'off', maxLength: 60 }), 'name_hint')),
      reg(field('person.id_type', 'id_type', select(ID_TYPES.map((v) => [v, `id_${v}`]), { name: 'id_type' }))),
      reg(field('person.id_number', 'id_number', input({ name: 'id_number', autocomplete: 'off', spellcheck: false, autocapitalize: 'characters', maxLength: 24 }))),
      reg(field('person.phone', 'phone', input({ name: 'phone', type: 'tel', inputMode: 'tel', autocomplete: mode === 'self' ? 'tel' : 'off', value: mode === 'self' ? opts.phone || '' : '' }), mode === 'family' ? 'phone_family_hint' : 'phone_hint')),
      reg(field('person.nationality', 'nationality', countrySelect({ name: 'nationality' }))),
      reg(group('person.region', 'residence', region.wrap)),
      reg(field('person.address', 'address', input({ name: 'address', maxLength: 130, autocomplete: mode === 'self' ? 'street-address' : 'off' }))));
    F['person.region'].control = region.first;
  }

  // ---- health ----
  const healthPart = el('section', { class: 'sec' }, el('h3', { t: 'sec_health' }),
    reg(field('health.temperature', 'temperature', input({ name: 'temperature', inputMode: 'decimal', autocomplete: 'off', maxLength: 5 }), 'temperature_hint')),
    reg(group('health.symptoms', 'symptoms', symptomBoxes('symptoms'))),
    reg(group('health.fever_clinic_14d', 'fever_clinic', radios('fever_clinic', [['no', 'no'], ['yes', 'yes']], 'no'))));

  // ---- travel ----
  const rows = [];
  const travelList = el('ol', { class: 'travel' });
  const travelNone = el('p', { class: 'hint', t: 'travel_none' });
  const addBtn = el('button', { type: 'button', class: 'btn ghost', t: 'travel_add', onclick: () => addRow() });
  function addRow() {
    const i = rows.length;
    const row = { kind: null, region: regionPicker(nextId('t'), () => changed(`travel_14d[${row.index}].region`)) };
    const kindName = nextId('k');
    const kind = radios(kindName, [['domestic', 'travel_domestic'], ['overseas', 'travel_overseas']], 'domestic');
    const country = countrySelect({ name: 'country' }, 'USA');
    country.value = 'USA';
    const countryF = field('', 'country', country);
    const from = field('', 'from', input({ type: 'date', name: 'from', max: todayIso() }));
    const to = field('', 'to', input({ type: 'date', name: 'to', max: todayIso() }));
    const regionG = group('', 'travel_place', row.region.wrap);
    regionG.control = row.region.first;
    const remove = el('button', { type: 'button', class: 'btn ghost small', t: 'travel_remove', onclick: () => {
      rows.splice(rows.indexOf(row), 1);
      row.li.remove();
      reindex();
      changed();
      addBtn.focus();
    } });
    row.kindName = kindName;
    row.country = country;
    row.from = from.control;
    row.to = to.control;
    row.fields = { region: regionG, country: countryF, from, to };
    countryF.wrap.hidden = true;
    kind.addEventListener('change', () => {
      const ov = radioValue(kind, kindName) === 'overseas';
      regionG.wrap.hidden = ov;
      countryF.wrap.hidden = !ov;
      changed();
    });
    row.kind = kind;
    row.li = el('li', { class: 'trow' }, el('fieldset', { class: 'field' }, el('legend', { t: 'travel_kind' }), kind),
      regionG.wrap, countryF.wrap, el('div', { class: 'dates' }, from.wrap, to.wrap), remove);
    rows.push(row);
    travelList.append(row.li);
    reindex();
    row.region.ready.then(() => row.region.first.focus());
    return i;
  }
  function reindex() {
    // Error keys follow the row's current position: travel_14d[i].field.
    for (const k in F) if (k.startsWith('travel_14d[')) delete F[k];
    rows.forEach((r, i) => {
      r.index = i;
      for (const [name, f] of Object.entries(r.fields)) {
        f.key = `travel_14d[${i}].${name}`;
        F[f.key] = f;
      }
      F[`travel_14d[${i}]`] = r.fields.from;
    });
    travelNone.hidden = rows.length > 0;
  }
  const travelG = group('travel_14d', 'sec_travel', el('div', null, travelNone, travelList, addBtn));
  const travelPart = el('section', { class: 'sec' }, reg(travelG));

  // ---- contact and arrival ----
  const arrivedBox = el('input', { type: 'checkbox', name: 'arrived' });
  const arrivedDate = input({ type: 'date', name: 'arrived_on', max: todayIso() });
  const arrivedF = field('arrived_from_overseas_on', 'arrived_on', arrivedDate);
  arrivedF.wrap.hidden = true;
  arrivedBox.addEventListener('change', () => { arrivedF.wrap.hidden = !arrivedBox.checked; changed(); });
  const contactPart = el('section', { class: 'sec' }, el('h3', { t: 'sec_contact' }),
    reg(group('contact_14d', 'contact', radios('contact', [['none', 'ct_none'], ['confirmed', 'ct_confirmed'], ['suspected', 'ct_suspected'], ['unsure', 'ct_unsure']], 'none'))),
    el('label', { class: 'choice' }, arrivedBox, el('span', { t: 'arrived' })),
    reg(arrivedF));

  const commitBox = el('input', { type: 'checkbox', name: 'commitment' });
  const commitF = group('commitment', 'commitment', el('label', { class: 'choice commit' }, commitBox, el('span', { t: 'commitment' })));
  commitF.wrap.querySelector('legend').className = 'sr';
  commitF.control = commitBox;

  // ---- preview and submit ----
  const preview = el('section', { class: 'preview', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const general = el('ul', { class: 'err general', hidden: true });
  const status = el('p', { class: 'status', role: 'status' });
  const submit = el('button', { type: 'submit', class: 'btn primary', t: 'submit' });
  const cancel = opts.onCancel ? el('button', { type: 'button', class: 'btn ghost', t: 'cancel', onclick: opts.onCancel }) : null;

  const titleKey = mode === 'family' ? 'add_family' : mode === 'again' ? 'declare_again' : 'declare_title';
  const heading = el('h2', { t: titleKey, tabIndex: -1 });
  const who = mode === 'again' && opts.person ? el('p', { class: 'who' }, el('span', { t: 'declare_for' }), '：', opts.person.name_masked) : null;
  const form = el('form', { class: 'decl', noValidate: true, onsubmit: onSubmit },
    heading, who, personPart, healthPart, travelPart, contactPart, reg(commitF), preview, general, status,
    el('div', { class: 'actions' }, submit, cancel));

  form.addEventListener('input', (e) => touch(e.target));
  form.addEventListener('change', (e) => touch(e.target));
  function touch(target) {
    const w = target.closest('[data-key]');
    if (w) touched.add(w.dataset.key);
    else if (target.closest('.trow')) touched.add('travel');
    changed();
  }

  // ---- body ----
  function body() {
    const b = {};
    if (mode === 'again') b.person_id = opts.person.person_id;
    else {
      const v = (n) => form.elements[n].value;
      b.person = {
        name: v('name'), id_type: v('id_type'), id_number: v('id_number'), phone: v('phone'),
        nationality: v('nationality'), region: region.value(), address: v('address'),
        relation: mode === 'family' ? v('relation') : 'self',
      };
    }
    const temp = form.elements.temperature.value.trim();
    b.health = {
      symptoms: symptomValues(form, 'symptoms'),
      fever_clinic_14d: radioValue(form, 'fever_clinic') === 'yes',
    };
    if (temp !== '') b.health.temperature = /^\d{1,2}(\.\d+)?$/.test(temp) ? Number(temp) : temp;
    b.travel_14d = rows.map((r) => {
      const ov = radioValue(r.kind, r.kindName) === 'overseas';
      const e = ov ? { region: 'overseas', country: r.country.value } : { region: r.region.value() };
      e.from = r.from.value;
      e.to = r.to.value;
      return e;
    });
    b.contact_14d = radioValue(form, 'contact');
    if (arrivedBox.checked) b.arrived_from_overseas_on = arrivedDate.value;
    b.commitment = commitBox.checked;
    return b;
  }

  // ---- live validation and preview (core) ----
  let timer = 0;
  let lastPreview = '';
  function changed() {
    clearTimeout(timer);
    timer = setTimeout(check, 120);
  }
  function check() {
    if (!getCore()) return null;
    const b = body();
    const res = call('validateDeclaration', b, todayIso());
    if (!res) return null;
    const errs = res.errors || [];
    const shown = submitted ? errs : errs.filter((e) => isTouched(e.field));
    const bad = showErrors(F, general, shown);
    renderPreview(b, errs);
    return { errs, bad };
  }
  function isTouched(name) {
    if (touched.has(name)) return true;
    if (name.startsWith('travel_14d')) return touched.has('travel') || touched.has('travel_14d');
    for (const k of touched) if (name.startsWith(`${k}.`) || name.startsWith(`${k}[`)) return true;
    return false;
  }
  async function renderPreview(b, errs) {
    if (!getCore()) return setPreview('off');
    if (errs.length) return setPreview('wait');
    const rs = await loadRules();
    if (!rs) return setPreview('wait');
    const v = call('preview', b, rs.rules, { risk_areas: rs.areas }, isoNow());
    if (!v || !v.color) return setPreview('wait');
    setPreview(v);
  }
  function setPreview(v) {
    const key = typeof v === 'string' ? v : JSON.stringify([v.color, v.reasons]);
    if (key === lastPreview) return;
    lastPreview = key;
    preview.textContent = '';
    preview.className = `preview${typeof v === 'string' ? '' : ` c-${v.color}`}`;
    preview.dataset.color = typeof v === 'string' ? '' : v.color;
    preview.append(el('h3', { t: 'preview' }));
    if (typeof v === 'string') {
      preview.append(el('p', { class: 'hint', t: v === 'off' ? 'preview_off' : 'preview_wait' }));
      return;
    }
    preview.append(colorBadge(v.color));
    const list = el('ul', { class: 'reasons' });
    for (const r of v.reasons || []) list.append(setBi(el('li', { 'data-rule': r.rule }), r));
    if (!(v.reasons || []).length) list.append(el('li', { t: 'no_reasons' }));
    preview.append(list, el('p', { class: 'hint', t: 'preview_note' }));
  }
  setPreview(getCore() ? 'wait' : 'off');
  loadRules(true);

  async function onSubmit(e) {
    e.preventDefault();
    submitted = true;
    if (getCore()) {
      const r = check();
      if (r && r.errs.length) {
        setFn(status, () => t('fix_errors').replace('{n}', r.errs.length));
        focusFirst(r.bad);
        return;
      }
    }
    submit.disabled = true;
    setT(status, 'sending');
    try {
      const res = await api('POST', '/declarations', body());
      if (res.status === 201 || res.status === 200) {
        clear(status);
        opts.onDone(res.data);
        return;
      }
      if (res.status === 202 && res.data && opts.onPending) {
        clear(status);
        const p = body().person || {};
        opts.onPending(res.data, { id_type: p.id_type, id_number: p.id_number, name: p.name });
        return;
      }
      if (res.status === 422 && res.data && Array.isArray(res.data.errors)) {
        const bad = showErrors(F, general, res.data.errors);
        setFn(status, () => t('server_errors').replace('{n}', res.data.errors.length));
        focusFirst(bad);
      } else if (res.status === 401) {
        opts.onAuth();
      } else {
        const m = errorText(res.data);
        if (m) setBi(status, m);
        else setFn(status, () => t('err_server').replace('{s}', res.status));
      }
    } catch (err) {
      if (err instanceof NetworkError) setT(status, 'err_network');
      else throw err;
    } finally {
      submit.disabled = false;
    }
  }
  function focusFirst(bad) {
    const f = bad.sort((a, b) => (a.wrap.compareDocumentPosition(b.wrap) & 4 ? -1 : 1))[0];
    if (f) {
      f.control.focus();
      f.wrap.scrollIntoView({ block: 'center' });
    } else if (!general.hidden) general.scrollIntoView({ block: 'center' });
  }

  form.focusStart = () => heading.focus();
  form.refresh = () => { lastPreview = ''; changed(); };
  return form;
}
