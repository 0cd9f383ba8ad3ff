// Words for the codes of the declaration data that more than one page shows
// ({code: [zh-CN, en]}): the symptoms (SPEC §2) and a family member's relation
// to the account holder. The resident page's string table takes them from
// here (sym_*, rel_*), the issuer's review and the venue check-in page too.
export const SYMPTOM_WORDS = {
  fever: ['发热', 'Fever'],
  dry_cough: ['干咳', 'Dry cough'],
  fatigue: ['乏力', 'Fatigue'],
  shortness_of_breath: ['呼吸困难', 'Shortness of breath'],
  sore_throat: ['咽痛', 'Sore throat'],
  diarrhea: ['腹泻', 'Diarrhoea'],
  conjunctivitis: ['结膜炎', 'Conjunctivitis'],
  loss_of_smell: ['嗅觉/味觉减退', 'Loss of smell or taste'],
};
export const RELATION_WORDS = {
  self: ['本人', 'Myself'],
  spouse: ['配偶', 'Spouse'],
  parent: ['父母', 'Parent'],
  child: ['子女', 'Child'],
  grandparent: ['祖父母/外祖父母', 'Grandparent'],
  grandchild: ['孙子女/外孙子女', 'Grandchild'],
  sibling: ['兄弟姐妹', 'Sibling'],
  other: ['其他', 'Other'],
};
// "中文 English" of a code in one of the tables; an unknown code as it is.
export const biWord = (table, code) => (table[code] ? `${table[code][0]} ${table[code][1]}` : String(code));
