// The screen code's QR, encoded in the page from the signed token text (the
// server only signs; the paper code and the venue posters are drawn by the
// server, server/render/). Encoder: the npm package `qr` at error correction
// M, which picks alphanumeric mode for the Base45 token (version 9 for
// Ankang's 235 characters). Drawn as SVG with a quiet zone of 4 modules,
// sized to a whole number of device pixels per module so it stays sharp.
import encodeQR from 'qr';

export { QUIET, qrSvg, fitQr } from './qr_svg.js';

// The module matrix of text as the core's matrix JSON {size, bits} (row-major
// '0'/'1', no quiet zone), or null when text is empty or too long for a QR.
export function qrMatrix(text) {
  if (typeof text !== 'string' || !text) return null;
  let rows;
  try {
    rows = encodeQR(text, 'raw', { ecc: 'medium', border: 1 });  // border 1: the least it draws
  } catch {
    return null;
  }
  const n = rows.length - 2;
  let bits = '';
  for (let y = 1; y <= n; y++) {
    const row = rows[y];
    for (let x = 1; x <= n; x++) bits += row[x] ? '1' : '0';
  }
  return { size: n, bits };
}
