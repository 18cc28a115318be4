import type { Locale } from './locale';
import { EN, type MessageKey } from './messages-en';
import { ZH_CN } from './messages-zh-cn';
import { zhDomainText } from './domain-zh';
import { formatTemplate, type TemplateNames, type TemplateParam } from './template';
import { createTimeFormatter, type TimeFormatter, type TimeZoneSetting } from './time-zone';

export type { MessageKey } from './messages-en';

const CATALOGUES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en: EN, 'zh-CN': ZH_CN };

/** The parameters a message needs, by name, from its English template. */
export type MessageParams<K extends MessageKey> = Record<TemplateNames<(typeof EN)[K]>, TemplateParam>;

/** The arguments after the key: none for a template without placeholders. */
export type MessageArgs<K extends MessageKey> = [TemplateNames<(typeof EN)[K]>] extends [never] ? [] : [MessageParams<K>];

/**
 * A parameter of a message built at run time: a value, a list joined with the locale's "and", a
 * domain sentence (English in reports) that the locale may translate, or switch words.
 */
export type LooseParam = TemplateParam | { and: readonly string[] } | { domain: string } | { switches: readonly string[] };

/** A message whose parameters are known only at run time, e.g. a parser problem. */
export interface LooseMessage {
  key: MessageKey;
  params?: Readonly<Record<string, LooseParam>>;
}

/**
 * What every renderer needs to speak to people: the catalogue of one locale and the time zone
 * its times are shown in. Built per reply (the locale is per conversation).
 */
export interface Presenter {
  readonly locale: Locale;
  readonly time: TimeFormatter;
  /** The message as plain text. */
  t<K extends MessageKey>(key: K, ...params: MessageArgs<K>): string;
  /** The message for a markup format: its text and string parameters pass through `escape`; Markup goes in as-is. */
  rich<K extends MessageKey>(escape: (text: string) => string, key: K, ...params: MessageArgs<K>): string;
  /** A message built at run time. */
  loose(message: LooseMessage, escape?: (text: string) => string): string;
  /** `123,456` in the locale's digits grouping. */
  count(n: number): string;
  /** A list of names, as the locale joins them. */
  list(items: readonly string[]): string;
}

/** Creates the {@link Presenter} for a locale and a zone. */
export function createPresenter(locale: Locale, zone: TimeZoneSetting | TimeFormatter): Presenter {
  const catalogue = CATALOGUES[locale];
  const time = 'format' in zone ? zone : createTimeFormatter(zone);
  const template = (key: MessageKey) => catalogue[key];
  return {
    locale,
    time,
    t: (key, ...params) => formatTemplate(template(key), (params[0] ?? {}) as Record<string, TemplateParam>),
    rich: (escape, key, ...params) => formatTemplate(template(key), (params[0] ?? {}) as Record<string, TemplateParam>, escape),
    loose: (message, escape) => {
      const params: Record<string, TemplateParam> = {};
      for (const [name, value] of Object.entries(message.params ?? {})) {
        if (typeof value !== 'object' || 'markup' in value) params[name] = value;
        else if ('and' in value) params[name] = value.and.join(catalogue['problem.and']);
        else if ('domain' in value) params[name] = locale === 'zh-CN' ? zhDomainText(value.domain) : value.domain;
        else params[name] = value.switches.map((word) => formatTemplate(catalogue['problem.plusSwitch'], { word })).join('');
      }
      return formatTemplate(template(message.key), params, escape);
    },
    count: (n) => n.toLocaleString('en-US'),
    list: (items) => items.join(locale === 'zh-CN' ? '、' : ', '),
  };
}

/** The template of a key in a locale, for tests and the catalogue check. */
export function catalogueOf(locale: Locale): Readonly<Record<MessageKey, string>> {
  return CATALOGUES[locale];
}
