// Sound and vibration cues for gate use: a verifier hears the result without
// looking. green: one short high beep; yellow: two middle beeps; red: three long
// low beeps; invalid: a low buzz. WebAudio oscillators, no audio files.
const PATTERNS = {
  green: { freq: 1320, beeps: [[0, 0.12]], vibrate: [80] },
  gray: { freq: 990, beeps: [[0, 0.12], [0.2, 0.12]], vibrate: [80, 80, 80] },
  yellow: { freq: 880, beeps: [[0, 0.15], [0.25, 0.15]], vibrate: [150, 100, 150] },
  red: { freq: 520, beeps: [[0, 0.3], [0.4, 0.3], [0.8, 0.3]], vibrate: [300, 100, 300, 100, 300] },
  invalid: { freq: 220, beeps: [[0, 0.6]], vibrate: [600], type: 'sawtooth' },
};

let ctx = null;
export let lastCue = null;  // for tests: the last pattern played

export function cue(kind) {
  const p = PATTERNS[kind] || PATTERNS.invalid;
  lastCue = kind in PATTERNS ? kind : 'invalid';
  document.documentElement.dataset.lastCue = lastCue;
  try {
    if (navigator.vibrate) navigator.vibrate(p.vibrate);
  } catch { /* not allowed */ }
  try {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    ctx = ctx || new AC();
    const t0 = ctx.currentTime + 0.01;
    for (const [at, dur] of p.beeps) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = p.type || 'sine';
      osc.frequency.value = p.freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.3, t0 + at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + dur + 0.02);
    }
  } catch { /* audio blocked: vibration and the screen remain */ }
}
