import { h, s } from './dom';
import type { JourneyEvent, JourneyView } from '../../shared/api-client/find-journey-client';
import type { Translator } from './i18n';
import { badge, renderCaveats, verdictLabel } from './render-report';
import { formatDuration, formatInstant } from '../../shared/local-time';

const WIDTH = 640;
const LABEL = 150;
const ROW = 34;
const AXIS = 26;

/**
 * The journey as a timeline: one row per lane (send, store, each consumer group), each attempt a
 * bar as long as it took, at its time since the send. The same events follow as a list, which is
 * what a screen reader and a narrow phone read.
 */
export function renderJourney(view: JourneyView, t: Translator): HTMLElement {
  const root = h('section', { class: 'journey', 'aria-labelledby': 'journey-title' }, h('h3', { id: 'journey-title', tabindex: -1 }, t('journeyTitle')));
  if (view.verdict) root.append(h('p', {}, `${t('verdictHeading')}: `, badge(`verdict-${view.verdict}`, verdictLabel(t, view.verdict))));
  if (view.status !== 'complete') root.append(h('p', { class: 'note' }, t.text(`journeyStatus.${view.status}`) ?? view.status, view.partialText ? ' ' : '', view.partialText ? h('span', { lang: 'en' }, view.partialText) : null));
  if (view.missingPermissions.length > 0) root.append(h('p', { class: 'note' }, t('journeyMissingPermissions', { actions: view.missingPermissions.join(', ') })));
  const events = view.lanes.flatMap((l) => l.events);
  if (events.length === 0) {
    root.append(h('p', {}, t('journeyEmpty')));
  } else {
    const span = Math.max(1, ...events.map((e) => e.offsetMs + (e.durationMs ?? 0)));
    const x = (ms: number) => LABEL + ((WIDTH - LABEL - 10) * ms) / span;
    const height = AXIS + ROW * view.lanes.length;
    const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'timeline', role: 'img', 'aria-labelledby': 'journey-title journey-desc' });
    svg.append(s('desc', { id: 'journey-desc' }, t('journeyDesc', { span: formatDuration(span) })));
    svg.append(s('line', { x1: LABEL, y1: AXIS - 6, x2: WIDTH - 10, y2: AXIS - 6, class: 'axis' }));
    for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
      svg.append(s('text', { x: x(span * tick), y: AXIS - 10, class: 'tick', 'text-anchor': tick === 0 ? 'start' : tick === 1 ? 'end' : 'middle' }, `+${formatDuration(span * tick)}`));
    }
    view.lanes.forEach((lane, i) => {
      const y = AXIS + ROW * i;
      svg.append(s('text', { x: 4, y: y + ROW / 2 + 4, class: 'lane-label' }, laneName(lane.label, t)));
      svg.append(s('line', { x1: LABEL, y1: y + ROW / 2, x2: WIDTH - 10, y2: y + ROW / 2, class: 'lane' }));
      for (const e of lane.events) {
        const title = s('title', {}, eventText(e, t));
        if (e.durationMs !== undefined && e.durationMs > 0) {
          svg.append(s('rect', { x: x(e.offsetMs), y: y + 8, width: Math.max(3, x(e.offsetMs + e.durationMs) - x(e.offsetMs)), height: ROW - 16, rx: 3, class: `event tone-${e.tone}` }, title));
        } else {
          svg.append(s('circle', { cx: x(e.offsetMs), cy: y + ROW / 2, r: 6, class: `event tone-${e.tone}` }, title));
        }
      }
    });
    root.append(h('div', { class: 'timeline-box' }, svg));
    root.append(
      h(
        'ol',
        { class: 'journey-list' },
        ...view.lanes.map((lane) =>
          h('li', {}, h('strong', {}, laneName(lane.label, t)), lane.detail ? ` (${lane.detail})` : '', h('ul', {}, ...lane.events.map((e) => h('li', { class: `tone-${e.tone}` }, eventText(e, t))))),
        ),
      ),
    );
  }
  if (view.findings.length > 0) {
    root.append(h('h4', {}, t('findingsTitle', { n: view.findings.length })), h('ul', {}, ...view.findings.map((f) => h('li', {}, badge(`severity-${f.severity}`, t.text(`severity.${f.severity}`) ?? f.severity), ' ', h('code', {}, f.code), ' ', h('span', { lang: 'en' }, f.text)))));
  }
  root.append(renderCaveats(view.caveats, t));
  return root;
}

function laneName(label: string, t: Translator): string {
  return label === 'send' ? t('journeySend') : label === 'store' ? t('journeyStore') : label;
}

function eventText(e: JourneyEvent, t: Translator): string {
  const parts = [`+${formatDuration(e.offsetMs)}`, t.text(`journeyEvent.${e.kind}`) ?? e.kind];
  if (e.durationMs !== undefined) parts.push(t('journeyTook', { d: formatDuration(e.durationMs) }));
  if (e.text) parts.push(e.text);
  if (e.at) parts.push(formatInstant(e.at));
  return parts.join(' · ');
}
