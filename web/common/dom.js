// The DOM helper of every page: h() builds an element from a tag, props and
// children; $ finds one; clear empties one. Pages that bind text to a language
// (the resident page) wrap h() and keep their own props apart.

// h('div', {class: 'x', onclick: fn, style: {...}}, 'text', child, [children]).
// A prop the element has as a property (hidden, value, inputMode...) is set as
// one; any other (for, aria-*, data-*) as an attribute; null or false is skipped.
export function h(tag, props, ...kids) {
  const n = document.createElement(tag);
  if (props) {
    for (const k in props) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') n.addEventListener(k.slice(2), v);
      else if (k === 'class') n.className = v;
      else if (k === 'style' && typeof v === 'object') Object.assign(n.style, v);
      else if (k in n && k !== 'list' && k !== 'form') n[k] = v;  // list, form: read-only properties
      else n.setAttribute(k, v === true ? '' : v);
    }
  }
  return append(n, kids);
}

// Appends children: nodes as they are, text for anything else, arrays flattened,
// null and false skipped. Returns n.
export function append(n, kids) {
  for (const c of kids) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(n, c);
    else n.append(c.nodeType ? c : document.createTextNode(String(c)));
  }
  return n;
}

export const $ = (sel, root = document) => root.querySelector(sel);

export const clear = (n) => { n.textContent = ''; return n; };
