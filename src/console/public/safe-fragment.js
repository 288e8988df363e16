// The policy report and diff arrive as an HTML fragment that the hub escaped. They are still copied
// element by element: only the tags below, and of their attributes only the few that carry table
// structure. Anything else (script, style, event handlers, links, images) is dropped, text kept.
// The content security policy (no inline script or style) is the second guard.
const ALLOWED_TAGS = new Set([
  'SECTION', 'ARTICLE', 'DIV', 'SPAN', 'P', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'LI', 'DL', 'DT', 'DD',
  'TABLE', 'CAPTION', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'CODE', 'PRE', 'EM', 'STRONG', 'DEL', 'INS', 'BR',
]);
const ALLOWED_ATTRIBUTES = new Set(['scope', 'colspan', 'rowspan']);
const DROPPED_WITH_CONTENT = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'NOSCRIPT']);

/** The fragment as DOM nodes of allowed tags only; an H1 becomes H2 so the page keeps one H1. */
export function safeFragment(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const out = document.createDocumentFragment();
  for (const child of parsed.body.childNodes) copy(child, out);
  return out;
}

function copy(node, parent) {
  if (node.nodeType === Node.TEXT_NODE) {
    parent.append(node.textContent);
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE || DROPPED_WITH_CONTENT.has(node.tagName)) return;
  const tag = node.tagName === 'H1' ? 'H2' : node.tagName;
  let target = parent;
  if (ALLOWED_TAGS.has(tag)) {
    target = document.createElement(tag);
    for (const attribute of node.attributes) {
      if (ALLOWED_ATTRIBUTES.has(attribute.name)) target.setAttribute(attribute.name, attribute.value);
    }
    parent.append(target);
  }
  for (const child of node.childNodes) copy(child, target);
}
