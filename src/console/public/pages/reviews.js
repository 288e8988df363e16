// Page 3: the break-the-glass review queue. Each open grant with its facts and a form to close it with
// an outcome and a note; after closing, the queue is asked again.
import { byId, el, focusOn, formatDateTime, showError } from '../dom.js';
import { graphql } from '../hub.js';

const OPEN_REVIEWS = `query ConsoleOpenReviews {
  breakGlassReviews(status: OPEN) {
    id householdId professional organisationId reasonCode reasonDescription justification
    grantedAt expiresAt active accessCount
  }
}`;
const CLOSE_REVIEW = `mutation ConsoleCloseReview($input: CloseBreakGlassReviewInput!) {
  closeBreakGlassReview(input: $input) { id reviewStatus }
}`;

const OUTCOMES = [
  ['JUSTIFIED', 'Gerechtvaardigd'],
  ['NOT_JUSTIFIED', 'Niet gerechtvaardigd'],
];

/** One review as an article; element ids are numbered by position, never derived from the grant. */
function reviewArticle(review, index) {
  const prefix = `review-${index}`;
  const fact = (term, value) => [el('dt', {}, term), el('dd', {}, value ?? '')];
  const outcomes = OUTCOMES.map(([value, label], position) =>
    el('div', { class: 'choice' },
      el('input', { type: 'radio', id: `${prefix}-outcome-${position}`, name: `${prefix}-outcome`, value, ...(position === 0 ? { required: '' } : {}) }),
      el('label', { for: `${prefix}-outcome-${position}` }, label),
    ));
  const form = el('form', { novalidate: '' },
    el('fieldset', {}, el('legend', {}, 'Uitkomst'), ...outcomes),
    el('label', { for: `${prefix}-note` }, 'Bevinding (toelichting)'),
    el('textarea', { id: `${prefix}-note`, name: 'note', rows: '3', maxlength: '1000' }),
    el('p', { id: `${prefix}-error`, class: 'error', role: 'alert' }),
    el('button', { type: 'submit' }, 'Beoordeling afsluiten'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    closeReview(review.id, form, prefix);
  });
  return el('article', { class: 'review', 'aria-labelledby': `${prefix}-title` },
    el('h2', { id: `${prefix}-title` }, `Noodtoegang door ${review.professional ?? 'onbekend'} (${review.organisationId ?? ''})`),
    el('dl', { class: 'facts' },
      ...fact('Huishouden', review.householdId),
      ...fact('Reden', review.reasonDescription ?? review.reasonCode),
      ...fact('Toelichting van de professional', review.justification),
      ...fact('Verleend op', formatDateTime(review.grantedAt)),
      ...fact('Geldig tot', formatDateTime(review.expiresAt)),
      ...fact('Nu nog actief', review.active ? 'ja' : 'nee'),
      ...fact('Aantal inzagen onder deze noodtoegang', String(review.accessCount ?? 0)),
    ),
    form,
  );
}

async function closeReview(id, form, prefix) {
  const outcome = form.querySelector(`input[name="${prefix}-outcome"]:checked`)?.value;
  const note = form.elements.namedItem('note').value.trim();
  const errorId = `${prefix}-error`;
  if (!outcome || !note) {
    showError(errorId, { message: 'Kies een uitkomst en schrijf uw bevinding op.' });
    return;
  }
  try {
    await graphql(CLOSE_REVIEW, { input: { id, outcome, note } });
  } catch (error) {
    showError(errorId, error);
    return;
  }
  await loadQueue('De beoordeling is afgesloten.');
}

async function loadQueue(statusText = '') {
  showError('reviews-error', null);
  let reviews;
  try {
    reviews = (await graphql(OPEN_REVIEWS)).breakGlassReviews ?? [];
  } catch (error) {
    byId('reviews-list').replaceChildren();
    showError('reviews-error', error);
    return;
  }
  byId('reviews-list').replaceChildren(...reviews.map(reviewArticle));
  const count = reviews.length === 0 ? 'Er zijn geen noodtoegangen die op beoordeling wachten.' : `${reviews.length} noodtoegang(en) wachten op beoordeling.`;
  byId('reviews-status').textContent = statusText ? `${statusText} ${count}` : count;
  if (statusText) focusOn('reviews-title');
}

export const reviewsPage = {
  init() {},
  show() {
    loadQueue();
  },
  clear() {
    byId('reviews-list').replaceChildren();
    byId('reviews-status').textContent = '';
    showError('reviews-error', null);
  },
};
