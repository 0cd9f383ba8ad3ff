// /staff: the verifier page (查验). Sign in, scan a resident's code with the
// camera (BarcodeDetector where the browser has it, jsQR otherwise) or type it,
// verify online (POST /api/v1/verify) and fall back to offline verification
// with the cached key list when the server is unreachable or slow. The result
// shows the colour big and in words, the masked name, the ID tail, validity and
// the change flag: nothing else about the person.
import jsQR from 'jsqr';
import { NetworkError, staffClient } from '../../common/api.js';
import { colorWord } from '../../common/colors.js';
import { loadCore } from '../../common/core.js';
import { h, $, clear } from '../../common/dom.js';
import { bi, fmtTime, requireStaff, staffHeader } from '../../common/staff.js';
import { loadKeyList, saveKeyList, buildKeyList, verifyOffline, maxKeyAgeHours, setMaxKeyAgeHours } from './offline.js';
import { cue } from './cue.js';

const ONLINE_TIMEOUT_MS = 2500;  // a gate cannot wait longer: go offline
const { api, session } = staffClient;
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
  if (ms != null) panel.dataset.ms = ms.toFixed(2);
  panel.append(...[
    h('div', { class: 'big', id: 'result-color', role: 'status', 'aria-live': 'assertive' },
      h('span', { lang: 'zh-CN' }, words.zh), h('span', { class: 'en' }, words.en)),
    h('p', { class: 'status', id: 'result-status' }, `${st[0]} · ${st[1]}`),
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

  root.append(
    staffHeader('安康码查验 Ankang verifier', sess),
    h('main', { class: 'verifier' },
      result,
      h('div', { class: 'scan' }, scanBtn, scanState, video),
      manualForm,
      h('details', { class: 'settings' },
        h('summary', null, bi('离线设置', 'Offline settings')),
        h('label', null, offlineOnly, ' ', bi('仅离线查验', 'Verify offline only')),
        h('label', { for: 'max-age' }, bi('离线密钥列表最长有效(小时)', 'Refuse offline when the key list is older than (hours)')), limit,
        h('button', { type: 'button', id: 'refresh-keys', onclick: () => refreshKeys(keyAge) }, bi('更新密钥列表', 'Refresh key list'))),
      keyAge));
  showKeyAge(keyAge);
  refreshKeys(keyAge);
  setInterval(() => { if (navigator.onLine !== false) refreshKeys(keyAge); else showKeyAge(keyAge); }, 5 * 60 * 1000);
  window.__ankangStaff = { verify: (qr) => run(qr), refreshKeys: () => refreshKeys(keyAge), ready: () => core() };
}

requireStaff(root, ['verifier', 'admin'], startApp);
