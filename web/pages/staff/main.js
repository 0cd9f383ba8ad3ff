// /staff: the verifier page (查验). Sign in, scan a resident's code with the
// camera (BarcodeDetector where the browser has it, jsQR otherwise) or type it,
// verify online (POST /api/v1/verify) and fall back to offline verification
// with the cached key list when the server is unreachable or slow. The result
// shows the colour big and in words, the masked name, the ID tail, validity and
// the change flag, and for an offline code how old its data is: nothing else
// about the person. A person without a smartphone is checked by the number of
// their ID card (POST /api/v1/verify/id, online only): masked name and colour.
//
// The gate device signs in once: its session is a device session in the
// server's cookie (verifierClient), so after a restart the page opens signed
// in without the network and verifies offline while the key list is young
// enough; online, the server is asked whether the session still holds.
import jsQR from 'jsqr';
import { NetworkError, verifierClient } from '../../common/api.js';
import { colorWord } from '../../common/colors.js';
import { loadCore } from '../../common/core.js';
import { h, $, clear } from '../../common/dom.js';
import { bi, fmtTime, requireStaff, staffHeader } from '../../common/staff.js';
import { loadKeyList, saveKeyList, buildKeyList, verifyOffline, maxKeyAgeHours, setMaxKeyAgeHours } from './offline.js';
import { cue } from './cue.js';

const ONLINE_TIMEOUT_MS = 2500;  // a gate cannot wait longer: go offline
const { api, session } = verifierClient;
const root = $('#app');
// The wasm core parses tokens offline (inspectToken).
const core = () => loadCore({ base: '/' });

async function refreshKeys(statusEl) {
  try {
    const own = await api('GET', '/keys', undefined, { timeoutMs: 5000 });
    if (own.status !== 200) throw new Error(`keys HTTP ${own.status}`);
    let trusted = null;
    try {
      const t = await api('GET', '/issuers', undefined, { timeoutMs: 5000 });
      if (t.status === 200) trusted = t.data;
    } catch { /* trusted issuers are optional */ }
    saveKeyList(buildKeyList(own.data, trusted, Date.now()));
  } catch (e) {
    /* offline: keep the cached list */
  }
  showKeyAge(statusEl);
}

function ageText(seconds) {
  if (seconds == null) return '无 none';
  if (seconds < 90) return `${seconds} 秒 s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} 分钟 min`;
  return `${(seconds / 3600).toFixed(1)} 小时 h`;
}

function showKeyAge(el) {
  const list = loadKeyList();
  const age = list ? Math.round((Date.now() - list.fetched_at) / 1000) : null;
  const n = list ? list.issuers.reduce((a, i) => a + i.keys.length, 0) : 0;
  const stale = age == null || age > maxKeyAgeHours() * 3600;
  el.className = stale ? 'keyage stale' : 'keyage';
  el.dataset.age = age == null ? '' : String(age);
  el.textContent = `密钥列表 Key list: ${list ? list.issuers.map((i) => i.name).join(', ') : '-'} · ${n} keys · ` +
    `更新于 age ${ageText(age)} · 上限 limit ${maxKeyAgeHours()} h${stale ? ' · 已过期 TOO OLD' : ''}`;
}

const STATUS_TEXT = {
  current: ['有效', 'Valid'],
  changed: ['有效 · 颜色已变化', 'Valid · colour changed since issued'],
  expired: ['已过期 · 无效', 'EXPIRED · not valid'],
  bad_signature: ['签名无效 · 伪造或损坏', 'BAD SIGNATURE · forged or damaged'],
  unknown_issuer: ['未知签发方 · 不予认可', 'UNKNOWN ISSUER · not recognised'],
  bad_validity: ['有效期不可信 · 不予认可', 'IMPLAUSIBLE VALIDITY · not accepted'],
  malformed: ['不是健康码', 'NOT A HEALTH CODE'],
  stale_keys: ['离线密钥列表过旧,请联网更新', 'Key list too old: connect to refresh'],
  error: ['查验失败', 'Verification failed'],
};

// "08:00（3 小时前 h ago）" for an ISO time and an age in seconds.
function dataAge(iso, seconds) {
  const d = new Date(iso);
  const p = (x) => String(x).padStart(2, '0');
  const at = isNaN(d) ? '' : `${p(d.getHours())}:${p(d.getMinutes())}`;
  const s = Math.max(0, Number(seconds) || 0);
  const ago = s < 90 ? '刚刚 just now' : s < 5400 ? `${Math.round(s / 60)} 分钟前 min ago` : `${(s / 3600).toFixed(1)} 小时前 h ago`;
  return `${at}（${ago}）`;
}

function showResult(panel, r, ms) {
  clear(panel);
  const valid = !!r.valid;
  const color = valid ? r.color : 'invalid';
  // A gate reads the colour at a glance: the core's word, the English in capitals.
  const word = colorWord(r.color);
  const words = valid ? { zh: word.zh, en: word.en.toUpperCase() } : { zh: '无效', en: 'INVALID' };
  const st = STATUS_TEXT[r.status] || [r.status, r.status];
  panel.className = `result ${color}`;
  panel.dataset.status = r.status;
  panel.dataset.color = valid ? r.color : '';
  panel.dataset.mode = r.offline ? 'offline' : 'online';
  panel.dataset.kind = r.kind || '';
  if (ms != null) panel.dataset.ms = ms.toFixed(2);
  panel.append(...[
    h('div', { class: 'big', id: 'result-color', role: 'status', 'aria-live': 'assertive' },
      h('span', { lang: 'zh-CN' }, words.zh), h('span', { class: 'en' }, words.en)),
    h('p', { class: 'status', id: 'result-status' }, `${st[0]} · ${st[1]}`),
    r.kind === 'offline' && r.issued_at ? h('p', { class: 'flag', id: 'result-kind' },
      `离线码 OFFLINE CODE · 数据更新于 data from ${dataAge(r.issued_at, r.data_age_seconds)}` +
      (r.expires_at ? ` · 离线码有效至 valid until ${fmtTime(r.expires_at)}` : '')) : null,
    r.status === 'changed' ? h('p', { class: 'flag', id: 'result-changed' },
      bi('⚠ 签发后颜色已变化,以上为当前颜色', '⚠ The colour changed since this code was issued; shown is the current one')) : null,
    valid || r.name_masked ? h('dl', { class: 'facts' },
      h('dt', null, bi('姓名', 'Name')), h('dd', { id: 'result-name' }, r.name_masked || ''),
      h('dt', null, bi('证件尾号', 'ID tail')), h('dd', { id: 'result-idtail', class: 'idtail' }, r.id_tail || ''),
      h('dt', null, bi('有效期至', 'Valid until')), h('dd', { id: 'result-valid' }, fmtTime(r.valid_until))) : null,
    r.issuer_name && !r.own_issuer ? h('p', { class: 'issuer', id: 'result-issuer' }, `签发方 Issuer: ${r.issuer_name} (互认 recognised)`) : null,
    r.status === 'unknown_issuer' && r.issuer ? h('p', { class: 'issuer' }, `签发方 Issuer: ${r.issuer}`) : null,
    h('p', { class: 'mode', id: 'result-mode' }, r.offline
      ? `离线查验 OFFLINE · 密钥列表 key list ${ageText(r.key_age_s)}${ms != null ? ` · ${ms.toFixed(1)} ms` : ''}`
      : `在线查验 ONLINE${ms != null ? ` · ${ms.toFixed(0)} ms` : ''}`)].filter(Boolean));
  cue(valid ? r.color : 'invalid');
}

const ID_TYPES = [['resident_id', '居民身份证', 'Resident ID card'], ['passport', '护照', 'Passport'],
  ['hk_macao_permit', '港澳居民来往内地通行证', 'HK/Macao permit'], ['taiwan_permit', '台湾居民来往大陆通行证', 'Taiwan permit'],
  ['foreign_permanent_id', '外国人永久居留身份证', 'Foreign permanent residence ID']];

// The answer to a check by ID number: the colour big (or "not found"), the
// masked name, and how many checks this verifier has left this hour.
function showIdResult(panel, r) {
  clear(panel);
  const found = r.status === 'id_check' && r.color;
  const word = found ? colorWord(r.color) : null;
  const big = found ? { zh: word.zh, en: word.en.toUpperCase() }
    : r.status === 'id_check' ? { zh: '无健康码', en: 'NO CODE' }
      : r.status === 'id_not_found' ? { zh: '未找到', en: 'NOT FOUND' }
        : { zh: '未能查验', en: 'NOT CHECKED' };
  const text = {
    id_check: ['按证件号查验 · 当前颜色', 'Checked by ID number · current colour'],
    id_not_found: ['此证件号没有登记', 'Nobody is registered with this ID number'],
    id_limited: ['本小时按证件号查验次数已满', 'No more ID-number checks this hour'],
    id_offline: ['按证件号查验需要联网', 'Checks by ID number need the network'],
    id_bad: ['证件类型或号码不正确', 'Not a valid ID type or number'],
    error: ['查验失败', 'Check failed'],
  }[r.status] || ['查验失败', 'Check failed'];
  panel.className = `result ${found ? r.color : 'invalid'}`;
  panel.dataset.status = r.status;
  panel.dataset.color = found ? r.color : '';
  panel.dataset.mode = 'id';
  panel.dataset.kind = 'id';
  panel.append(...[
    h('div', { class: 'big', id: 'result-color', role: 'status', 'aria-live': 'assertive' },
      h('span', { lang: 'zh-CN' }, big.zh), h('span', { class: 'en' }, big.en)),
    h('p', { class: 'status', id: 'result-status' }, `${text[0]} · ${text[1]}`),
    r.name_masked ? h('dl', { class: 'facts' },
      h('dt', null, bi('姓名', 'Name')), h('dd', { id: 'result-name' }, r.name_masked)) : null,
    h('p', { class: 'mode', id: 'result-mode' }, `按证件号 BY ID NUMBER · 在线 ONLINE${r.checks_left != null ? ` · 本小时还可查 ${r.checks_left} 次 checks left this hour` : ''}` +
      (r.retry_after ? ` · ${Math.ceil(r.retry_after / 60)} 分钟后再试 try again in ${Math.ceil(r.retry_after / 60)} min` : ''))].filter(Boolean));
  cue(found ? r.color : 'invalid');
}

// POST /api/v1/verify/id: online only (the server holds the persons).
async function checkId(idType, idNumber) {
  if (navigator.onLine === false) return { status: 'id_offline' };
  try {
    const r = await api('POST', '/verify/id', { id_type: idType, id_number: idNumber }, { timeoutMs: 8000 });
    if (r.status === 200 && r.data) return { ...r.data, status: r.data.found ? 'id_check' : 'id_not_found' };
    if (r.status === 429) return { status: 'id_limited', retry_after: Number(r.headers.get('Retry-After')) || null };
    if (r.status === 422) return { status: 'id_bad' };
    if (r.status === 401 || r.status === 403) { session.clear(); return { status: 'error', expired: true }; }
    return { status: 'error' };
  } catch (e) {
    if (e instanceof NetworkError) return { status: 'id_offline' };
    throw e;
  }
}

async function verify(qr, opts) {
  const t0 = performance.now();
  if (!opts.offlineOnly && navigator.onLine !== false) {
    try {
      const r = await api('POST', '/verify', { qr }, { timeoutMs: ONLINE_TIMEOUT_MS });
      if (r.status === 200 && r.data && r.data.status) {
        const out = { ...r.data, offline: false };
        if (r.data.issuer) {
          const list = loadKeyList();
          const iss = list && list.issuers.find((i) => i.issuer === r.data.issuer);
          out.issuer_name = r.data.issuer_name || (iss && iss.name) || r.data.issuer;
          out.own_issuer = iss ? iss.own : false;
        }
        return { r: out, ms: performance.now() - t0 };
      }
      if (r.status === 401 || r.status === 403) {
        session.clear();
        return { r: { valid: false, status: 'error', message: 'session expired' }, ms: null };
      }
      if (r.status < 500) return { r: { valid: false, status: (r.data && r.data.status) || 'malformed' }, ms: performance.now() - t0 };
      // 5xx: the server is in trouble; verify offline.
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
    }
  }
  const m = await core();
  if (!m) throw new Error('the wasm core did not load');
  const t1 = performance.now();
  const r = await verifyOffline(m, qr, loadKeyList(), Date.now(), maxKeyAgeHours());
  return { r, ms: performance.now() - t1 };
}

function startApp(sess) {
  core();  // early, so offline verification is ready when the network goes
  // Keep the page itself for offline use (secure contexts only: https or localhost).
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/staff-sw.js', { scope: '/staff' }).catch(() => {});
  const keyAge = h('p', { class: 'keyage', id: 'key-age' });
  const result = h('section', { class: 'result idle', id: 'result', 'aria-label': 'result' },
    h('p', { class: 'hint' }, bi('扫描或输入健康码', 'Scan or enter a health code')));
  const offlineOnly = h('input', { type: 'checkbox', id: 'offline-only' });
  const limit = h('input', { type: 'number', id: 'max-age', min: '1', max: '720', step: '1', value: String(maxKeyAgeHours()), class: 'narrow' });
  limit.addEventListener('change', () => { if (Number(limit.value) > 0) { setMaxKeyAgeHours(Number(limit.value)); showKeyAge(keyAge); } });
  const manual = h('textarea', { id: 'manual-qr', rows: 3, placeholder: 'AK1:...', spellcheck: false, autocomplete: 'off' });
  const video = h('video', { id: 'video', playsinline: true, muted: true, autoplay: true });
  const scanState = h('p', { class: 'scanstate', id: 'scan-state' }, '');
  const canvas = document.createElement('canvas');
  let stream = null;
  let lastQr = '';
  let lastAt = 0;
  let busy = false;

  async function run(qr) {
    if (busy) return;
    busy = true;
    try {
      const { r, ms } = await verify(qr, { offlineOnly: offlineOnly.checked });
      showResult(result, r, ms);
      if (r.status === 'error') { setTimeout(() => location.reload(), 1500); }
    } catch (e) {
      showResult(result, { valid: false, status: 'error' }, null);
    } finally {
      busy = false;
      showKeyAge(keyAge);
    }
  }

  let detector = null;
  if ('BarcodeDetector' in window) {
    try { detector = new window.BarcodeDetector({ formats: ['qr_code'] }); } catch { detector = null; }
  }

  async function decodeFrame() {
    const w = video.videoWidth;
    const hh = video.videoHeight;
    if (!w || !hh) return null;
    if (detector) {
      try {
        const codes = await detector.detect(video);
        if (codes.length) return codes[0].rawValue;
        return null;
      } catch { detector = null; /* fall back to jsQR */ }
    }
    canvas.width = w;
    canvas.height = hh;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, w, hh);
    const img = ctx.getImageData(0, 0, w, hh);
    const code = jsQR(img.data, w, hh, { inversionAttempts: 'dontInvert' });
    return code ? code.data : null;
  }

  async function loop() {
    if (!stream) return;
    try {
      const qr = await decodeFrame();
      if (qr && !(qr === lastQr && Date.now() - lastAt < 4000)) {
        lastQr = qr;
        lastAt = Date.now();
        await run(qr);
      }
    } catch { /* next frame */ }
    if (stream) setTimeout(loop, 120);
  }

  async function startScan() {
    if (stream) return stopScan();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false });
    } catch (e) {
      scanState.textContent = `无法打开摄像头 Camera unavailable: ${e.name || e}`;
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    scanBtn.replaceChildren(...bi('停止扫描', 'Stop scanning'));
    scanState.textContent = `扫描中 Scanning (${detector ? 'BarcodeDetector' : 'jsQR'})…`;
    video.hidden = false;
    loop();
  }
  function stopScan() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = true;
    scanBtn.replaceChildren(...bi('扫码', 'Scan'));
    scanState.textContent = '';
  }
  const scanBtn = h('button', { type: 'button', class: 'primary big-btn', id: 'scan', onclick: startScan }, bi('扫码', 'Scan'));
  video.hidden = true;

  const manualForm = h('form', { class: 'manual', id: 'manual-form' },
    h('label', { for: 'manual-qr' }, bi('手动输入', 'Manual entry')), manual,
    h('button', { type: 'submit', id: 'manual-verify' }, bi('查验', 'Verify')));
  manualForm.addEventListener('submit', (ev) => { ev.preventDefault(); if (manual.value.trim()) run(manual.value.trim()); });

  // No smartphone: the ID card's number, typed; cleared once checked.
  const idType = h('select', { id: 'id-type' }, ...ID_TYPES.map(([v, zh, en]) => h('option', { value: v }, `${zh} ${en}`)));
  const idNumber = h('input', { id: 'id-number', autocomplete: 'off', spellcheck: false, autocapitalize: 'characters', maxlength: 32 });
  const idForm = h('form', { class: 'manual', id: 'id-form' },
    h('h2', null, bi('无智能手机：按证件号查验', 'No smartphone: check by ID number')),
    h('label', { for: 'id-type' }, bi('证件类型', 'ID type')), idType,
    h('label', { for: 'id-number' }, bi('证件号码', 'ID number')), idNumber,
    h('button', { type: 'submit', id: 'id-check' }, bi('查验', 'Check')));
  idForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = idNumber.value.trim();
    if (!n || busy) return;
    busy = true;
    try {
      const r = await checkId(idType.value, n);
      if (r.status !== 'id_bad') idNumber.value = '';
      showIdResult(result, r);
      if (r.expired) setTimeout(() => location.reload(), 1500);
    } catch {
      showIdResult(result, { status: 'error' });
    } finally {
      busy = false;
    }
  });

  root.append(
    staffHeader('安康码查验 Ankang verifier', sess, verifierClient),
    h('main', { class: 'verifier' },
      result,
      h('div', { class: 'scan' }, scanBtn, scanState, video),
      manualForm,
      idForm,
      h('details', { class: 'settings' },
        h('summary', null, bi('离线设置', 'Offline settings')),
        h('label', null, offlineOnly, ' ', bi('仅离线查验', 'Verify offline only')),
        h('label', { for: 'max-age' }, bi('离线密钥列表最长有效(小时)', 'Refuse offline when the key list is older than (hours)')), limit,
        h('button', { type: 'button', id: 'refresh-keys', onclick: () => refreshKeys(keyAge) }, bi('更新密钥列表', 'Refresh key list'))),
      keyAge));
  showKeyAge(keyAge);
  refreshKeys(keyAge);
  // Opened signed in from the device: online, the server says whether the session still holds.
  if (navigator.onLine !== false) {
    api('GET', '/me', undefined, { timeoutMs: 5000 }).then((r) => {
      if (r.status === 401) { session.clear(); location.reload(); }
    }).catch(() => { /* offline: verify offline */ });
  }
  setInterval(() => { if (navigator.onLine !== false) refreshKeys(keyAge); else showKeyAge(keyAge); }, 5 * 60 * 1000);
  window.__ankangStaff = { verify: (qr) => run(qr), refreshKeys: () => refreshKeys(keyAge), ready: () => core() };
}

requireStaff(root, ['verifier', 'admin'], startApp, verifierClient);
