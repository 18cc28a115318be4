import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/errors';
import { chatSecrets, loadChatConfig } from '../../../../shared/config/chat-config-schema';
import { thrownBy } from '../../../builders/thrown-by';

const INTERNAL = 'internal-secret-for-tests-0123456789abcdef';

describe('Function: loadChatConfig', () => {
  it('leaves both platforms disabled when their secrets are unset', () => {
    const config = loadChatConfig({});
    expect(config.platforms.size).toBe(0);
    expect(config).toMatchObject({ inlineBudgetMs: 1500, replyTimeoutMs: 3000, deferredCallTimeoutMs: 6000, extraReplyOrigins: [] });
  });

  it('reads every chat setting', () => {
    // Act
    const config = loadChatConfig({
      SLACK_SIGNING_SECRET: 'slack-signing-secret',
      DINGTALK_APP_SECRET: 'dingtalk-app-secret',
      MQTRACE_INTERNAL_SECRET: INTERNAL,
      MQTRACE_CHAT_INLINE_BUDGET_MS: '1800',
      MQTRACE_CHAT_EXTRA_REPLY_ORIGINS: 'http://127.0.0.1:9100/, http://localhost:9200',
      MQTRACE_FC_ENDPOINT: 'http://127.0.0.1:9300',
      FC_ACCOUNT_ID: '1234567890123456',
      FC_FUNCTION_NAME: 'mqtrace-http',
      FC_REGION: 'cn-hangzhou',
    });
    // Assert
    expect(config.platforms.get('slack')?.settings).toEqual({ signingSecret: 'slack-signing-secret' });
    expect(config.platforms.get('dingtalk')?.settings).toEqual({ appSecret: 'dingtalk-app-secret' });
    expect(config).toMatchObject({
      internalSecret: INTERNAL,
      inlineBudgetMs: 1800,
      extraReplyOrigins: ['http://127.0.0.1:9100', 'http://localhost:9200'],
      invoke: { endpoint: 'http://127.0.0.1:9300', accountId: '1234567890123456', functionName: 'mqtrace-http', region: 'cn-hangzhou' },
    });
    expect(chatSecrets(config)).toEqual(['slack-signing-secret', 'dingtalk-app-secret', INTERNAL]);
  });

  it.each([
    ['a chat secret without the internal secret', { SLACK_SIGNING_SECRET: 'slack-signing-secret' }, 'MQTRACE_INTERNAL_SECRET'],
    ['a short internal secret', { DINGTALK_APP_SECRET: 'dingtalk-app-secret', MQTRACE_INTERNAL_SECRET: 'short' }, 'MQTRACE_INTERNAL_SECRET'],
    ['a budget beyond Slack’s 3 s', { MQTRACE_CHAT_INLINE_BUDGET_MS: '3000' }, 'MQTRACE_CHAT_INLINE_BUDGET_MS'],
    ['a non-URL origin', { MQTRACE_CHAT_EXTRA_REPLY_ORIGINS: 'localhost' }, 'MQTRACE_CHAT_EXTRA_REPLY_ORIGINS'],
  ])('rejects %s, naming the variable but not its value', (_name, env, key) => {
    const error = thrownBy(() => loadChatConfig(env));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keys.join(',')).toContain(key);
    for (const value of Object.values(env)) expect((error as Error).message).not.toContain(value);
  });
});
