import { describe, expect, it } from 'vitest';
import type { ChatApi } from '../../../../shared/chat/chat-api';
import { createLazyChatApi } from '../../../../shared/chat/lazy-chat-api';

describe('Function: createLazyChatApi', () => {
  it('loads the chat API on the first chat request only, once, and forwards every route', async () => {
    // Arrange
    let loads = 0;
    const seen: string[] = [];
    const real: ChatApi = {
      slack: async () => (seen.push('slack'), { status: 200, json: 'slack' }),
      slackProbe: async () => (seen.push('probe'), { status: 200, json: 'probe' }),
      dingtalk: async () => (seen.push('dingtalk'), { status: 200, json: 'dingtalk' }),
      finishDeferred: async () => (seen.push('deferred'), { status: 200, json: 'deferred' }),
    };
    const lazy = createLazyChatApi(async () => {
      loads++;
      return real;
    });
    const event = {} as never;
    const context = { requestId: 'r' };
    // Assert: nothing is loaded before a chat request arrives.
    expect(loads).toBe(0);
    // Act
    const bodies = await Promise.all([
      lazy.slack(event, context),
      lazy.slackProbe(event, context),
      lazy.dingtalk(event, context),
      lazy.finishDeferred(event, context),
    ]);
    // Assert
    expect(loads).toBe(1);
    expect(seen.sort()).toEqual(['deferred', 'dingtalk', 'probe', 'slack']);
    expect(bodies.map((b) => b.json)).toEqual(['slack', 'probe', 'dingtalk', 'deferred']);
  });
});
