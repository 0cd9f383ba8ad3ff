// Region names (GB/T 2260) for the resident page's pickers. The wasm core keeps
// region codes only (to stay small); the names come from static files written
// by web/build.mjs from the same source: regions/index.json [[pp, name]] and one
// regions/PP.json [[cc, name, [[aa, name]]]] per province, fetched when that
// province is chosen. The same files in English are under regions/en/ (see
// web/region-names-en.mjs). A file not fetched within 10 s counts as empty
// (and is asked for again next time).
import { fetchWithTimeout } from '../../common/api.js';

const regionFiles = {};
function regionFile(name) {
  if (!regionFiles[name]) {
    regionFiles[name] = fetchWithTimeout(`regions/${name}.json`, {}, 10000).then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .catch(() => { delete regionFiles[name]; return []; });
  }
  return regionFiles[name];
}

// [{code, name}] children of parent ("" = provinces), names in lang ('zh' or 'en').
export async function regions(parent, lang = 'zh') {
  const dir = lang === 'en' ? 'en/' : '';
  const list = (rows, prefix) => rows.map((r) => ({ code: (prefix + r[0]).padEnd(6, '0'), name: r[1] }));
  if (!parent) return list(await regionFile(`${dir}index`), '');
  if (!/^\d{2}(0000|\d\d00)$/.test(parent)) return [];
  const pp = parent.slice(0, 2);
  const cities = await regionFile(`${dir}${pp}`);
  if (parent.endsWith('0000')) return list(cities, pp);
  const c = cities.find((r) => r[0] === parent.slice(2, 4));
  return c ? list(c[2], parent.slice(0, 4)) : [];
}

// The parent chain of a code: ["370000", "370100", "370102"].
export function regionChain(code) {
  if (!code || !/^\d{6}$/.test(code)) return [];
  const chain = [`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code];
  return chain.filter((c, i) => chain.indexOf(c) === i);
}
