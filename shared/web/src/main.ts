/**
 * The web lookup page: the composition root (storage, fetch, the document) and the controller that
 * moves between the token prompt and the lookup form. Every lookup goes through the HTTP API, that
 * is through the one lookup use case; the page only asks and renders.
 */
import { waitInWindows } from '../../trace/wait-in-windows';
import { ApiError, createApiClient, createApiTransport, type ScopeView, type TraceReport } from '../../api-client/api-client';
import { byId, h } from './dom';
import { createFindJourneyClient, type FindView, type JourneyView } from '../../api-client/find-journey-client';
import { applyTranslations, createTranslator, LANGS, pickLang, type Lang, type Translator } from './i18n';
import { renderFind } from './render-find';
import { renderJourney } from './render-journey';
import { renderDiagnosis, renderReport } from './render-report';
import { fromFragment, MAX_WAIT_SECONDS, toFragment, type LookupQuery } from './share-link';
import { describeZone, formatDuration, fromLocalInputValue, toLocalInputValue } from '../../local-time';
import { createTokenStore } from './token-store';

const LANG_KEY = 'mqtrace.lang';
const OTHER_INSTANCE = '__other__';
/** One window of a wait: below the function's default cap (21.5 s), so one request never runs into it. */
const WAIT_WINDOW_SECONDS = 20;
const FIELDS = ['instance', 'topic', 'msgId', 'key', 'from', 'to', 'tag', 'waitSeconds'] as const;
type Field = (typeof FIELDS)[number];
/** The API's field names (`instanceId`) as the form's. */
const API_FIELD: ReadonlyMap<string, Field> = new Map([['instanceId', 'instance'], ...FIELDS.map((f) => [f, f] as [string, Field])]);

type Shown =
  | { kind: 'report'; query: Extract<LookupQuery, { mode: 'id' }>; report: TraceReport; journey?: JourneyView | { error: string } }
  | { kind: 'find'; query: Exclude<LookupQuery, { mode: 'id' }>; view: FindView };

const store = createTokenStore(sessionStorage);
const transport = createApiTransport({ token: () => store.get(), fetch: (input, init) => fetch(input, init) });
const api = createApiClient(transport);
const findJourney = createFindJourneyClient(transport);

let lang: Lang = pickLang(readLang(), navigator.languages);
let t: Translator = createTranslator(lang);
let scope: ScopeView | undefined;
let shown: Shown | undefined;
let running: AbortController | undefined;
/** A lookup to run once a token is accepted: from a shared link, or the one a 401 interrupted. */
let pending: LookupQuery | undefined = fromFragment(location.hash);

const el = {
  tokenView: byId('token-view'),
  tokenForm: byId<HTMLFormElement>('token-form'),
  token: byId<HTMLInputElement>('token'),
  tokenError: byId('token-error'),
  forget: byId<HTMLButtonElement>('forget-token'),
  lang: byId<HTMLSelectElement>('lang'),
  lookupView: byId('lookup-view'),
  form: byId<HTMLFormElement>('lookup-form'),
  instance: byId<HTMLSelectElement>('instance'),
  instanceHelp: byId('instance-help'),
  instanceOtherField: byId('instance-other-field'),
  instanceOther: byId<HTMLInputElement>('instance-other'),
  topic: byId<HTMLInputElement>('topic'),
  msgId: byId<HTMLInputElement>('msgId'),
  key: byId<HTMLInputElement>('key'),
  from: byId<HTMLInputElement>('from'),
  to: byId<HTMLInputElement>('to'),
  tag: byId<HTMLInputElement>('tag'),
  zoneHelp: byId('zone-help'),
  explain: byId<HTMLInputElement>('explain'),
  wait: byId<HTMLInputElement>('wait'),
  waitSecondsField: byId('wait-seconds-field'),
  waitSeconds: byId<HTMLInputElement>('waitSeconds'),
  submit: byId<HTMLButtonElement>('submit'),
  cancel: byId<HTMLButtonElement>('cancel'),
  status: byId('status'),
  progressBox: byId('progress-box'),
  progress: byId<HTMLProgressElement>('wait-progress'),
  progressLabel: byId('wait-progress-label'),
  alert: byId('alert'),
  result: byId('result'),
};

function readLang(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

// ---- views ----------------------------------------------------------------------------------

function showTokenView(message?: string): void {
  running?.abort();
  el.lookupView.hidden = true;
  el.forget.hidden = true;
  el.tokenView.hidden = false;
  el.token.value = '';
  el.tokenError.textContent = message ?? '';
  el.token.setAttribute('aria-invalid', message ? 'true' : 'false');
  el.token.focus();
}

function showLookupView(): void {
  el.tokenView.hidden = true;
  el.lookupView.hidden = false;
  el.forget.hidden = false;
  renderInstanceChoices();
  setMode(currentMode());
}

async function acceptToken(): Promise<void> {
  try {
    scope = await api.scope();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      store.clear();
      showTokenView(t('tokenRefused'));
    } else {
      showTokenView(describeError(error));
    }
    return;
  }
  showLookupView();
  const next = pending;
  pending = undefined;
  if (next) {
    fillForm(next);
    void run(next);
  } else {
    el.topic.focus();
  }
}

function renderInstanceChoices(): void {
  const previous = el.instance.value;
  el.instance.replaceChildren();
  // Until the token's scope is known there is nothing to offer (and nothing to keep selected).
  if (!scope) return;
  const choices: Array<[value: string, label: string]> = [];
  if (scope.defaultInstance) {
    const d = scope.defaultInstance;
    choices.push(['', t('instanceDefault', { name: d.alias ? `${d.alias} (${d.instanceId})` : d.instanceId })]);
  }
  for (const a of scope.aliases) choices.push([a.alias, `${a.alias} (${a.instanceId})`]);
  choices.push([OTHER_INSTANCE, t('instanceOther')]);
  for (const [value, label] of choices) el.instance.append(h('option', { value }, label));
  if (choices.some(([value]) => value === previous)) el.instance.value = previous;
  el.instanceOtherField.hidden = el.instance.value !== OTHER_INSTANCE;
  el.instanceHelp.textContent = t('scopeHelp', { caller: scope.caller, topics: scope.scope.topics.join(', ') || '—' });
}

// ---- the form -------------------------------------------------------------------------------

function currentMode(): LookupQuery['mode'] {
  const checked = el.form.querySelector<HTMLInputElement>('input[name="mode"]:checked');
  return checked?.value === 'key' || checked?.value === 'window' ? checked.value : 'id';
}

function setMode(mode: LookupQuery['mode']): void {
  for (const radio of el.form.querySelectorAll<HTMLInputElement>('input[name="mode"]')) radio.checked = radio.value === mode;
  for (const node of el.form.querySelectorAll<HTMLElement>('[data-mode]')) node.hidden = node.dataset.mode !== mode;
  if (mode === 'window') {
    const now = new Date();
    if (!el.to.value) el.to.value = toLocalInputValue(now);
    if (!el.from.value) el.from.value = toLocalInputValue(new Date(now.getTime() - 3600_000));
    el.zoneHelp.textContent = t('zoneHelp', { zone: describeZone(now) });
  }
  el.waitSecondsField.hidden = !el.wait.checked || mode !== 'id';
}

function instanceValue(): string | undefined {
  if (el.instance.value === OTHER_INSTANCE) return el.instanceOther.value.trim() || undefined;
  return el.instance.value || undefined;
}

function fillForm(query: LookupQuery): void {
  setMode(query.mode);
  const known = [...el.instance.options].map((o) => o.value);
  if (query.instance === undefined) el.instance.value = known.includes('') ? '' : (known[0] ?? OTHER_INSTANCE);
  else if (known.includes(query.instance) && query.instance !== OTHER_INSTANCE) el.instance.value = query.instance;
  else {
    el.instance.value = OTHER_INSTANCE;
    el.instanceOther.value = query.instance;
  }
  el.instanceOtherField.hidden = el.instance.value !== OTHER_INSTANCE;
  el.topic.value = query.topic;
  if (query.mode === 'id') {
    el.msgId.value = query.msgId;
    el.explain.checked = query.explain;
    el.wait.checked = query.waitSeconds !== undefined;
    if (query.waitSeconds !== undefined) el.waitSeconds.value = String(query.waitSeconds);
  } else if (query.mode === 'key') {
    el.key.value = query.key;
  } else {
    const from = new Date(query.from);
    const to = new Date(query.to);
    el.from.value = Number.isNaN(from.getTime()) ? '' : toLocalInputValue(from);
    el.to.value = Number.isNaN(to.getTime()) ? '' : toLocalInputValue(to);
    el.tag.value = query.tag ?? '';
  }
  setMode(query.mode);
}

function clearFieldErrors(): void {
  for (const f of FIELDS) {
    byId(`${f}-error`).textContent = '';
    fieldInput(f).removeAttribute('aria-invalid');
  }
  el.instanceOther.removeAttribute('aria-invalid');
}

function fieldInput(field: Field): HTMLInputElement | HTMLSelectElement {
  return field === 'instance' ? el.instance : byId<HTMLInputElement>(field);
}

function showFieldError(field: Field, message: string): void {
  const target = byId(`${field}-error`);
  target.textContent = target.textContent ? `${target.textContent} ${message}` : message;
  const input = field === 'instance' && el.instance.value === OTHER_INSTANCE ? el.instanceOther : fieldInput(field);
  input.setAttribute('aria-invalid', 'true');
}

/** The form as a query, or the fields' problems; the API checks the rest and names its own. */
function readForm(): LookupQuery | Array<[Field, string]> {
  const problems: Array<[Field, string]> = [];
  const required = (field: Field, value: string) => {
    if (!value) problems.push([field, t('required')]);
    return value;
  };
  const instance = instanceValue();
  if (el.instance.value === OTHER_INSTANCE && !instance) problems.push(['instance', t('required')]);
  const topic = required('topic', el.topic.value.trim());
  const base = { topic, ...(instance ? { instance } : {}) };
  const mode = currentMode();
  let query: LookupQuery;
  if (mode === 'id') {
    const msgId = required('msgId', el.msgId.value.trim());
    let waitSeconds: number | undefined;
    if (el.wait.checked) {
      waitSeconds = Number(el.waitSeconds.value);
      if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > MAX_WAIT_SECONDS) problems.push(['waitSeconds', t('waitSecondsRange', { max: MAX_WAIT_SECONDS })]);
    }
    query = { mode, ...base, msgId, explain: el.explain.checked, ...(waitSeconds !== undefined ? { waitSeconds } : {}) };
  } else if (mode === 'key') {
    query = { mode, ...base, key: required('key', el.key.value.trim()) };
  } else {
    const from = fromLocalInputValue(el.from.value);
    const to = fromLocalInputValue(el.to.value);
    if (!from) problems.push(['from', t('required')]);
    if (!to) problems.push(['to', t('required')]);
    if (from && to && Date.parse(from) >= Date.parse(to)) problems.push(['to', t('windowReversed')]);
    const tag = el.tag.value.trim();
    query = { mode, ...base, from: from ?? '', to: to ?? '', ...(tag ? { tag } : {}) };
  }
  return problems.length > 0 ? problems : query;
}

// ---- running a lookup -----------------------------------------------------------------------

function setBusy(busy: boolean): void {
  el.submit.disabled = busy;
  el.cancel.hidden = !busy;
  el.form.setAttribute('aria-busy', String(busy));
}

function say(message: string): void {
  el.status.textContent = message;
}

function showAlert(...content: Array<Node | string>): void {
  el.alert.replaceChildren(...content);
  el.alert.hidden = false;
}

async function run(query: LookupQuery): Promise<void> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  clearFieldErrors();
  el.alert.hidden = true;
  el.alert.replaceChildren();
  history.replaceState(null, '', toFragment(query));
  setBusy(true);
  try {
    if (query.mode === 'id') await runTrace(query, controller.signal);
    else await runFind(query, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) say(t('cancelled'));
    else handleError(error, query.mode === 'id' ? 'trace' : 'find');
  } finally {
    if (running === controller) {
      running = undefined;
      setBusy(false);
      el.progressBox.hidden = true;
    }
  }
}

async function runTrace(query: Extract<LookupQuery, { mode: 'id' }>, signal: AbortSignal): Promise<void> {
  if (query.waitSeconds === undefined) {
    say(t(query.explain ? 'lookingUpExplain' : 'lookingUp'));
    showReport(query, await api.trace(query, { explain: query.explain, signal }));
    say(t('done'));
    return;
  }
  const total = query.waitSeconds;
  const started = Date.now();
  let polls = 0;
  let last: TraceReport | undefined;
  const tick = () => {
    const elapsed = Math.min(total, (Date.now() - started) / 1000);
    el.progress.value = elapsed;
    el.progressLabel.textContent = t('waitProgress', {
      elapsed: Math.floor(elapsed),
      total,
      polls,
      verdict: last ? (t.text(`verdict.${last.verdict}`) ?? last.verdict) : '…',
    });
  };
  el.progress.max = total;
  el.progressBox.hidden = false;
  say(t('waiting', { total }));
  tick();
  const ticker = setInterval(tick, 250);
  try {
    const result = await waitInWindows({
      lookup: (waitSeconds) => api.trace(query, { waitSeconds, signal }),
      totalSeconds: total,
      windowSeconds: WAIT_WINDOW_SECONDS,
      now: Date.now,
      cancelled: () => signal.aborted,
      onReport: (progress) => {
        polls = progress.polls;
        last = progress.report;
        tick();
        if (progress.report) showReport(query, progress.report, false);
      },
    });
    let report = result.report;
    // One more lookup explains the final state, rather than explaining every window's.
    if (query.explain) {
      say(t('lookingUpExplain'));
      report = await api.trace(query, { explain: true, signal });
    }
    showReport(query, report);
    say(result.outcome === 'CONSUMED' ? t('waitConsumed', { waited: formatDuration(result.waitedMs), polls: result.polls }) : t('waitTimedOut', { waited: formatDuration(result.waitedMs), polls: result.polls }));
  } finally {
    clearInterval(ticker);
  }
}

async function runFind(query: Exclude<LookupQuery, { mode: 'id' }>, signal: AbortSignal): Promise<void> {
  say(t('finding'));
  const view = await findJourney.find(
    query.mode === 'key' ? { ...pickInstance(query), topic: query.topic, key: query.key } : { ...pickInstance(query), topic: query.topic, from: query.from, to: query.to, ...(query.tag ? { tag: query.tag } : {}) },
    signal,
  );
  shown = { kind: 'find', query, view };
  renderShown(true);
  say(t('done'));
}

const pickInstance = (q: { instance?: string }) => (q.instance ? { instance: q.instance } : {});

function showReport(query: Extract<LookupQuery, { mode: 'id' }>, report: TraceReport, focus = true): void {
  shown = { kind: 'report', query, report };
  renderShown(focus);
}

function renderShown(focus: boolean): void {
  if (!shown) {
    el.result.replaceChildren();
    return;
  }
  if (shown.kind === 'find') {
    const { query } = shown;
    el.result.replaceChildren(
      renderFind(shown.view, t, (msgId) => {
        const next: LookupQuery = { mode: 'id', ...pickInstance(query), topic: query.topic, msgId, explain: false };
        fillForm(next);
        void run(next);
      }),
      shareBox(),
    );
  } else {
    const { query, report } = shown;
    const actions = h('div', { class: 'actions result-actions' });
    if (!report.diagnosis) {
      const why = h('button', { type: 'button', id: 'why' }, t('whyButton'));
      why.addEventListener('click', () => {
        const next = { ...query, explain: true };
        delete next.waitSeconds;
        el.explain.checked = true;
        void run(next);
      });
      actions.append(why);
    }
    const journey = h('button', { type: 'button', id: 'journey', class: 'secondary' }, t('journeyButton'));
    journey.addEventListener('click', () => void showJourney());
    actions.append(journey);
    const parts: Node[] = [renderReport(report, t), actions];
    if (report.diagnosis) parts.push(renderDiagnosis(report.diagnosis, t));
    if (shown.journey) parts.push('error' in shown.journey ? h('p', { class: 'alert-inline', role: 'alert' }, shown.journey.error) : renderJourney(shown.journey, t));
    parts.push(shareBox());
    el.result.replaceChildren(...parts);
  }
  if (focus) el.result.querySelector<HTMLElement>('h2')?.focus();
}

async function showJourney(): Promise<void> {
  const current = shown;
  if (current?.kind !== 'report') return;
  say(t('journeyLoading'));
  try {
    current.journey = await findJourney.journey({ ...pickInstance(current.query), topic: current.report.topic, msgId: current.report.msgId });
    say(t('done'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return handleError(error, 'journey');
    current.journey = { error: describeError(error, 'journey') };
    say('');
  }
  if (shown === current) {
    renderShown(false);
    el.result.querySelector<HTMLElement>('#journey-title')?.focus();
  }
}

function shareBox(): HTMLElement {
  const link = h('input', { id: 'share-link', type: 'text', readonly: true, value: location.href, 'aria-describedby': 'share-help' });
  const copy = h('button', { type: 'button', id: 'copy-link', class: 'secondary' }, t('copyLink'));
  copy.addEventListener('click', () => {
    link.select();
    navigator.clipboard?.writeText(link.value).then(
      () => say(t('linkCopied')),
      () => say(t('linkCopyFailed')),
    );
  });
  return h('section', { class: 'share', 'aria-labelledby': 'share-title' }, h('h3', { id: 'share-title' }, t('shareTitle')), h('label', { for: 'share-link' }, t('shareLabel')), h('div', { class: 'share-row' }, link, copy), h('p', { id: 'share-help', class: 'help' }, t('shareHelp')));
}

/** A failure as one sentence; the same fixed words as the API where it has them. */
function describeError(error: unknown, what: 'trace' | 'find' | 'journey' = 'trace'): string {
  if (!(error instanceof ApiError)) return t('failedUnexpected');
  const ref = error.requestId ? ` ${t('requestRef', { id: error.requestId })}` : '';
  switch (error.code) {
    case 'NETWORK':
      return t('network');
    case 'FORBIDDEN':
      return `${t('forbidden')} “${error.message}”`;
    case 'PERMISSION_DENIED':
      return `${t('permissionDenied')} ${error.message}${ref}`;
    case 'ROUTE_NOT_FOUND':
      return t('routeMissing', { what: t(what === 'journey' ? 'journeyTitle' : what === 'find' ? 'findName' : 'traceName') });
    case 'NOT_FOUND':
      return `${t('notFound')} ${error.message}${ref}`;
    case 'THROTTLED':
      return `${t('throttled')}${ref}`;
    case 'INVALID_INPUT':
      return `${t('badInput')} ${error.message}`;
    case 'UNAUTHENTICATED':
      return t('tokenRefused');
    default:
      return `${t('failed', { code: error.code })} ${error.message}${ref}`;
  }
}

function handleError(error: unknown, what: 'trace' | 'find' | 'journey'): void {
  if (error instanceof ApiError && error.status === 401) {
    pending = fromFragment(location.hash);
    store.clear();
    showTokenView(t('tokenExpired'));
    return;
  }
  say('');
  if (error instanceof ApiError && error.code === 'INVALID_INPUT' && error.issues.length > 0) {
    for (const issue of error.issues) {
      const field = API_FIELD.get(issue.path);
      if (field) showFieldError(field, issue.message);
    }
    showAlert(h('strong', {}, t('badInput')), h('ul', {}, ...error.issues.map((i) => h('li', {}, h('code', {}, i.path || '—'), ` ${i.message}`))));
    const first = error.issues.map((i) => API_FIELD.get(i.path)).find((f): f is Field => f !== undefined);
    if (first) (first === 'instance' && el.instance.value === OTHER_INSTANCE ? el.instanceOther : fieldInput(first)).focus();
    return;
  }
  showAlert(describeError(error, what));
}

// ---- language -------------------------------------------------------------------------------

function setLang(next: Lang): void {
  lang = next;
  t = createTranslator(lang);
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this page only.
  }
  document.documentElement.lang = lang;
  el.lang.value = lang;
  applyTranslations(document, t);
  renderInstanceChoices();
  setMode(currentMode());
  renderShown(false);
}

// ---- wiring ---------------------------------------------------------------------------------

el.tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = el.token.value.trim();
  if (!token) {
    el.tokenError.textContent = t('tokenEmpty');
    el.token.setAttribute('aria-invalid', 'true');
    el.token.focus();
    return;
  }
  store.set(token);
  el.token.value = '';
  void acceptToken();
});

el.forget.addEventListener('click', () => {
  store.clear();
  scope = undefined;
  shown = undefined;
  renderShown(false);
  showTokenView();
});

el.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const read = readForm();
  clearFieldErrors();
  if (Array.isArray(read)) {
    for (const [field, message] of read) showFieldError(field, message);
    const first = read[0]?.[0];
    if (first) (first === 'instance' && el.instance.value === OTHER_INSTANCE ? el.instanceOther : fieldInput(first)).focus();
    say(t('fixFields'));
    return;
  }
  void run(read);
});

el.cancel.addEventListener('click', () => running?.abort());
for (const radio of el.form.querySelectorAll<HTMLInputElement>('input[name="mode"]')) radio.addEventListener('change', () => setMode(currentMode()));
el.wait.addEventListener('change', () => setMode(currentMode()));
el.instance.addEventListener('change', () => {
  el.instanceOtherField.hidden = el.instance.value !== OTHER_INSTANCE;
  if (!el.instanceOtherField.hidden) el.instanceOther.focus();
});
el.lang.addEventListener('change', () => {
  const chosen = LANGS.find((l) => l === el.lang.value);
  if (chosen) setLang(chosen);
});
window.addEventListener('hashchange', () => {
  const query = fromFragment(location.hash);
  if (!query || el.lookupView.hidden) {
    pending = query;
    return;
  }
  fillForm(query);
  void run(query);
});

setLang(lang);
if (store.get()) void acceptToken();
else showTokenView();
