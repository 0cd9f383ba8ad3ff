// What survives on the device: the last code shown (the server's CODE JSON,
// which carries a masked name and no ID number or phone) so it stays on screen
// offline, and the display preferences (language, large text).
const CODE = 'ankang.code';
const PREFS = 'ankang.prefs';

function read(k) {
  try { return JSON.parse(localStorage.getItem(k)) || null; } catch { return null; }
}
function write(k, v) {
  try {
    if (v == null) localStorage.removeItem(k);
    else localStorage.setItem(k, JSON.stringify(v));
  } catch { /* storage full or disabled: the page still works */ }
}

// Only the fields of CODE that the card shows; anything else the server adds is
// dropped. The QR is kept as its token text `qr` and drawn again from it.
const KEEP = ['person_id', 'name_masked', 'color', 'reasons', 'advice', 'issued_at', 'valid_until', 'streak',
  'next_step', 'rules_version', 'qr'];
export function saveCode(code) {
  if (!code) return write(CODE, null);
  const c = {};
  for (const k of KEEP) if (k in code) c[k] = code[k];
  write(CODE, c);
}
export const lastCode = () => read(CODE);
export const prefs = () => read(PREFS) || {};
export const savePrefs = (p) => write(PREFS, p);
