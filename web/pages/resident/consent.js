// Consent to join a person, the person's control over who acts for them, claims
// of one's own ID, and the account's signed-in devices. A family member who is
// already registered is joined only by a request that the person or one of
// their guardians approves (here, as a notice on their page) or that the
// requester confirms with the one-time code sent to the person's phone.
import { el, t, setT, setBi, setFn, clear, getLang } from './lang.js';
import { S } from './strings.js';
import { api, NetworkError, errorText } from './server.js';
import { field, input, select, showErrors, setError } from './widgets.js';
import { ID_TYPES } from './form.js';
import { showTime } from './util.js';

// ctx: {view(node), say(keyOrPairOrFn, kind), failed(res, err), state, home(preferId),
// back(), currentPerson(), logout()}
export function consentViews(ctx) {
  const { view, say, failed, state } = ctx;
  state.join = { incoming: [], outgoing: [] };

  const fill = (key, vars) => () => Object.entries(vars).reduce((s, [k, v]) => s.split(`{${k}}`).join(typeof v === 'function' ? v() : v), t(key));
  const rel = (r) => {
    const k = `rel_${r || 'other'}`;
    const w = t(k) === k ? r : t(k);
    return getLang() === 'en' ? w.toLowerCase() : w;
  };
  const phoneText = (p) => () => p || t('g_nophone');
  const pair = (k) => ({ zh: S[k][0], en: S[k][1] });
  const ask = (key, vars) => window.confirm(fill(key, vars)());
  const hint = (key) => el('p', { class: 'hint', t: key });
  const timeRow = (...parts) => el('p', { class: 'hint' }, parts.filter(Boolean).map(([k, iso]) => setFn(el('span', { class: 'tm' }), () => `${t(k)} ${showTime(iso)} `)));
  const bodyOf = (res) => (res.status === 200 && res.data ? res.data : null);
  async function call(method, path, body) {
    try {
      return await api(method, path, body);
    } catch (e) {
      failed(null, e);
      return null;
    }
  }
  function sub(titleKey, ...kids) {
    return el('section', { class: 'subview' }, el('h2', { t: titleKey }), ...kids,
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn ghost', t: 'back', onclick: () => ctx.back() })));
  }

  // ---- join requests ----
  // Loads {incoming, outgoing}; a server without them (or offline) leaves them empty.
  async function loadJoin() {
    try {
      const res = await api('GET', '/join-requests');
      const d = bodyOf(res);
      state.join = { incoming: (d && d.incoming) || [], outgoing: (d && d.outgoing) || [] };
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
    }
    return state.join;
  }
  async function decide(r, decision, after) {
    if (decision === 'refuse' && !ask('jr_refuse_q', { phone: phoneText(r.requester_phone_masked) })) return;
    const res = await call('POST', `/join-requests/${encodeURIComponent(r.id)}/decision`, { decision });
    if (!res) return;
    if (res.status !== 200) return failed(res);
    await loadJoin();
    await after();
    say(decision === 'approve' ? 'jr_approved' : 'jr_refused', 'good');
  }
  // One incoming request: who asks (masked phone), their relation, for whom; approve / refuse.
  function incomingItem(r, after) {
    return el('li', { class: 'jr', 'data-request': r.id },
      el('p', { class: 'jrt' }, setFn(el('span'), fill('jr_notice', {
        phone: phoneText(r.requester_phone_masked), rel: () => rel(r.relation), name: r.person_name_masked || '' }))),
      timeRow(['jr_sent', r.created_at], r.expires_at && ['jr_until', r.expires_at]),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'btn approve', t: 'jr_approve', onclick: () => decide(r, 'approve', after) }),
        el('button', { type: 'button', class: 'btn ghost refuse', t: 'jr_refuse', onclick: () => decide(r, 'refuse', after) })));
  }
  // The notices above a person's card: requests waiting for this account, and a
  // line when requests of its own are waiting. Returns null when there is nothing.
  function notices() {
    const { incoming, outgoing } = state.join;
    const waiting = outgoing.filter((r) => r.state === 'pending').length;
    if (!incoming.length && !waiting) return null;
    const box = el('div', { class: 'notices' });
    if (incoming.length) {
      box.append(el('section', { class: 'notice', role: 'region', al: 'jr_notice_title' },
        el('h3', { t: 'jr_notice_title' }),
        el('ul', { class: 'jrs' }, incoming.map((r) => incomingItem(r, () => ctx.home(state.current))))));
    }
    if (waiting) {
      box.append(el('p', { class: 'notice waiting' }, setFn(el('span'), fill('jr_waiting', { n: waiting })), ' ',
        el('button', { type: 'button', class: 'btn small', t: 'jr_view', onclick: accessView })));
    }
    return box;
  }

  // The code input, confirm and withdraw of a pending request of this account.
  function pendingControls(id, onGone) {
    const code = field('code', 'pending_code', input({ name: 'code', inputMode: 'numeric', autocomplete: 'off', maxLength: 8 }), 'pending_code_hint');
    const ok = el('button', { type: 'submit', class: 'btn primary confirm', t: 'pending_confirm' });
    const form = el('form', { class: 'pending-code', noValidate: true, onsubmit: async (e) => {
      e.preventDefault();
      const v = code.control.value.trim();
      if (!v) { setError(code, pair('code_needed')); return code.control.focus(); }
      ok.disabled = true;
      const res = await call('POST', `/join-requests/${encodeURIComponent(id)}/confirm`, { code: v });
      ok.disabled = false;
      if (!res) return;
      if (res.status === 200) {
        await ctx.home(res.data && res.data.person_id);
        say('pending_ok', 'good');
      } else if (res.status === 422 || res.status === 409) {
        setError(code, errorText(res.data) || pair('bad_code'));
        code.control.focus();
      } else failed(res);
    } }, code.wrap, el('div', { class: 'actions' }, ok));
    const withdraw = el('button', { type: 'button', class: 'btn ghost withdraw', t: 'pending_withdraw', onclick: async () => {
      if (!window.confirm(t('pending_withdraw_q'))) return;
      const res = await call('DELETE', `/join-requests/${encodeURIComponent(id)}`);
      if (!res) return;
      if (res.status !== 200) return failed(res);
      await loadJoin();
      await onGone();
      say('pending_withdrawn', 'good');
    } });
    return [form, el('div', { class: 'actions' }, withdraw)];
  }

  // After a family member (or oneself) turned out to be registered already:
  // nothing is shown about them until the request is approved.
  function pendingView(answer, prefill) {
    const id = answer.request_id;
    const msg = answer.message_zh || answer.message_en ? setBi(el('p', { class: 'msg' }), { zh: answer.message_zh, en: answer.message_en })
      : el('p', { class: 'msg', t: 'pending_text' });
    const dev = answer.dev_code ? el('p', { class: 'devcode' }, setFn(el('span'), () => t('dev_code') + answer.dev_code)) : null;
    view(el('section', { class: 'subview pending', 'data-request': id || '' },
      el('h2', { t: 'pending_title' }),
      el('p', { class: 'state', 'data-state': 'pending' }, el('strong', { t: 'jst_pending' })),
      msg, dev,
      id ? pendingControls(id, () => accessView()) : null,
      el('div', { class: 'claimbox' }, hint('claim_hint'),
        el('button', { type: 'button', class: 'btn', t: 'claim_btn', onclick: () => claimView(prefill) })),
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn ghost', t: 'back', onclick: () => ctx.home() }))));
    loadJoin();
  }

  // ---- requests, claims and devices of this account ----
  async function accessView() {
    const incoming = el('ul', { class: 'jrs incoming' });
    const outgoing = el('ul', { class: 'jrs outgoing' });
    const claims = el('ul', { class: 'claims' });
    const devices = el('ul', { class: 'sessions' });
    const others = el('button', { type: 'button', class: 'btn signout-others', t: 's_signout_others', hidden: true, onclick: async () => {
      if (!window.confirm(t('s_signout_q'))) return;
      const res = await call('POST', '/me/sessions/sign-out-others', {});
      if (!res) return;
      if (res.status !== 200) return failed(res);
      const n = (res.data && res.data.ended) || 0;
      await loadSessions();
      say(fill('s_ended', { n }), 'good');
    } });
    view(sub('access_title',
      el('h3', { t: 'jr_incoming' }), incoming,
      el('h3', { t: 'jr_outgoing' }), outgoing,
      el('h3', { t: 'claims_mine' }), claims,
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn', t: 'claim_btn', onclick: () => claimView() })),
      el('h3', { t: 'sessions_title' }), devices, el('div', { class: 'actions' }, others)));

    async function loadRequests() {
      const j = await loadJoin();
      clear(incoming);
      clear(outgoing);
      if (!j.incoming.length) incoming.append(el('li', { class: 'none', t: 'jr_incoming_none' }));
      for (const r of j.incoming) incoming.append(incomingItem(r, loadRequests));
      if (!j.outgoing.length) outgoing.append(el('li', { class: 'none', t: 'jr_outgoing_none' }));
      for (const r of j.outgoing) {
        const st = r.state || 'pending';
        outgoing.append(el('li', { class: 'jr', 'data-request': r.id, 'data-state': st },
          el('p', { class: 'jrt' }, el('strong', null, r.name_masked || ''), ' · ', setFn(el('span'), () => rel(r.relation)), ' · ',
            el('strong', { class: 'state', t: `jst_${st}` })),
          timeRow(['jr_sent', r.created_at], st === 'pending' && r.expires_at && ['jr_until', r.expires_at]),
          st === 'pending' ? pendingControls(r.id, loadRequests) : null));
      }
    }
    async function loadClaims() {
      const res = await call('GET', '/claims');
      clear(claims);
      const d = res && res.status === 200 ? res.data : null;
      const list = Array.isArray(d) ? d : (d && d.claims) || [];
      if (!list.length) claims.append(el('li', { class: 'none', t: 'claims_none' }));
      for (const c of list) {
        const st = c.state || 'pending';
        claims.append(el('li', { 'data-claim': c.claim_id || c.id, 'data-state': st },
          el('p', null, el('strong', { class: 'state', t: `cst_${st}` })),
          c.note ? el('p', { class: 'note' }, c.note) : null,
          c.decision_note ? el('p', { class: 'note' }, el('span', { t: 'appeal_note' }), c.decision_note) : null,
          timeRow(['jr_sent', c.created_at], c.decided_at && ['c_decided', c.decided_at])));
      }
    }
    async function loadSessions() {
      const res = await call('GET', '/me/sessions');
      clear(devices);
      const list = (res && res.status === 200 && res.data && res.data.sessions) || [];
      others.hidden = !list.some((s) => !s.current);
      for (const s of list) {
        devices.append(el('li', { 'data-session': s.id, class: s.current ? 'current' : '' },
          el('p', null, el('strong', null, s.device || ''), s.device ? null : el('strong', { t: 's_unknown' }),
            s.current ? el('span', { class: 'tag', t: 's_current' }) : null),
          timeRow(['s_since', s.created_at], s.last_seen_at && ['s_last', s.last_seen_at]),
          s.current ? null : el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn ghost small signout', t: 's_signout', onclick: async () => {
            const r = await call('DELETE', `/me/sessions/${encodeURIComponent(s.id)}`);
            if (!r) return;
            if (r.status !== 200) return failed(r);
            await loadSessions();
            say(fill('s_ended', { n: (r.data && r.data.ended) || 1 }), 'good');
          } }))));
      }
    }
    await Promise.all([loadRequests(), loadClaims(), loadSessions()]);
  }

  // ---- claiming one's own ID ----
  function claimView(prefill = {}) {
    const type = field('id_type', 'id_type', select(ID_TYPES.map((v) => [v, `id_${v}`]), { name: 'id_type' }));
    const num = field('id_number', 'id_number', input({ name: 'id_number', autocomplete: 'off', spellcheck: false, autocapitalize: 'characters', maxLength: 24, value: prefill.id_number || '' }));
    const name = field('name', 'name', input({ name: 'name', autocomplete: 'name', maxLength: 60, value: prefill.name || '' }), 'name_hint');
    const note = field('note', 'claim_note', el('textarea', { name: 'note', rows: 3, maxLength: 500 }), 'claim_note_hint');
    if (prefill.id_type) type.control.value = prefill.id_type;
    const general = el('ul', { class: 'err general', hidden: true });
    const msg = el('p', { class: 'status', role: 'status' });
    const F = { id_type: type, id_number: num, name, note };
    const btn = el('button', { type: 'submit', class: 'btn primary', t: 'claim_submit' });
    const form = el('form', { class: 'claim', noValidate: true, onsubmit: async (e) => {
      e.preventDefault();
      const b = { id_type: type.control.value, id_number: num.control.value.trim(), name: name.control.value.trim(), note: note.control.value.trim() };
      const missing = ['id_number', 'name'].filter((k) => !b[k]).map((k) => ({ field: k, message_zh: S.required[0], message_en: S.required[1] }));
      if (missing.length) return showErrors(F, general, missing)[0].control.focus();
      btn.disabled = true;
      const res = await call('POST', '/claims', b);
      btn.disabled = false;
      if (!res) return;
      if (res.status === 202 || res.status === 201 || res.status === 200) {
        showErrors(F, general, []);
        await accessView();
        say('claim_sent', 'good');
      } else if (res.status === 422 && res.data && res.data.errors) {
        const bad = showErrors(F, general, res.data.errors);
        if (bad[0]) bad[0].control.focus();
      } else failed(res);
    } }, hint('claim_intro'), type.wrap, num.wrap, name.wrap, note.wrap, general, msg, el('div', { class: 'actions' }, btn));
    view(sub('claim_title', form));
  }

  // ---- who can act for the current person ----
  async function guardiansView() {
    const p = ctx.currentPerson();
    if (!p) return;
    const list = el('ul', { class: 'guardians' });
    const note = el('p', { class: 'hint' });
    view(sub('guardians_title', el('p', { class: 'who' }, el('span', { t: 'g_for' }), '：', p.name_masked || ''), note, list));
    async function load() {
      const res = await call('GET', `/persons/${encodeURIComponent(p.person_id)}/guardians`);
      if (!res) return;
      if (res.status !== 200 || !res.data) return failed(res);
      const can = !!res.data.can_remove_others;
      setT(note, can ? 'guardians_self' : 'guardians_other');
      clear(list);
      for (const g of res.data.guardians || []) {
        let btn = null;
        if (g.me && !can) {
          btn = el('button', { type: 'button', class: 'btn ghost small leave', t: 'g_leave', onclick: async () => {
            if (!ask('g_leave_q', { name: p.name_masked || '' })) return;
            const r = await call('DELETE', `/persons/${encodeURIComponent(p.person_id)}/guardians/${encodeURIComponent(g.account_id)}`);
            if (!r) return;
            if (r.status !== 200) return failed(r);
            state.current = null;
            await ctx.home();
            say('g_left', 'good');
          } });
        } else if (!g.me && can) {
          btn = el('button', { type: 'button', class: 'btn ghost small remove', t: 'g_remove', onclick: async () => {
            if (!ask('g_remove_q', { phone: phoneText(g.phone_masked) })) return;
            const r = await call('DELETE', `/persons/${encodeURIComponent(p.person_id)}/guardians/${encodeURIComponent(g.account_id)}`);
            if (!r) return;
            if (r.status !== 200) return failed(r);
            await load();
            say('g_removed', 'good');
          } });
        }
        list.append(el('li', { 'data-account': g.account_id, class: g.me ? 'me' : '' },
          el('p', { class: 'gh' }, setFn(el('strong'), phoneText(g.phone_masked)), g.me ? el('span', { class: 'tag', t: 'g_me' }) : null,
            ' · ', g.relation === 'self' ? el('span', { t: 'rel_self' })
              : setFn(el('span'), fill('g_rel', { name: p.name_masked || '', rel: () => rel(g.relation) }))),
          g.since ? timeRow(['g_since', g.since]) : null,
          btn ? el('div', { class: 'actions' }, btn) : null));
      }
    }
    await load();
  }

  return { loadJoin, notices, pendingView, accessView, claimView, guardiansView };
}
