import { z } from 'zod';
import { secretFromEnv, webhookUrlFromEnv } from '../../config/env-values';
import type { PlatformManifest } from '../platform-port';
import { fastMatch, lazySchema } from '../../validation';

const CORP_ID = /^[\w$.-]{2,80}$/;
const CONVERSATION_ID = /^(?:[\w$.+/=-]{2,200}|\*)$/;

const ChatEnv = lazySchema(() =>
  z.object({
  DINGTALK_APP_SECRET: secretFromEnv(8).describe(
    "The DingTalk robot's AppSecret. It turns on `POST /chat/dingtalk`; unset, that route answers 404. It needs `MQTRACE_INTERNAL_SECRET`. A secret.",
  ),
  }),
);

const AlertEnv = lazySchema(() =>
  z.object({
  MQTRACE_DINGTALK_ROBOT_URL: webhookUrlFromEnv('DingTalk custom robot webhook').describe(
    "The DingTalk custom robot's webhook, `https://oapi.dingtalk.com/robot/send?access_token=…`. Unset: no DingTalk alerts. A secret: it is masked in every log line.",
  ),
  MQTRACE_DINGTALK_ROBOT_SECRET: z
    .preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().min(8, 'is too short for a robot secret (SEC…)').optional())
    .describe("The robot's signing secret (加签, `SEC…`). Unset: alerts are not signed. It needs `MQTRACE_DINGTALK_ROBOT_URL`. A secret."),
  }),
);

export interface DingTalkSettings {
  appSecret: string;
}

export interface DingTalkAlertSettings {
  webhookUrl: string;
  secret?: string;
}

/** DingTalk: the enterprise robot in HTTP mode (replies on its sessionWebhook), custom-robot alerts. */
export const dingtalkManifest: PlatformManifest = {
  name: 'dingtalk',
  title: 'DingTalk',
  defaultLocale: 'zh-CN',
  invocation: '@mqtrace',
  chat: {
    env: ChatEnv,
    settings: (env) => {
      const e = env as z.output<typeof ChatEnv>;
      return e.DINGTALK_APP_SECRET ? ({ appSecret: e.DINGTALK_APP_SECRET } satisfies DingTalkSettings) : undefined;
    },
    secrets: (s) => [(s as DingTalkSettings).appSecret],
    replyHosts: ['oapi.dingtalk.com', 'api.dingtalk.com'],
    load: async () => (await import('./adapter')).createDingTalkAdapter,
  },
  callers: {
    list: 'conversations',
    fields: {
      corpId: lazySchema(() => z.string().regex(CORP_ID, 'must be a DingTalk corp ID like ding0123abcd')),
      conversationId: lazySchema(() =>
        z.string().regex(CONVERSATION_ID, 'must be a DingTalk conversation ID like cidAbC…==, or "*" for every conversation of the corp'),
      ),
    },
    fastFields: {
      corpId: (entry) => fastMatch(CORP_ID)(entry.corpId),
      conversationId: (entry) => fastMatch(CONVERSATION_ID)(entry.conversationId),
    },
    org: 'corpId',
    conversation: 'conversationId',
    describe: 'DingTalk conversations that may ask: a corp ID and a conversation ID, or "*" for every conversation of the corp.',
  },
  alerts: {
    env: AlertEnv,
    settings: (env) => {
      const e = env as z.output<typeof AlertEnv>;
      if (!e.MQTRACE_DINGTALK_ROBOT_URL) return undefined;
      return { webhookUrl: e.MQTRACE_DINGTALK_ROBOT_URL, ...(e.MQTRACE_DINGTALK_ROBOT_SECRET ? { secret: e.MQTRACE_DINGTALK_ROBOT_SECRET } : {}) } satisfies DingTalkAlertSettings;
    },
    problems: (env) => {
      const e = env as z.output<typeof AlertEnv>;
      return e.MQTRACE_DINGTALK_ROBOT_SECRET && !e.MQTRACE_DINGTALK_ROBOT_URL ? [{ path: 'MQTRACE_DINGTALK_ROBOT_SECRET', message: 'is set but MQTRACE_DINGTALK_ROBOT_URL is not' }] : [];
    },
    secrets: (s) => {
      const a = s as DingTalkAlertSettings;
      // The token, in case the URL shows up re-encoded.
      return [a.webhookUrl, a.secret, new URL(a.webhookUrl).searchParams.get('access_token') ?? undefined].filter((v): v is string => typeof v === 'string' && v.length > 1);
    },
    load: async () => (await import('./alert-robot')).dingtalkAlertDestination,
  },
};
