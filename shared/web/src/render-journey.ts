import { h, s } from './dom';
import type { JourneyEvent, JourneyLane, JourneyView } from '../../api-client/find-journey-client';
import type { Translator } from './i18n';
import { badge, factList, renderCaveats, renderFinding, SEVERITY_ORDER, verdictLabel } from './render-report';
import { createTimeScale } from './time-scale';
import { formatDuration, formatInstant } from '../../local-time';

const WIDTH = 680;
const LABEL = 150;
const RIGHT = 14;
const ROW = 34;
const AXIS = 26;
const LABEL_CHARS = 19;

/**
 * The journey as a timeline: one row per lane (send, store, each consumer group), each attempt a
 * bar as long as it took, at its time since the send, the dead-lettering a diamond. The same
 * events follow as a list, which is what a screen reader and a narrow phone read.
 */
export function renderJourney(view: JourneyView, t: Translator): HTMLElement {
  const root = h('section', { class: 'journey', 'aria-labelledby': 'journey-title' }, h('h3', { id: 'journey-title', tabindex: -1 }, t('journeyTitle')));
  root.append(
    h('p', {}, `${t('verdictHeading')}: `, badge(`verdict-${view.verdict}`, verdictLabel(t, view.verdict)), ' ', h('span', { lang: 'en' }, view.summary)),
  );
  if (view.status !== 'complete') {
    root.append(h('p', { class: 'note journey-status' }, t.text(`journeyStatus.${view.status}`) ?? view.status, view.partial ? ' ' : '', view.partial ? h('span', { lang: 'en' }, view.partial.text) : null));
  }
  if (view.missingPermissions.length > 0) root.append(h('p', { class: 'note' }, t('journeyMissingPermissions', { actions: view.missingPermissions.join(', ') })));
  const events = view.lanes.flatMap((l) => l.events);
  if (events.length === 0) root.append(h('p', {}, t('journeyEmpty')));
  else root.append(renderTimeline(view, t), renderList(view.lanes, t));
  if (view.findings.length > 0) {
    const findings = [...view.findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
    root.append(h('h4', {}, t('findingsTitle', { n: findings.length })), h('ul', { class: 'finding-list' }, ...findings.map((f) => renderFinding(f, t))));
  }
  root.append(
    factList(
      [
        [t('traceTask'), view.traceTask ? t(view.traceTask.reused ? 'traceTaskReused' : 'traceTaskNew', { at: formatInstant(view.traceTask.createdAt) }) : undefined],
        [t('checkedAt'), h('time', { datetime: view.checkedAt }, formatInstant(view.checkedAt))],
        [t('requestId'), h('code', {}, view.requestId)],
      ],
      'facts meta',
    ),
  );
  root.append(renderCaveats(view.caveats, t));
  return root;
}

function renderTimeline(view: JourneyView, t: Translator): HTMLElement {
  const scale = createTimeScale(view.spanMs);
  const plot = WIDTH - LABEL - RIGHT;
  const x = (ms: number) => LABEL + plot * scale.at(ms);
  const height = AXIS + ROW * view.lanes.length;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'timeline', role: 'img', 'aria-labelledby': 'journey-title journey-desc' });
  svg.append(s('desc', { id: 'journey-desc' }, t('journeyDesc', { span: formatDuration(view.spanMs) })));
  svg.append(s('line', { x1: LABEL, y1: AXIS - 6, x2: WIDTH - RIGHT, y2: AXIS - 6, class: 'axis' }));
  const ticks = scale.ticks(0.11);
  ticks.forEach((ms, i) => {
    const anchor = i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle';
    svg.append(s('line', { x1: x(ms), y1: AXIS - 9, x2: x(ms), y2: height, class: 'grid' }));
    svg.append(s('text', { x: x(ms), y: AXIS - 11, class: 'tick', 'text-anchor': anchor }, `+${formatDuration(ms)}`));
  });
  view.lanes.forEach((lane, i) => {
    const y = AXIS + ROW * i;
    const name = laneName(lane, t);
    const label = s('text', { x: 4, y: y + ROW / 2 + 4, class: 'lane-label' }, name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1)}…` : name);
    if (name.length > LABEL_CHARS) label.append(s('title', {}, name));
    svg.append(label);
    svg.append(s('line', { x1: LABEL, y1: y + ROW / 2, x2: WIDTH - RIGHT, y2: y + ROW / 2, class: 'lane' }));
    for (const e of lane.events) {
      const title = s('title', {}, eventText(e, t));
      const cx = x(e.offsetMs);
      const cy = y + ROW / 2;
      if (e.kind === 'dead-letter') {
        svg.append(s('polygon', { points: `${cx},${cy - 8} ${cx + 8},${cy} ${cx},${cy + 8} ${cx - 8},${cy}`, class: `event dead-letter tone-${e.tone}` }, title));
      } else if (e.durationMs !== undefined && e.durationMs > 0) {
        svg.append(s('rect', { x: cx, y: y + 8, width: Math.max(3, x(e.offsetMs + e.durationMs) - cx), height: ROW - 16, rx: 2, class: `event ${e.kind} tone-${e.tone}` }, title));
      } else {
        svg.append(s('circle', { cx, cy, r: 6, class: `event ${e.kind} tone-${e.tone}` }, title));
      }
    }
  });
  const box = h('div', { class: 'timeline-box' }, svg);
  return h(
    'figure',
    { class: 'timeline-figure' },
    box,
    h(
      'figcaption',
      { class: 'note' },
      scale.kind === 'log' ? `${t('journeyLogScale')} ` : '',
      h('span', { class: 'legend legend-ok' }, t('journeyLegendOk')),
      ' ',
      h('span', { class: 'legend legend-bad' }, t('journeyLegendBad')),
      ' ',
      h('span', { class: 'legend legend-pending' }, t('journeyLegendPending')),
      ' ',
      h('span', { class: 'legend legend-dead' }, t('journeyLegendDead')),
    ),
  );
}

function renderList(lanes: readonly JourneyLane[], t: Translator): HTMLElement {
  return h(
    'ol',
    { class: 'journey-list' },
    ...lanes.map((lane) => {
      // A status' meaning is said once per lane: 17 failed deliveries need it once, not 17 times.
      const explained = new Set<string>();
      const line = (e: JourneyEvent) => {
        const first = e.status !== undefined && !explained.has(e.status);
        if (e.status !== undefined) explained.add(e.status);
        return h('li', { class: `event-${e.kind} tone-${e.tone}` }, eventText(e, t, first));
      };
      return h(
        'li',
        { class: `lane-${lane.kind}` },
        h('strong', { class: lane.kind === 'group' ? 'group-name' : '' }, laneName(lane, t)),
        laneFacts(lane, t),
        h('ul', {}, ...lane.events.map(line)),
      );
    }),
  );
}

function laneFacts(lane: JourneyLane, t: Translator): string {
  const facts = [
    lane.detail,
    lane.attempts !== undefined ? t('journeyAttempts', { n: lane.attempts }) : undefined,
    lane.firstDeliveryMs !== undefined ? t('journeyFirstDelivery', { d: `+${formatDuration(lane.firstDeliveryMs)}` }) : undefined,
    lane.consumedAfterMs !== undefined ? t('journeyConsumedAfter', { d: `+${formatDuration(lane.consumedAfterMs)}` }) : undefined,
    lane.deadLetterTopic ? t('journeyDeadLetterTopic', { topic: lane.deadLetterTopic }) : undefined,
  ].filter((f): f is string => Boolean(f));
  return facts.length > 0 ? ` (${facts.join(' · ')})` : '';
}

function laneName(lane: JourneyLane, t: Translator): string {
  return lane.kind === 'send' ? t('journeySend') : lane.kind === 'store' ? t('journeyStore') : lane.label;
}

/** `#0 · +100 ms · delivery attempt · took 480 ms · CONSUME_FAILED: … · 10.0.3.21 · 2026-…`; the status' meaning only with `explain`. */
export function eventText(e: JourneyEvent, t: Translator, explain = true): string {
  const parts = [`+${formatDuration(e.offsetMs)}`, t.text(`journeyEvent.${e.kind}`) ?? e.kind];
  if (e.delivery !== undefined) parts.unshift(`#${e.delivery}`);
  if (e.durationMs !== undefined) parts.push(t('journeyTook', { d: formatDuration(e.durationMs) }));
  if (e.status) parts.push(explain && e.statusText ? `${e.status}: ${e.statusText}` : e.status);
  if (e.host) parts.push(e.host);
  if (e.at) parts.push(formatInstant(e.at));
  return parts.join(' · ');
}
