import { h } from './dom';
import type { FindView } from '../../shared/api-client/find-journey-client';
import type { Translator } from './i18n';
import { badge, renderCaveats, verdictLabel } from './render-report';
import { formatInstant } from '../../shared/local-time';

/** The messages a find returned, each with a button that looks it up by ID. */
export function renderFind(view: FindView, t: Translator, onPick: (msgId: string) => void): HTMLElement {
  const root = h(
    'article',
    { class: 'report find', 'aria-labelledby': 'find-title' },
    h('h2', { id: 'find-title', tabindex: -1 }, t('findTitle', { found: view.found, examined: view.examined })),
    view.byVerdict.length > 0 ? h('p', { class: 'by-verdict' }, ...view.byVerdict.flatMap(([v, n]) => [badge(`verdict-${v}`, `${verdictLabel(t, v)}: ${n}`), ' '])) : null,
    view.onlyUnconsumed ? h('p', { class: 'note' }, t('findOnlyUnconsumed')) : null,
    view.more > 0 ? h('p', { class: 'note' }, t('findMore', { n: view.more })) : null,
    view.truncated ? h('p', { class: 'note' }, `${t('findTruncated', { reason: view.truncated.reason })} `, h('span', { lang: 'en' }, view.truncated.hint)) : null,
  );
  if (view.messages.length === 0) root.append(h('p', {}, t('findNone')));
  else {
    const table = h(
      'table',
      { class: 'find-table' },
      h('caption', { class: 'visually-hidden' }, t('findCaption')),
      h('thead', {}, h('tr', {}, ...[t('messageId'), t('storedAt'), t('tag'), t('keys'), t('verdictHeading'), t('summary')].map((c) => h('th', { scope: 'col' }, c)))),
    );
    const body = h('tbody');
    for (const m of view.messages) {
      const pick = h('button', { type: 'button', class: 'link', 'aria-label': t('findPick', { msgId: m.msgId }) }, m.msgId);
      pick.addEventListener('click', () => onPick(m.msgId));
      body.append(
        h(
          'tr',
          {},
          h('td', { 'data-label': t('messageId') }, pick),
          h('td', { 'data-label': t('storedAt') }, m.at ? h('time', { datetime: m.at }, formatInstant(m.at)) : '—'),
          h('td', { 'data-label': t('tag') }, m.tag ?? '—'),
          h('td', { 'data-label': t('keys') }, m.keys.join(', ') || '—'),
          h('td', { 'data-label': t('verdictHeading') }, m.verdict ? badge(`verdict-${m.verdict}`, verdictLabel(t, m.verdict)) : '—'),
          h('td', { 'data-label': t('summary'), lang: 'en' }, m.error ?? m.summary),
        ),
      );
    }
    table.append(body);
    root.append(table);
  }
  root.append(renderCaveats(view.caveats, t));
  return root;
}
