import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator, LANGS, MESSAGES, pickLang } from '../../../../shared/web/src/i18n';

const HTML = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'web', 'index.html'), 'utf8');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('The page’s words', () => {
  it('has a text in every language for each key index.html names', () => {
    const keys = [...HTML.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1] as string);
    expect(keys.length).toBeGreaterThan(20);
    for (const lang of LANGS) for (const key of keys) expect(Object.hasOwn(MESSAGES[lang], key), `${lang}: ${key}`).toBe(true);
  });

  it('uses the same placeholders in Chinese as in English', () => {
    for (const [key, english] of Object.entries(MESSAGES.en)) {
      expect(placeholders(MESSAGES['zh-CN'][key as keyof typeof MESSAGES.en]), key).toEqual(placeholders(english));
    }
  });

  it('has a word for every verdict and severity in both languages', () => {
    for (const lang of LANGS) {
      const t = createTranslator(lang);
      for (const v of ['CONSUMED', 'PARTIALLY_CONSUMED', 'NOT_CONSUMED', 'NO_SUBSCRIBERS', 'UNKNOWN']) {
        expect(t.text(`verdict.${v}`)).toBeTruthy();
        expect(t.text(`verdictExplain.${v}`)).toBeTruthy();
      }
      for (const s of ['CRITICAL', 'WARNING', 'INFO']) expect(t.text(`severity.${s}`)).toBeTruthy();
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    const t = createTranslator('en');
    expect(t('waitProgress', { elapsed: 3, total: 60, polls: 2, verdict: 'Not consumed' })).toBe('Waited 3 s of 60 s · 2 poll(s) · last verdict: Not consumed');
    expect(t('findTitle', { found: 1 })).toBe('1 message(s) found, {examined} looked up');
    expect(t.text('no.such.key')).toBeUndefined();
    expect(t.text('constructor')).toBeUndefined();
  });
});

describe('Function: pickLang', () => {
  it.each([
    ['a stored choice', 'zh-CN', ['en-US'], 'zh-CN'],
    ['a stored value it does not have', 'fr', ['zh-TW', 'en'], 'zh-CN'],
    ['the first English or Chinese preference', null, ['de-DE', 'zh-Hans-CN', 'en'], 'zh-CN'],
    ['English before Chinese', null, ['en-GB', 'zh-CN'], 'en'],
    ['neither', null, ['de', 'fr'], 'en'],
  ])('picks from %s', (_, stored, preferred, expected) => {
    expect(pickLang(stored, preferred)).toBe(expected);
  });
});
