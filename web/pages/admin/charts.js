// Hand-made SVG charts for the admin console (small, no chart library):
// stacked bars of codes by colour per day, and horizontal stacked bars by region.
const NS = 'http://www.w3.org/2000/svg';
export const COLORS = { green: '#138a36', yellow: '#e0a800', gray: '#5f6368', red: '#c62828' };
const ORDER = ['green', 'yellow', 'gray', 'red'];

function el(tag, attrs, text) {
  const n = document.createElementNS(NS, tag);
  for (const k in attrs) n.setAttribute(k, attrs[k]);
  if (text != null) n.textContent = text;
  return n;
}

// A maximum whose quarters are whole, round numbers (4 grid lines).
function niceMax(v) {
  if (v <= 40) return Math.max(4, Math.ceil(v / 4) * 4);
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// rows: [{label, green, yellow, gray, red}]
export function stackedColumns(rows, { width = 760, height = 260, title = '' } = {}) {
  const pad = { l: 44, r: 10, t: 24, b: 34 };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  svg.append(el('title', {}, title));
  const max = niceMax(Math.max(1, ...rows.map((r) => ORDER.reduce((a, c) => a + (r[c] || 0), 0))));
  const ih = height - pad.t - pad.b;
  const iw = width - pad.l - pad.r;
  for (let i = 0; i <= 4; i++) {
    const y = pad.t + ih - (ih * i) / 4;
    svg.append(el('line', { x1: pad.l, x2: width - pad.r, y1: y, y2: y, stroke: '#e0e0e0' }));
    svg.append(el('text', { x: pad.l - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, String(Math.round((max * i) / 4))));
  }
  const bw = iw / Math.max(1, rows.length);
  rows.forEach((r, i) => {
    let y = pad.t + ih;
    const x = pad.l + i * bw + bw * 0.15;
    for (const c of ORDER) {
      const v = r[c] || 0;
      if (!v) continue;
      const hgt = (ih * v) / max;
      y -= hgt;
      const rect = el('rect', { x, y, width: bw * 0.7, height: hgt, fill: COLORS[c], 'data-color': c, 'data-value': v });
      rect.append(el('title', {}, `${r.label} ${c}: ${v}`));
      svg.append(rect);
    }
    if (rows.length <= 16 || i % Math.ceil(rows.length / 16) === 0) {
      svg.append(el('text', { x: x + bw * 0.35, y: height - pad.b + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' }, r.label));
    }
  });
  return svg;
}

// rows: [{label, green, yellow, gray, red}] drawn as horizontal stacked bars.
export function stackedBars(rows, { width = 760, title = '' } = {}) {
  const rowH = 24;
  const pad = { l: 170, r: 50, t: 8, b: 8 };
  const height = pad.t + pad.b + rowH * Math.max(1, rows.length);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  svg.append(el('title', {}, title));
  const max = Math.max(1, ...rows.map((r) => ORDER.reduce((a, c) => a + (r[c] || 0), 0)));
  const iw = width - pad.l - pad.r;
  rows.forEach((r, i) => {
    const y = pad.t + i * rowH;
    svg.append(el('text', { x: pad.l - 6, y: y + rowH * 0.68, 'text-anchor': 'end', 'font-size': 12, fill: '#333' }, r.label));
    let x = pad.l;
    let total = 0;
    for (const c of ORDER) {
      const v = r[c] || 0;
      total += v;
      if (!v) continue;
      const w = (iw * v) / max;
      const rect = el('rect', { x, y: y + 3, width: w, height: rowH - 6, fill: COLORS[c], 'data-color': c, 'data-value': v });
      rect.append(el('title', {}, `${r.label} ${c}: ${v}`));
      svg.append(rect);
      x += w;
    }
    svg.append(el('text', { x: x + 4, y: y + rowH * 0.68, 'font-size': 12, fill: '#333' }, String(total)));
  });
  return svg;
}
