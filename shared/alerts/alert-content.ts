import type { Deadline } from '../deadline';
import type { Presenter } from '../i18n/translator';

/** At most this many example msgIds per failing check, each with its re-check command. */
export const MAX_EXAMPLES = 5;

/** One failing message shown in an alert. */
export interface AlertExample {
  msgId: string;
  /** Why it fails, e.g. `GID_shipping NOT_CONSUME_YET`. */
  reasons: string;
}

/** A check that is failing (or could not run) in this run. */
export interface AlertFailingCheck {
  name: string;
  instanceId: string;
  topic: string;
  status: 'FAILING' | 'ERROR';
  /** True when an earlier alert already announced this episode. */
  repeat: boolean;
  /** Messages judged, and how many of them failed. */
  checked: number;
  failed: number;
  /** Non-zero counts per verdict, e.g. `{CONSUMED: 18, NOT_CONSUMED: 2}`. */
  verdicts: Record<string, number>;
  /** Up to {@link MAX_EXAMPLES}. */
  examples: AlertExample[];
  /** Set for ERROR: the error code that stopped the check. */
  errorCode?: string;
  /** True when the deadline or a rate limit cut the check short. */
  partial: boolean;
}

/** A check that failed before and passes now. */
export interface AlertRecoveredCheck {
  name: string;
  instanceId: string;
  topic: string;
  checked: number;
}

/** Everything one alert says; each destination renders it in its own format. */
export interface AlertContent {
  runId: string;
  /** ISO time of the run. */
  checkedAt: string;
  failing: AlertFailingCheck[];
  recovered: AlertRecoveredCheck[];
  /** Names of checks still failing but inside their quiet period; mentioned, not detailed. */
  quiet: string[];
}

/** How one delivery went. Never holds the webhook URL or its token. */
export interface DeliveryReport {
  destination: string;
  delivered: boolean;
  attempts: number;
  /** `OK`, or the last failure: an errcode, an HTTP status, `TIMEOUT`, `NETWORK`, `NO_TIME`. */
  outcome: string;
}

/**
 * A place alerts go: a DingTalk custom robot, a Slack incoming webhook, a Feishu custom bot, a
 * WeCom group robot (each in its platform's folder). Implementations render, sign, post, and retry
 * within the deadline. `deliver` never rejects: a failure is a report.
 */
export interface AlertDestination {
  readonly name: string;
  deliver(content: AlertContent, ctx: { deadline: Deadline }): Promise<DeliveryReport>;
}

/** A short headline shared by every format: what failed and what recovered. */
export function alertHeadline(content: AlertContent, p: Presenter): string {
  const parts: string[] = [];
  const failing = content.failing.filter((c) => c.status === 'FAILING').length;
  const errors = content.failing.length - failing;
  if (failing > 0) parts.push(p.t('alert.failing', { n: failing }));
  if (errors > 0) parts.push(p.t('alert.errors', { n: errors }));
  if (content.recovered.length > 0) parts.push(p.t('alert.recovered', { n: content.recovered.length }));
  return parts.length > 0 ? p.t('alert.headline', { parts: parts.join(p.locale === 'zh-CN' ? '，' : ', ') }) : p.t('alert.headlineEmpty');
}

/**
 * What a failing check's one line says: its counts, or why it could not run. `escape` is the
 * format's escaping and `code` how it marks an error code.
 */
export function failingCheckSummary(check: AlertFailingCheck, p: Presenter, escape: (text: string) => string = (t) => t, code: (text: string) => string = escape): string {
  if (check.status === 'ERROR') {
    const judged = check.checked > 0 ? ` ${p.rich(escape, 'alert.judged', { n: check.checked })}` : '';
    return `${p.rich(escape, 'alert.couldNotRun', { code: { markup: code(check.errorCode ?? 'error') } })}${judged}`;
  }
  return `${p.rich(escape, 'alert.failedOf', { failed: check.failed, checked: check.checked, verdicts: formatVerdicts(check.verdicts) })}${check.partial ? p.rich(escape, 'alert.partial') : ''}`;
}

/** `CONSUMED 18, NOT_CONSUMED 2`: the non-zero verdict counts in a stable order. */
export function formatVerdicts(verdicts: Record<string, number>): string {
  return Object.entries(verdicts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([verdict, n]) => `${verdict} ${n}`)
    .join(', ');
}
