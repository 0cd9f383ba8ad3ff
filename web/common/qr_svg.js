// Drawing a QR module matrix as SVG (no encoder here: the resident page's
// first paint, pages/resident/first.js, draws a kept matrix with this alone
// before the page's script and its encoder have loaded; common/qr.js encodes).
export const QUIET = 4;

// The core renderer's inks (shared/card.cc), so every drawing of a code looks alike.
const INK = { green: '#1a7f37', yellow: '#d4a500', red: '#c62828', gray: '#555555' };

// The SVG markup of a matrix, one path of horizontal runs in the colour's ink
// on white; the viewBox counts modules, quiet zone included. '' for no matrix.
export function qrSvg(matrix, color) {
  if (!matrix || !matrix.size) return '';
  const n = matrix.size;
  const bits = matrix.bits;
  let d = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n;) {
      if (bits[y * n + x] !== '1') { x++; continue; }
      let e = x + 1;
      while (e < n && bits[y * n + e] === '1') e++;
      d += `M${x + QUIET} ${y + QUIET}h${e - x}v1h${x - e}z`;
      x = e;
    }
  }
  const w = n + 2 * QUIET;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${w}" shape-rendering="crispEdges" aria-hidden="true" focusable="false">`
    + `<rect width="${w}" height="${w}" fill="#fff"/><path fill="${INK[color] || INK.gray}" d="${d}"/></svg>`;
}

// Sizes the <svg> inside box to the largest whole number of device pixels per
// module that fits the box's width (at least 1). Does nothing while box has no width.
export function fitQr(box) {
  const svg = box.querySelector('svg');
  const avail = box.clientWidth;
  if (!svg || !avail) return;
  const side = svg.viewBox.baseVal.width;
  const dpr = window.devicePixelRatio || 1;
  const px = Math.max(1, Math.floor((avail * dpr) / side));
  const css = `${(px * side) / dpr}px`;
  svg.style.width = css;
  svg.style.height = css;
}
