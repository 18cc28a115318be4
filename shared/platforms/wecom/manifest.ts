import { z } from 'zod';
import { emptyAsUndefined, secretFromEnv, webhookUrlFromEnv } from '../../config/env-values';
import type { PlatformManifest } from '../platform-port';
import { fastMatch, lazySchema } from '../../validation';

export const WECOM_API_ORIGIN = 'https://qyapi.weixin.qq.com';

const CORP_ID = /^[A-Za-z0-9]{6,40}$/;
const USER_ID = /^(?:[\w.@-]{1,64}|\*)$/;

const ChatEnv = lazySchema(() =>
  z.object({
  WECOM_CORP_ID: z
    .preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9]{6,40}$/, 'must be a WeCom CorpID like ww0123456789abcdef').optional())
    .describe(
      "The WeCom (企业微信) CorpID. With `WECOM_TOKEN`, `WECOM_ENCODING_AES_KEY`, `WECOM_AGENT_ID` and `WECOM_APP_SECRET` it turns on `/chat/wecom` (the app's callback URL: GET verifies it, POST receives messages); unset, that route answers 404. Decrypted callbacks must name it as their receiveId. It needs `MQTRACE_INTERNAL_SECRET`.",
    ),
  WECOM_TOKEN: secretFromEnv(3).describe("The app callback's Token, for `msg_signature`. A secret."),
  WECOM_ENCODING_AES_KEY: z
    .preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey').optional())
    .describe("The app callback's EncodingAESKey (43 characters). A secret."),
  WECOM_AGENT_ID: z
    .preprocess(emptyAsUndefined, z.string().regex(/^\d{1,12}$/, 'must be the app\'s AgentId, a number').transform(Number).optional())
    .describe("The app's AgentId, for the message-send API."),
  WECOM_APP_SECRET: secretFromEnv(8).describe("The app's Secret, for its access_token. A secret."),
  WECOM_API_ORIGIN: z
    .preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) origin' }).optional())
    .describe(
      'Where the WeCom API is. Unset: `https://qyapi.weixin.qq.com`. Set it only for a local fake, whose origin must also be in `MQTRACE_CHAT_EXTRA_REPLY_ORIGINS`.',
    ),
  }),
);

const AlertEnv = lazySchema(() =>
  z.object({
  MQTRACE_WECOM_ROBOT_URL: webhookUrlFromEnv('WeCom group robot webhook').describe(
    'The WeCom group robot\'s webhook, `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`. Unset: no WeCom alerts. A secret (the key is in it): it is masked in every log line.',
  ),
  }),
);

export interface WeComSettings {
  corpId: string;
  token: string;
  encodingAesKey: string;
  agentId: number;
  secret: string;
  origin: string;
}

export interface WeComAlertSettings {
  webhookUrl: string;
}

const CHAT_KEYS = ['WECOM_CORP_ID', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY', 'WECOM_AGENT_ID', 'WECOM_APP_SECRET'] as const;

/** WeCom (企业微信): the self-built app's callback (passive or API replies), group-robot alerts. */
export const wecomManifest: PlatformManifest = {
  name: 'wecom',
  title: 'WeCom',
  defaultLocale: 'zh-CN',
  invocation: '',
  chat: {
    env: ChatEnv,
    settings: (env) => {
      const e = env as z.output<typeof ChatEnv>;
      if (!e.WECOM_CORP_ID || !e.WECOM_TOKEN || !e.WECOM_ENCODING_AES_KEY || e.WECOM_AGENT_ID === undefined || !e.WECOM_APP_SECRET) return undefined;
      return {
        corpId: e.WECOM_CORP_ID,
        token: e.WECOM_TOKEN,
        encodingAesKey: e.WECOM_ENCODING_AES_KEY,
        agentId: e.WECOM_AGENT_ID,
        secret: e.WECOM_APP_SECRET,
        origin: e.WECOM_API_ORIGIN ? new URL(e.WECOM_API_ORIGIN).origin : WECOM_API_ORIGIN,
      } satisfies WeComSettings;
    },
    problems: (env) => {
      const set = CHAT_KEYS.filter((k) => env[k] !== undefined);
      const missing = CHAT_KEYS.filter((k) => env[k] === undefined);
      return set.length > 0 && missing.length > 0 ? missing.map((k) => ({ path: k, message: `is required with ${set.join(' and ')}` })) : [];
    },
    secrets: (s) => {
      const w = s as WeComSettings;
      return [w.token, w.encodingAesKey, w.secret];
    },
    replyHosts: ['qyapi.weixin.qq.com'],
    load: async () => (await import('./adapter')).createWeComAdapter,
  },
  callers: {
    list: 'users',
    fields: {
      corpId: lazySchema(() => z.string().regex(CORP_ID, 'must be a WeCom CorpID like ww0123456789abcdef')),
      userId: lazySchema(() => z.string().regex(USER_ID, 'must be a WeCom UserID, or "*" for every member of the corp')),
    },
    fastFields: {
      corpId: (entry) => fastMatch(CORP_ID)(entry.corpId),
      userId: (entry) => fastMatch(USER_ID)(entry.userId),
    },
    org: 'corpId',
    conversation: 'userId',
    describe: "WeCom members who may ask the app (an app's messages are 1:1): a CorpID and a UserID, or \"*\" for every member.",
  },
  alerts: {
    env: AlertEnv,
    settings: (env) => {
      const e = env as z.output<typeof AlertEnv>;
      return e.MQTRACE_WECOM_ROBOT_URL ? ({ webhookUrl: e.MQTRACE_WECOM_ROBOT_URL } satisfies WeComAlertSettings) : undefined;
    },
    secrets: (s) => {
      const url = (s as WeComAlertSettings).webhookUrl;
      return [url, new URL(url).searchParams.get('key') ?? ''].filter((v) => v.length > 1);
    },
    load: async () => (await import('./alert-robot')).wecomAlertDestination,
  },
};
