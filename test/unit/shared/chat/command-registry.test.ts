import { describe, expect, it } from 'vitest';
import { buildHelp, CHAT_COMMANDS, findCommand, followUpsFor, usageOf } from '../../../../shared/chat/command-registry';
import { parseChatCommand } from '../../../../shared/chat/parse-command';
import { helpView } from '../../../../shared/chat/present';
import { PLATFORM_NAMES } from '../../../../shared/platforms/registry';
import { EN_UTC, ZH_SHANGHAI } from '../../../builders/build-presenter';

const notes = (help: ReturnType<typeof buildHelp>) => helpView(EN_UTC, help).notes;

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
    expect(notes(help).find((n) => n.startsWith('query:'))).toContain('-1d');
    expect(help.commands).toHaveLength(CHAT_COMMANDS.length);
    expect(help.commands[0]?.examples).toEqual(['/mqtrace trace orders 0A000C22303918B4AAC244F9ABC301A3', '/mqtrace trace orders 0A000C22303918B4AAC244F9ABC301A3 why']);
    expect(notes(help).find((n) => n.startsWith('why:'))).toContain('为什么');
  });

  it('shows Slack-only options on Slack only, and --fresh on every platform', () => {
    const slack = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: [], defaultInstanceId: undefined });
    const dingtalk = buildHelp({ invocation: '@mqtrace', platform: 'dingtalk', aliases: [], defaultInstanceId: undefined });
    expect(slack.options.map((o) => o.flag)).toEqual(['--public', '--private', '--fresh']);
    expect(dingtalk.options.map((o) => o.flag)).toEqual(['--fresh']);
    for (const platform of PLATFORM_NAMES) {
      expect(buildHelp({ invocation: '@mqtrace', platform, aliases: [], defaultInstanceId: undefined }).options.map((o) => o.flag)).toContain('--fresh');
    }
    expect(dingtalk.commands[0]?.usage).toBe('@mqtrace trace <topic> <msgId> [instance] [why]');
  });

  it('names the default instance and the aliases when configured', () => {
    const help = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: ['prod', 'staging'], defaultInstanceId: 'MQ_INST_1234567890123456_BXdemo01' });
    expect(notes(help)).toContain('Default instance: MQ_INST_1234567890123456_BXdemo01');
    expect(notes(help)).toContain('Instance aliases: prod, staging');
    const none = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: [], defaultInstanceId: undefined });
    expect(notes(none)).toContain('No default instance is configured: name one in every command.');
  });
});

describe('Function: usageOf', () => {
  it('marks optional arguments with brackets', () => {
    expect(usageOf(CHAT_COMMANDS[0], '')).toBe('trace <topic> <msgId> [instance] [why]');
  });
});

describe('Chinese forms of the commands', () => {
  it('gives every command a Chinese form that finds it', () => {
    for (const command of CHAT_COMMANDS) {
      const chinese = command.aliases.filter((a) => /[\u4e00-\u9fff]/.test(a));
      expect(chinese.length, command.name).toBeGreaterThan(0);
      for (const alias of chinese) expect(findCommand(alias)?.name).toBe(command.name);
    }
  });

  it('lists the Chinese forms in the help, and words the help in Chinese for zh-CN', () => {
    const help = buildHelp({ invocation: '@mqtrace', platform: 'dingtalk', aliases: [], defaultInstanceId: undefined });
    const zh = helpView(ZH_SHANGHAI, help);
    expect(zh.notes.at(-1)).toBe('也可以用中文：查询 = trace, 查找 = find, 轨迹 = journey, 帮助 = help, 为什么 = why');
    expect(zh.commands[0]?.summary).toBe('这条消息被消费了吗？如果没有，为什么？');
  });
});

describe('Function: followUpsFor', () => {
  const target = { topic: 'orders', msgId: '0A000C22303918B4AAC244F9ABC301A3', instanceId: 'MQ_INST_1234567890123456_BXdemo01' };

  it('offers a re-check, a why and the journey, as commands the parser reads back', () => {
    const followUps = followUpsFor(target, undefined);
    expect(followUps).toEqual([
      { id: 'recheck', label: 'action.recheck', command: `trace orders ${target.msgId} ${target.instanceId}` },
      { id: 'why', label: 'action.why', command: `trace orders ${target.msgId} ${target.instanceId} why` },
      { id: 'journey', label: 'action.journey', command: `journey orders ${target.msgId} ${target.instanceId}` },
    ]);
    expect(followUps.map((f) => parseChatCommand(f.command).name)).toEqual(['trace', 'trace', 'journey']);
  });
});
