// What survives on the device: the last card (each person's last code, as the
// server's CODE JSON, which carries a masked name and no ID number or phone,
// with the offline code kept beside it), so the page shows it at once when
// opened and keeps a QR that scans while there is no network; the server
// clock's offset from this device's; and the display preferences (language,
// large text). The card belongs to the account that is signed in and goes
// with it (log-out, or a session the server ended).
const CARD = 'ankang.card';
const PREFS = 'ankang.prefs';
// The current code's QR matrices as last drawn, for first.js (the first paint
// before the page's script has loaded): {person_id, name_masked, color,
// screen: {exp, size, bits} | null, offline: {exp, data_at, size, bits} | null}.
const FIRST = 'ankang.first';

function read(k) {
  try { return JSON.parse(localStorage.getItem(k)) || null; } catch { return null; }
}
function write(k, v) {
  try {
    if (v == null) localStorage.removeItem(k);
    else localStorage.setItem(k, JSON.stringify(v));
  } catch { /* storage full or disabled: the page still works */ }
}
write('ankang.code', null);  // the one-code copy of earlier versions

// Only the fields of CODE that the card shows; anything else the server adds is
// dropped. The QRs are kept as their token texts and drawn again from them.
const KEEP = ['person_id', 'name_masked', 'color', 'reasons', 'advice', 'issued_at', 'valid_until', 'streak',
  'next_step', 'rules_version', 'qr', 'qr_expires_at', 'offline_code'];
export function keepCode(code) {
  if (!code) return null;
  const c = {};
  for (const k of KEEP) if (k in code) c[k] = code[k];
  return c;
}

// card: {account_id, current, persons: [{person_id, name_masked, relation, code}], skew}.
export function saveCard(card) {
  if (!card) {
    write(FIRST, null);
    return write(CARD, null);
  }
  write(CARD, {
    account_id: card.account_id,
    current: card.current,
    skew: card.skew || 0,
    saved_at: Date.now(),
    persons: (card.persons || []).map((p) => ({
      person_id: p.person_id, name_masked: p.name_masked, relation: p.relation, code: keepCode(p.code),
    })),
  });
}
export const lastCard = () => {
  const c = read(CARD);
  return c && Array.isArray(c.persons) ? c : null;
};
export const saveFirst = (v) => write(FIRST, v);
export const prefs = () => read(PREFS) || {};
export const savePrefs = (p) => write(PREFS, p);
