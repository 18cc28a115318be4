import { describe, expect, it } from 'vitest';
import { loadChatConfig } from '../../../../shared/config/chat-config-schema';
import { ConfigError } from '../../../../shared/errors';

describe('Function: loadChatConfig — MQTRACE_INVOKER', () => {
  it.each([
    [undefined, 'fc3'],
    ['', 'fc3'],
    ['fc3', 'fc3'],
    ['fc2', 'fc2'],
  ])('reads %j as the %s invoker', (value, invoker) => {
    expect(loadChatConfig({ MQTRACE_INVOKER: value }).invoke.invoker).toBe(invoker);
  });

  it('refuses any other value, naming the variable only', () => {
    const error = (() => {
      try {
        loadChatConfig({ MQTRACE_INVOKER: 'fc9-secret-looking' });
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keys).toEqual(['MQTRACE_INVOKER']);
    expect((error as Error).message).not.toContain('fc9-secret-looking');
  });
});
