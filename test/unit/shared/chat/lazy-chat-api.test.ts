import { describe, expect, it } from 'vitest';
import type { ChatApi } from '../../../../shared/chat/chat-api';
import { createLazyChatApi } from '../../../../shared/chat/lazy-chat-api';

describe('Function: createLazyChatApi', () => {
  it('loads the chat API on the first chat request only, once, and forwards every route', async () => {
    // Arrange
    let loads = 0;
    const seen: string[] = [];
    const real: ChatApi = {
      post: async (platform) => (seen.push(`post ${platform}`), { status: 200, json: `post ${platform}` }),
      get: async (platform) => (seen.push(`get ${platform}`), { status: 200, json: `get ${platform}` }),
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
      lazy.post('slack', event, context),
      lazy.get('slack', event, context),
      lazy.post('feishu', event, context),
      lazy.finishDeferred(event, context),
    ]);
    // Assert
    expect(loads).toBe(1);
    expect(seen.sort()).toEqual(['deferred', 'get slack', 'post feishu', 'post slack']);
    expect(bodies.map((b) => b.json)).toEqual(['post slack', 'get slack', 'post feishu', 'deferred']);
  });
});
