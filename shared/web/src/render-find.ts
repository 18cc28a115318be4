import { h } from './dom';
import type { FindView } from '../../api-client/find-journey-client';
import type { Translator } from './i18n';
import { badge, factList, renderCaveats, verdictLabel } from './render-report';
import { formatInstant } from '../../local-time';

/** The messages a find returned, each with a button that looks it up by ID. */
export function renderFind(view: FindView, t: Translator, onPick: (msgId: string) => void): HTMLElement {
  const q = view.query;
  const asked =
    q.kind === 'key'
      ? t('findByKey', { key: q.key, topic: view.topic })
      : t(q.tag ? 'findByWindowTag' : 'findByWindow', { from: formatInstant(q.from), to: formatInstant(q.to), topic: view.topic, tag: q.tag ?? '' });
  const root = h(
    'article',
    { class: 'report find', 'aria-labelledby': 'find-title' },
    h(
      'section',
      { class: 'find-summary' },
      h('h2', { id: 'find-title', tabindex: -1 }, t('findTitle', { found: view.found, examined: view.examined })),
      h('p', { class: 'find-query' }, asked),
      view.byVerdict.length > 0 || view.failed > 0
        ? h(
            'p',
            { class: 'by-verdict' },
            ...view.byVerdict.flatMap(([v, n]) => [badge(`verdict-${v}`, `${verdictLabel(t, v)}: ${n}`), ' ']),
            view.failed > 0 ? badge('verdict-UNKNOWN', t('findFailed', { n: view.failed })) : null,
          )
        : null,
      view.onlyUnconsumed ? h('p', { class: 'note' }, view.messages.length > 0 ? t('findOnlyUnconsumed') : t('findAllConsumed')) : null,
      view.more > 0 ? h('p', { class: 'note' }, t('findMore', { n: view.more })) : null,
      view.truncated ? h('p', { class: 'note' }, `${t('findTruncated', { reason: view.truncated.reason })} `, h('span', { lang: 'en' }, view.truncated.hint)) : null,
      factList(
        [
          [t('instance'), h('code', {}, view.instanceId)],
          [t('broker'), view.broker === 'ons-4x' ? t('broker4x') : t('broker5x')],
          [t('findSampling'), view.sampling ? t('findSamplingPages', { read: view.sampling.pagesRead, planned: view.sampling.pagesPlanned }) : undefined],
          [t('checkedAt'), h('time', { datetime: view.checkedAt }, formatInstant(view.checkedAt))],
          [t('requestId'), h('code', {}, view.requestId)],
        ],
        'facts meta',
      ),
    ),
  );
  const list = h('section', { class: 'find-list', 'aria-labelledby': 'find-list-title' }, h('h3', { id: 'find-list-title' }, t('findCaption')));
  if (view.messages.length === 0) list.append(h('p', {}, view.onlyUnconsumed && view.found > 0 ? t('findAllConsumed') : t('findNone')));
  else {
    const table = h(
      'table',
      { class: 'find-table', 'aria-labelledby': 'find-list-title' },
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
          h('td', { 'data-label': t('verdictHeading') }, badge(`verdict-${m.verdict}`, verdictLabel(t, m.verdict))),
          h('td', { 'data-label': t('summary'), lang: 'en' }, m.error ? `${m.error.message} (${m.error.code})` : m.summary),
        ),
      );
    }
    table.append(body);
    list.append(table);
  }
  root.append(list, renderCaveats(view.caveats, t));
  return root;
}
