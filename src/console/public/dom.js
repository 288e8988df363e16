// Small helpers to build the page with DOM calls and textContent only: text from the hub is never
// parsed as HTML (the policy fragment is the one exception, see safe-fragment.js).

/** An element with text content and attributes; children may be nodes or strings. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child ?? '');
  return element;
}

export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`console page is missing #${id}`);
  return element;
}

/** Shows an error in a role="alert" element (read out by screen readers), or clears it. */
export function showError(id, error) {
  byId(id).textContent = error ? (error.message ?? String(error)) : '';
}

const DATE_TIME = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

/** An ISO 8601 date-time as Dutch readers write it, in Dutch time. */
export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME.format(date);
}

/** A list of values as text; a dash for none. */
export function listText(values) {
  return values && values.length > 0 ? values.join(', ') : '–';
}

/** Moves keyboard and screen-reader focus to a heading (with tabindex="-1") after new content appears. */
export function focusOn(id) {
  byId(id).focus();
}
