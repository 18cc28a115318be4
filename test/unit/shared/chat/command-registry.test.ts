import { describe, expect, it } from 'vitest';
import { buildHelp, CHAT_COMMANDS, usageOf } from '../../../../shared/chat/command-registry';

describe('Function: buildHelp', () => {
  it('lists every registered command with its usage, generated from the registry', () => {
    // Act
    const help = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: [], defaultInstanceId: undefined });
    // Assert
    expect(help.commands.map((c) => c.usage)).toEqual([
      '/mqtrace trace <topic> <msgId> [instance] [why]',
      '/mqtrace find <topic> key:<key>|<from>..<to> [tag:<tag>] [instance]',
      '/mqtrace journey <topic> <msgId> [instance]',
      '/mqtrace help',
    ]);
    expect(help.commands[2]?.summary).toContain('(also: 轨迹)');
    expect(help.notes.find((n) => n.startsWith('find:'))).toContain('-1d');
    expect(help.commands).toHaveLength(CHAT_COMMANDS.length);
    expect(help.commands[0]?.examples).toEqual(['/mqtrace trace orders 0A000C22303918B4AAC244F9ABC301A3', '/mqtrace trace orders 0A000C22303918B4AAC244F9ABC301A3 why']);
    expect(help.notes.find((n) => n.startsWith('why:'))).toContain('为什么');
  });

  it('shows Slack-only options on Slack only, and --fresh on both', () => {
    const slack = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: [], defaultInstanceId: undefined });
    const dingtalk = buildHelp({ invocation: '@mqtrace', platform: 'dingtalk', aliases: [], defaultInstanceId: undefined });
    expect(slack.options.map((o) => o.flag)).toEqual(['--public', '--private', '--fresh']);
    expect(dingtalk.options.map((o) => o.flag)).toEqual(['--fresh']);
    expect(dingtalk.commands[0]?.usage).toBe('@mqtrace trace <topic> <msgId> [instance] [why]');
  });

  it('names the default instance and the aliases when configured', () => {
    const help = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: ['prod', 'staging'], defaultInstanceId: 'MQ_INST_1234567890123456_BXdemo01' });
    expect(help.notes).toContain('Default instance: MQ_INST_1234567890123456_BXdemo01');
    expect(help.notes).toContain('Instance aliases: prod, staging');
    const none = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: [], defaultInstanceId: undefined });
    expect(none.notes).toContain('No default instance is configured: name one in every command.');
  });
});

describe('Function: usageOf', () => {
  it('marks optional arguments with brackets', () => {
    expect(usageOf(CHAT_COMMANDS[0], '')).toBe('trace <topic> <msgId> [instance] [why]');
  });
});
