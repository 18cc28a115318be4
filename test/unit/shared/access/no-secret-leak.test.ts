import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../../../functions/http/handler';
import { createAccessControl } from '../../../../shared/access/access-control';
import { sha256Hex } from '../../../../shared/access/bearer';
import { createChatApi } from '../../../../shared/chat/chat-api';
import type { FetchLike } from '../../../../shared/outbound/http-client';
import { chatSecrets, loadChatConfig } from '../../../../shared/config/chat-config-schema';
import { parseAppConfig } from '../../../../shared/config/app-config-schema';
import type { FcContext } from '../../../../shared/fc-context';
import type { FcHttpResponse } from '../../../../shared/http/http-response';
import { createFc2Invoker, type Fc2Constructor } from '../../../../shared/invoke/fc2-invoker';
import { sealInternalEvent } from '../../../../shared/invoke/internal-event';
import { createLogger } from '../../../../shared/log';
import { createBrokerDirectory } from '../../../../shared/brokers/registry';
import { createCredentialsProvider } from '../../../../shared/credentials';
import { createMemoryIdempotencyStore } from '../../../../shared/idempotency';
import { createOnsBrokers } from '../../../../shared/ons/ons-broker';
import { createOnsGateway } from '../../../../shared/ons/ons-gateway';
import { createRateLimiter } from '../../../../shared/upstream/rate-limiter';
import { createLimiterRegistry } from '../../../../shared/rate-limits';
import { createLookupService } from '../../../../shared/trace/lookup-service';
import {
  buildDingTalkCallbackEvent,
  buildSignedDingTalkCallback,
  buildSignedSlackCommand,
  buildSlackCommandEvent,
  TEST_CORP_ID,
  TEST_DINGTALK_SECRET,
  TEST_INTERNAL_SECRET,
  TEST_RESPONSE_URL,
  TEST_SLACK_SECRET,
  TEST_TEAM_ID,
} from '../../../builders/build-chat-requests';
import { buildFakeRpcClientFactory, type ScriptedReply } from '../../../builders/build-fake-rpc-client-factory';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../builders/build-http-handler';
import { buildNetworkError, buildPopCoreApiError, buildPopCoreNonJsonFailure, buildPopCoreTimeoutError, LEAK_MARKERS } from '../../../builders/build-pop-core-error';

const PROD = 'MQ_INST_1234567890123456_BXprod01';
const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const API_TOKEN = 'mqt_leaktest_token_3b8f0a9c7d6e5f4a';
const OTHER_TOKEN = 'mqt_leaktest_other_1a2b3c4d5e6f7a8b';
const CONTEXT_SECRET = 'LEAKTEST-ak-secret-5c2e9a';
const CONTEXT_TOKEN = 'LEAKTEST-security-token-0f7d1b';

/** Every secret value the function knows; none may appear in a log line, a reply, or a post. */
const SECRETS = [
  API_TOKEN,
  OTHER_TOKEN,
  sha256Hex(API_TOKEN),
  sha256Hex(OTHER_TOKEN),
  CONTEXT_SECRET,
  CONTEXT_TOKEN,
  TEST_SLACK_SECRET,
  TEST_DINGTALK_SECRET,
  TEST_INTERNAL_SECRET,
  ...LEAK_MARKERS,
];

const context = (): FcContext =>
  buildFcContext({ credentials: { accessKeyId: 'STS.LeakTestKeyId', accessKeySecret: CONTEXT_SECRET, securityToken: CONTEXT_TOKEN } });

/**
 * The real HTTP handler, chat API, lookup use case, 4.x broker and ONS gateway (pop-core replaced by
 * a scripted client), composed as functions/http/index.ts does, with a capturing logger.
 */
function buildWorld(script: ScriptedReply[]) {
  const output: string[] = [];
  const rpc = buildFakeRpcClientFactory(script);
  const gateway = createOnsGateway({
    endpoint: 'http://ons.test',
    clientFactory: rpc.factory,
    callTimeoutMs: 500,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    limiters: createLimiterRegistry((limit) => createRateLimiter(limit)),
  });
  const brokers = createBrokerDirectory([{ kind: 'ons-4x', load: () => createOnsBrokers(gateway) }]);
  const chatConfig = loadChatConfig({ SLACK_SIGNING_SECRET: TEST_SLACK_SECRET, DINGTALK_APP_SECRET: TEST_DINGTALK_SECRET, MQTRACE_INTERNAL_SECRET: TEST_INTERNAL_SECRET });
  const access = createAccessControl(
    parseAppConfig({
      aliases: { prod: PROD },
      defaultInstance: 'prod',
      http: { tokens: [{ name: 'ops', sha256: sha256Hex(API_TOKEN), scope: { instances: ['prod'], topics: ['orders*'] } }] },
      slack: { channels: [{ teamId: TEST_TEAM_ID, channelId: '*', scope: { instances: ['prod'], topics: ['orders*'] } }] },
      dingtalk: { conversations: [{ corpId: TEST_CORP_ID, conversationId: '*', scope: { instances: ['prod'], topics: ['orders*'] } }] },
    }),
  );
  const fetchFn: FetchLike = async (url, init) => {
    output.push(`POST ${url} ${init.body}`);
    return { status: 200, text: async () => (url.includes('dingtalk') ? '{"errcode":0}' : 'ok') };
  };
  class RecordingFc2 {
    version = '2016-08-15';
    async post(_path: string, body: Buffer) {
      output.push(`INVOKE ${body.toString('utf8')}`);
      return { headers: {}, data: '' };
    }
  }
  const now = () => HANDLER_NOW_MS;
  const deps = {
    lookups: createLookupService({ brokers, access, now, producerUtcOffsetMinutes: 480 }),
    credentials: createCredentialsProvider(undefined),
    access,
    lookupDeadlineMs: 4000,
    now,
  };
  const handler = createHttpHandler({
    ...deps,
    logger: createLogger({ write: (line) => output.push(line), now, secrets: chatSecrets(chatConfig) }),
    version: 'leak-test',
    chat: createChatApi({
      ...deps,
      config: chatConfig,
      invoker: createFc2Invoker({ endpoint: 'http://fc.test', timeoutMs: 500, load: async () => RecordingFc2 as unknown as Fc2Constructor }),
      fetch: fetchFn,
      timeZone: { kind: 'offset', minutes: 0 },
      idempotency: createMemoryIdempotencyStore({ maxEntries: 10_000, now }),
    }),
  });
  return {
    async invoke(event: unknown) {
      const response = (await handler(event, context())) as FcHttpResponse;
      output.push(JSON.stringify(response));
      return response;
    },
    output,
  };
}

const upstreamFailures: Array<[string, ScriptedReply]> = [
  ['throttling', { error: buildPopCoreApiError({ code: 'Throttling.User' }) }],
  ['a bad AccessKey', { error: buildPopCoreApiError({ code: 'InvalidAccessKeyId.NotFound' }) }],
  ['a RAM denial', { error: buildPopCoreApiError({ code: 'Forbidden.RAM', statusCode: 403 }) }],
  ['an internal error', { error: buildPopCoreApiError({ code: 'InternalError', statusCode: 500 }) }],
  ['a non-JSON body', { error: buildPopCoreNonJsonFailure() }],
  ['a timeout', { error: buildPopCoreTimeoutError() }],
  ['a reset connection', { error: buildNetworkError('ECONNRESET') }],
  ['an unexpected error quoting the secrets', { error: new Error(`boom ${CONTEXT_SECRET} ${CONTEXT_TOKEN} ${API_TOKEN}`) }],
];

const get = (query: Record<string, string>, authorization: string | null = `Bearer ${API_TOKEN}`) => buildFcHttpEventBuffer({ query, authorization });
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);

const paths: Array<[string, ScriptedReply[], (w: ReturnType<typeof buildWorld>) => Promise<unknown>]> = [
  ['HTTP: no token', [], (w) => w.invoke(get({ topic: 'orders', msgId: MSG }, null))],
  ['HTTP: another token', [], (w) => w.invoke(get({ topic: 'orders', msgId: MSG }, `Bearer ${OTHER_TOKEN}`))],
  ['HTTP: the token hash as token', [], (w) => w.invoke(get({ topic: 'orders', msgId: MSG }, `Bearer ${sha256Hex(API_TOKEN)}`))],
  ['HTTP: the token in a Basic header', [], (w) => w.invoke(get({ topic: 'orders', msgId: MSG }, `Basic ${API_TOKEN}`))],
  ['HTTP: out of scope', [], (w) => w.invoke(get({ topic: 'payments', msgId: MSG }))],
  ['HTTP: invalid input', [], (w) => w.invoke(get({ topic: 'orders', msgId: API_TOKEN }))],
  ...upstreamFailures.map(([name, reply]): (typeof paths)[number] => [`HTTP: upstream ${name}`, [reply], (w) => w.invoke(get({ topic: 'orders', msgId: MSG }))]),
  ...upstreamFailures.map(([name, reply]): (typeof paths)[number] => [
    `HTTP batch: upstream ${name}`,
    [reply],
    (w) =>
      w.invoke(
        buildFcHttpEventBuffer({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          authorization: `Bearer ${API_TOKEN}`,
          body: JSON.stringify({ lookups: [{ topic: 'orders', msgId: MSG }, { topic: 'payments', msgId: MSG }] }),
        }),
      ),
  ]),
  ...upstreamFailures.map(([name, reply]): (typeof paths)[number] => [
    `HTTP explain: upstream ${name} in a diagnosis call`,
    [{ body: { RequestId: 'UP-T', Data: { TrackList: { TrackDetail: [] } } } }, reply, reply, reply, reply, reply],
    (w) => w.invoke(get({ topic: 'orders', msgId: MSG, explain: 'true' })),
  ]),
  ['Slack: signed with another secret', [], (w) => w.invoke(buildSlackCommandEvent(buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { signingSecret: 'another-signing-secret', timestampSec: NOW_SEC })))],
  ['Slack: unknown team', [], (w) => w.invoke(buildSlackCommandEvent(buildSignedSlackCommand({ text: `trace orders ${MSG}`, teamId: 'T0UNKNOWN1' }, { timestampSec: NOW_SEC })))],
  ['Slack: out of scope', [], (w) => w.invoke(buildSlackCommandEvent(buildSignedSlackCommand({ text: `trace payments ${MSG}` }, { timestampSec: NOW_SEC })))],
  ...upstreamFailures.map(([name, reply]): (typeof paths)[number] => [
    `Slack: upstream ${name}`,
    [reply, reply, reply],
    (w) => w.invoke(buildSlackCommandEvent(buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC }))),
  ]),
  ['DingTalk: signed with another secret', [], (w) => w.invoke(buildDingTalkCallbackEvent(buildSignedDingTalkCallback({ text: `trace orders ${MSG}`, nowMs: HANDLER_NOW_MS }, { appSecret: 'another-app-secret' })))],
  ['DingTalk: unknown corp', [], (w) => w.invoke(buildDingTalkCallbackEvent(buildSignedDingTalkCallback({ text: `trace orders ${MSG}`, nowMs: HANDLER_NOW_MS, senderCorpId: 'dingunknown' })))],
  ...upstreamFailures.map(([name, reply]): (typeof paths)[number] => [
    `DingTalk: upstream ${name}`,
    [reply, reply, reply],
    (w) => w.invoke(buildDingTalkCallbackEvent(buildSignedDingTalkCallback({ text: `trace orders ${MSG}`, nowMs: HANDLER_NOW_MS }))),
  ]),
  ['deferred: forged HMAC', [], (w) => w.invoke(sealInternalEvent({ issuedAt: HANDLER_NOW_MS, type: 'chat.reply' }, 'a-forger-secret-0123456789abcdef0123'))],
  ...upstreamFailures.map(([name, reply]): (typeof paths)[number] => [
    `deferred: upstream ${name}`,
    [reply, reply, reply],
    (w) =>
      w.invoke(
        sealInternalEvent(
          {
            type: 'chat.reply',
            platform: 'slack',
            issuedAt: HANDLER_NOW_MS,
            idempotencyKey: `slack:${name}`,
            originRequestId: 'r',
            target: { instanceId: PROD, topic: 'orders', msgId: MSG },
            caller: { channel: 'slack', id: `${TEST_TEAM_ID}/C1` },
            slack: { responseUrl: TEST_RESPONSE_URL, visibility: 'ephemeral', teamId: TEST_TEAM_ID, userId: 'U1', channelId: 'C1' },
          },
          TEST_INTERNAL_SECRET,
        ),
      ),
  ]),
];

describe('Every error path of every channel, with known fake secrets', () => {
  it.each(paths)('%s: no secret in any log line, reply, post or invocation', async (_, script, drive) => {
    // Arrange
    const world = buildWorld([...script]);

    // Act
    await drive(world);

    // Assert
    const everything = world.output.join('\n');
    expect(world.output.length).toBeGreaterThan(1);
    for (const secret of SECRETS) expect(everything, secret).not.toContain(secret);
  });
});
