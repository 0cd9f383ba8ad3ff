// The words for a code's colour, {zh, en}, as the shared C++ core names them.
// They are not typed here: web/build.mjs loads the wasm core in Node, asks it
// for colorWords() and hands the answer to the bundles as the module
// 'ankang-core:color-words', so every page says what the core's card says.
import CORE_WORDS from 'ankang-core:color-words';

// What a gray code means (awaiting review, or rejected), added to the core's word where a page names it.
const AWAITING_REVIEW = { zh: '（未签发）', en: ' (not issued)' };

// {zh, en} for green | yellow | red | gray; an unknown colour is named as it is.
export function colorWord(color) {
  const w = CORE_WORDS[color];
  if (!w) return { zh: color || '?', en: color || '?' };
  return color === 'gray' ? { zh: w.zh + AWAITING_REVIEW.zh, en: w.en + AWAITING_REVIEW.en } : w;
}
