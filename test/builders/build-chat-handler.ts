import { createHttpHandler } from '../../functions/http/handler';
import { createAccessControl } from '../../shared/access/access-control';
import { createChatApi } from '../../shared/chat/chat-api';
import { createCredentialsProvider } from '../../shared/credentials';
import { createMemoryIdempotencyStore } from '../../shared/idempotency';
import { createLookupService } from '../../shared/trace/lookup-service';
import { createMemoryVerdictCache } from '../../shared/trace/verdict-cache';
import type { FetchLike } from '../../shared/outbound/http-client';
import { chatSecrets, loadChatConfig } from '../../shared/config/chat-config-schema';
import type { FcContext } from '../../shared/fc-context';
import type { TimeZoneSetting } from '../../shared/i18n/time-zone';
import type { FcHttpResponse } from '../../shared/http/http-response';
import { createFc2Invoker, type Fc2Constructor } from '../../shared/invoke/fc2-invoker';
import { createLogger } from '../../shared/log';
import type { MessageTraceResult } from '../../shared/ons/message-trace';
import {
  TEST_WECOM,
  TEST_FEISHU,
  TEST_CORP_ID,
  TEST_DINGTALK_SECRET,
  TEST_INTERNAL_SECRET,
  TEST_SLACK_SECRET,
  TEST_TEAM_ID,
} from './build-chat-requests';
import { buildAppConfig } from './build-access';
import { buildFakeGateway, type FakeGateway, type TraceQueryArg } from './build-fake-gateway';
import { buildFakeClock, type FakeClock } from './fake-clock';
import { HANDLER_NOW_MS } from './build-http-handler';

export const CHAT_DEFAULT_INSTANCE = 'MQ_INST_1234567890123456_BXdefault';
export const CHAT_PROD_INSTANCE = 'MQ_INST_1234567890123456_BXprod01';

/** The chat environment of the harness; override any key, or set it to '' to unset it. */
export const CHAT_TEST_ENV: Record<string, string> = {
  SLACK_SIGNING_SECRET: TEST_SLACK_SECRET,
  DINGTALK_APP_SECRET: TEST_DINGTALK_SECRET,
  MQTRACE_INTERNAL_SECRET: TEST_INTERNAL_SECRET,
  FEISHU_APP_ID: TEST_FEISHU.appId,
  FEISHU_APP_SECRET: TEST_FEISHU.appSecret,
  FEISHU_VERIFICATION_TOKEN: TEST_FEISHU.verificationToken,
  FEISHU_ENCRYPT_KEY: TEST_FEISHU.encryptKey,
  WECOM_CORP_ID: TEST_WECOM.corpId,
  WECOM_TOKEN: TEST_WECOM.token,
  WECOM_ENCODING_AES_KEY: TEST_WECOM.encodingAesKey,
  WECOM_AGENT_ID: String(TEST_WECOM.agentId),
  WECOM_APP_SECRET: TEST_WECOM.secret,
};

const EVERYTHING = { instances: ['*'], topics: ['*'] };

/**
 * The harness's MQTRACE_CONFIG document: every channel of the test team and every conversation of
 * the test corp may look up anything; `prod` is an alias; the default instance is set.
 */
export const CHAT_TEST_CONFIG: Record<string, unknown> = {
  aliases: { prod: CHAT_PROD_INSTANCE },
  defaultInstance: CHAT_DEFAULT_INSTANCE,
  slack: { channels: [{ teamId: TEST_TEAM_ID, channelId: '*', scope: EVERYTHING }] },
  // English, so that assertions read the same on both platforms; the Chinese defaults have their own tests.
  dingtalk: { conversations: [{ corpId: TEST_CORP_ID, conversationId: '*', scope: EVERYTHING, locale: 'en' }] },
  // Feishu keeps its default language, Chinese.
  feishu: { chats: [{ tenantKey: TEST_FEISHU.tenantKey, chatId: '*', scope: EVERYTHING }] },
  wecom: { users: [{ corpId: TEST_WECOM.corpId, userId: '*', scope: EVERYTHING }] },
};

export interface ReplyPost {
  url: string;
  body: Record<string, any>;
  headers: Record<string, string>;
}

export interface ChatHandlerHarness {
  invoke(event: unknown, context: FcContext): Promise<FcHttpResponse>;
  clock: FakeClock;
  fake: FakeGateway;
  /** Every POST to a reply URL (response_url or sessionWebhook). */
  posts: ReplyPost[];
  /** Payloads handed to the async invocation, as FC would deliver them. */
  invocations: Buffer[];
  /** How often the fc2 SDK was loaded. */
  fc2Loads(): number;
  logs(): Array<Record<string, unknown>>;
  rawLogs: string[];
}

export interface ChatHandlerOptions {
  respond?: (query: TraceQueryArg) => MessageTraceResult | Promise<MessageTraceResult>;
  env?: Record<string, string>;
  /** Top-level keys replacing those of {@link CHAT_TEST_CONFIG}, e.g. `slack` with narrower channels. */
  config?: Record<string, unknown>;
  /** How the reply endpoints answer; default 200 with Slack's `ok` or DingTalk's errcode 0. */
  replyAnswer?: (url: string) => { status: number; text: string };
  /** Makes the async invocation fail with this fc2-style error. */
  invokeFailure?: unknown;
  /** Where reply times are shown; default UTC. */
  timeZone?: TimeZoneSetting;
  /** Keep CONSUMED answers in an in-memory verdict cache this long; default no cache. */
  verdictCacheTtlMs?: number;
}

/** What each platform's endpoint answers when it takes the call. */
function defaultAnswer(url: string): { status: number; text: string } {
  if (url.includes('dingtalk')) return { status: 200, text: '{"errcode":0,"errmsg":"ok"}' };
  if (url.includes('/open-apis/auth/v3/tenant_access_token/internal')) return { status: 200, text: '{"code":0,"msg":"ok","tenant_access_token":"t-test-tenant-token","expire":7200}' };
  if (url.includes('/open-apis/im/v1/messages/')) return { status: 200, text: '{"code":0,"msg":"success","data":{}}' };
  if (url.includes('/cgi-bin/gettoken')) return { status: 200, text: '{"errcode":0,"errmsg":"ok","access_token":"wecom-test-access-token","expires_in":7200}' };
  if (url.includes('/cgi-bin/message/send')) return { status: 200, text: '{"errcode":0,"errmsg":"ok","invaliduser":""}' };
  return { status: 200, text: 'ok' };
}

/**
 * The real HTTP handler with the real chat API, over a fake gateway, a recording `fetch`, and fc2
 * replaced by a class that records what would be invoked; the clock is fake and starts at
 * {@link HANDLER_NOW_MS}.
 */
export function buildChatHandler(options: ChatHandlerOptions = {}): ChatHandlerHarness {
  const rawLogs: string[] = [];
  const clock = buildFakeClock({ startMs: HANDLER_NOW_MS });
  const fake = buildFakeGateway(options.respond ?? (() => ({ requestId: 'UP-DEFAULT', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] })));
  const posts: ReplyPost[] = [];
  const invocations: Buffer[] = [];
  let loads = 0;

  class RecordingFc2 {
    version = '2016-08-15';
    async post(_path: string, body: Buffer) {
      if (options.invokeFailure) throw options.invokeFailure;
      invocations.push(body);
      return { headers: { 'x-fc-request-id': `1-async-${invocations.length}` }, data: '' };
    }
  }
  const fetchFn: FetchLike = async (url, init) => {
    posts.push({ url, body: JSON.parse(init.body ?? 'null') as Record<string, any>, headers: init.headers });
    const answer = options.replyAnswer?.(url) ?? defaultAnswer(url);
    return { status: answer.status, text: async () => answer.text };
  };

  const env = Object.fromEntries(Object.entries({ ...CHAT_TEST_ENV, ...options.env }).filter(([, v]) => v !== ''));
  const config = loadChatConfig(env);
  const access = createAccessControl(buildAppConfig({ ...CHAT_TEST_CONFIG, ...options.config }));
  const gatewayDeps = {
    lookups: createLookupService({
      brokers: fake.brokers,
      access,
      now: clock.now,
      producerUtcOffsetMinutes: 480,
      ...(options.verdictCacheTtlMs ? { verdictCache: createMemoryVerdictCache({ maxEntries: 100, now: clock.now }), verdictCacheTtlMs: options.verdictCacheTtlMs } : {}),
    }),
    credentials: createCredentialsProvider(undefined),
    access,
    lookupDeadlineMs: 8000,
    now: clock.now,
  };
  const handler = createHttpHandler({
    ...gatewayDeps,
    logger: createLogger({ write: (line) => rawLogs.push(line), now: clock.now, secrets: chatSecrets(config) }),
    version: '9.9.9-test',
    chat: createChatApi({
      ...gatewayDeps,
      config,
      invoker: createFc2Invoker({
        endpoint: undefined,
        timeoutMs: 800,
        load: async () => {
          loads++;
          return RecordingFc2 as unknown as Fc2Constructor;
        },
      }),
      fetch: fetchFn,
      timeZone: options.timeZone ?? { kind: 'offset', minutes: 0 },
      idempotency: createMemoryIdempotencyStore({ maxEntries: 10_000, now: clock.now }),
    }),
  });
  return {
    invoke: (event, context) => handler(event, context) as Promise<FcHttpResponse>,
    clock,
    fake,
    posts,
    invocations,
    fc2Loads: () => loads,
    logs: () => rawLogs.map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs,
  };
}
