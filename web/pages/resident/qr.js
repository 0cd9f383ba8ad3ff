// The QR of a code card as SVG: the core's renderer, or, when the core is
// missing, the same picture drawn here from the server's module matrix
// (drawing a given matrix, not encoding one).
import { getCore } from '../../common/core.js';

// The core renderer's colours (shared/card.cc), so both drawings look the same.
const INK = { green: '#1a7f37', yellow: '#d4a500', red: '#c62828', gray: '#555555' };

// matrix: the server's {size, bits}; color: green | yellow | red | gray.
export function qrSvg(matrix, color) {
  if (!matrix || !matrix.size || !matrix.bits) return '';
  const core = getCore();
  if (core) {
    try {
      const svg = core.renderQr(JSON.stringify(matrix), color);
      if (svg) return svg;
    } catch { /* fall back */ }
  }
  const n = matrix.size;
  const q = 4;
  let d = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (matrix.bits[y * n + x] === '1') d += `M${x + q} ${y + q}h1v1h-1z`;
    }
  }
  const w = n + 2 * q;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${w}" shape-rendering="crispEdges"><rect width="${w}" height="${w}" fill="#fff"/><path fill="${INK[color] || INK.gray}" d="${d}"/></svg>`;
}
