import { z } from 'zod';
import { emptyAsUndefined, secretFromEnv, webhookUrlFromEnv } from '../../config/env-values';
import type { PlatformManifest } from '../platform-port';
import { fastMatch, lazySchema } from '../../validation';

/** The OpenAPI hosts: Feishu (China) and Lark (international). */
export const FEISHU_DOMAINS = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' } as const;

const TENANT_KEY = /^[\w-]{2,64}$/;
const CHAT_ID = /^(?:oc_[A-Za-z0-9]{8,64}|\*)$/;

const ChatEnv = lazySchema(() =>
  z.object({
  FEISHU_APP_ID: z
    .preprocess(emptyAsUndefined, z.string().regex(/^cli_[A-Za-z0-9]{4,40}$/, 'must be a Feishu app ID like cli_a1b2c3d4e5').optional())
    .describe(
      'The Feishu/Lark self-built app\'s App ID. With `FEISHU_APP_SECRET` and `FEISHU_VERIFICATION_TOKEN` it turns on `POST /chat/feishu` (its event and card-callback request URL); unset, that route answers 404. It needs `MQTRACE_INTERNAL_SECRET`.',
    ),
  FEISHU_APP_SECRET: secretFromEnv(8).describe("The app's App Secret, for its tenant_access_token. A secret."),
  FEISHU_VERIFICATION_TOKEN: secretFromEnv(8).describe("The app's Verification Token: every event and challenge must carry it. A secret."),
  FEISHU_ENCRYPT_KEY: secretFromEnv(8).describe(
    "The app's Encrypt Key. Set: events arrive encrypted and signed (`X-Lark-Signature`), and unsigned or unencrypted ones are refused. Unset: only the Verification Token authenticates them. A secret.",
  ),
  FEISHU_DOMAIN: z
    .preprocess(
      emptyAsUndefined,
      z
        .union([z.enum(['feishu', 'lark']), z.url({ protocol: /^https?$/ })], { error: 'must be feishu, lark or an http(s) origin' })
        .optional()
        .transform((v) => v ?? 'feishu'),
    )
    .describe(
      'Where the app\'s OpenAPI is: `feishu` (open.feishu.cn), `lark` (open.larksuite.com, the international Lark) or an origin such as a local fake (which must also be in `MQTRACE_CHAT_EXTRA_REPLY_ORIGINS`).',
    ),
  }),
);

const AlertEnv = lazySchema(() =>
  z.object({
  MQTRACE_FEISHU_BOT_URL: webhookUrlFromEnv('Feishu/Lark custom bot webhook').describe(
    'The Feishu/Lark custom bot\'s webhook, `https://open.feishu.cn/open-apis/bot/v2/hook/…`. Unset: no Feishu alerts. A secret: it is masked in every log line.',
  ),
  MQTRACE_FEISHU_BOT_SECRET: secretFromEnv(8).describe("The custom bot's signing secret (签名校验). Unset: alerts are not signed. It needs `MQTRACE_FEISHU_BOT_URL`. A secret."),
  }),
);

export interface FeishuSettings {
  appId: string;
  appSecret: string;
  verificationToken: string;
  encryptKey: string | undefined;
  /** The OpenAPI origin. */
  baseUrl: string;
}

export interface FeishuAlertSettings {
  webhookUrl: string;
  secret?: string;
}

const CHAT_KEYS = ['FEISHU_APP_ID', 'FEISHU_APP_SECRET', 'FEISHU_VERIFICATION_TOKEN'] as const;

/** Feishu/Lark: the app bot over HTTP event subscription (replies in thread as cards), custom-bot alerts. */
export const feishuManifest: PlatformManifest = {
  name: 'feishu',
  title: 'Feishu/Lark',
  defaultLocale: 'zh-CN',
  invocation: '@mqtrace',
  chat: {
    env: ChatEnv,
    settings: (env) => {
      const e = env as z.output<typeof ChatEnv>;
      if (!e.FEISHU_APP_ID || !e.FEISHU_APP_SECRET || !e.FEISHU_VERIFICATION_TOKEN) return undefined;
      const domain = e.FEISHU_DOMAIN;
      return {
        appId: e.FEISHU_APP_ID,
        appSecret: e.FEISHU_APP_SECRET,
        verificationToken: e.FEISHU_VERIFICATION_TOKEN,
        encryptKey: e.FEISHU_ENCRYPT_KEY,
        baseUrl: domain === 'feishu' || domain === 'lark' ? FEISHU_DOMAINS[domain] : new URL(domain).origin,
      } satisfies FeishuSettings;
    },
    problems: (env) => {
      const set = CHAT_KEYS.filter((k) => env[k] !== undefined);
      const missing = CHAT_KEYS.filter((k) => env[k] === undefined);
      return set.length > 0 && missing.length > 0 ? missing.map((k) => ({ path: k, message: `is required with ${set.join(' and ')}` })) : [];
    },
    secrets: (s) => {
      const f = s as FeishuSettings;
      return [f.appSecret, f.verificationToken, ...(f.encryptKey ? [f.encryptKey] : [])];
    },
    replyHosts: ['open.feishu.cn', 'open.larksuite.com'],
    load: async () => (await import('./adapter')).createFeishuAdapter,
  },
  callers: {
    list: 'chats',
    fields: {
      tenantKey: lazySchema(() => z.string().regex(TENANT_KEY, 'must be a Feishu tenant key (header.tenant_key of an event)')),
      chatId: lazySchema(() => z.string().regex(CHAT_ID, 'must be a Feishu chat ID like oc_5ad…, or "*" for every chat of the tenant')),
    },
    fastFields: {
      tenantKey: (entry) => fastMatch(TENANT_KEY)(entry.tenantKey),
      chatId: (entry) => fastMatch(CHAT_ID)(entry.chatId),
    },
    org: 'tenantKey',
    conversation: 'chatId',
    describe: 'Feishu/Lark chats that may ask: a tenant key and a chat ID (group or 1:1), or "*" for every chat of the tenant.',
  },
  alerts: {
    env: AlertEnv,
    settings: (env) => {
      const e = env as z.output<typeof AlertEnv>;
      if (!e.MQTRACE_FEISHU_BOT_URL) return undefined;
      return { webhookUrl: e.MQTRACE_FEISHU_BOT_URL, ...(e.MQTRACE_FEISHU_BOT_SECRET ? { secret: e.MQTRACE_FEISHU_BOT_SECRET } : {}) } satisfies FeishuAlertSettings;
    },
    problems: (env) => {
      const e = env as z.output<typeof AlertEnv>;
      return e.MQTRACE_FEISHU_BOT_SECRET && !e.MQTRACE_FEISHU_BOT_URL ? [{ path: 'MQTRACE_FEISHU_BOT_SECRET', message: 'is set but MQTRACE_FEISHU_BOT_URL is not' }] : [];
    },
    secrets: (s) => {
      const a = s as FeishuAlertSettings;
      // The hook's path is its token.
      return [a.webhookUrl, new URL(a.webhookUrl).pathname, ...(a.secret ? [a.secret] : [])];
    },
    load: async () => (await import('./alert-bot')).feishuAlertDestination,
  },
};
