import { describe, expect, it } from 'vitest';
import { isAllowedReplyUrl } from '../../../../shared/chat/reply-url';

const EXTRA = ['http://127.0.0.1:40123'];

describe('Function: isAllowedReplyUrl', () => {
  it.each([
    ['slack', 'https://hooks.slack.com/commands/T1/2/abc'],
    ['slack', 'https://HOOKS.slack.com/commands/T1/2/abc'],
    ['dingtalk', 'https://oapi.dingtalk.com/robot/sendBySession?session=abc'],
    ['dingtalk', 'https://api.dingtalk.com/v1.0/robot/x'],
    ['slack', 'http://127.0.0.1:40123/commands/T1/2/abc'],
    ['dingtalk', 'http://127.0.0.1:40123/robot/sendBySession?session=x'],
  ] as const)('allows a %s reply to %s', (platform, url) => {
    expect(isAllowedReplyUrl(platform, url, EXTRA)).toBe(true);
  });

  it.each([
    ['slack', 'http://hooks.slack.com/commands/T1/2/abc', 'plain http'],
    ['slack', 'https://hooks.slack.com:8443/commands/x', 'another port'],
    ['slack', 'https://hooks.slack.com.evil.example/commands/x', 'a look-alike host'],
    ['slack', 'https://evil.example/?hooks.slack.com', 'the host only in the query'],
    ['slack', 'https://user:pw@hooks.slack.com/commands/x', 'credentials in the URL'],
    ['slack', 'https://oapi.dingtalk.com/robot/sendBySession', "DingTalk's host for Slack"],
    ['dingtalk', 'https://hooks.slack.com/commands/x', "Slack's host for DingTalk"],
    ['dingtalk', 'http://127.0.0.1:40124/robot/sendBySession', 'another local port'],
    ['dingtalk', 'http://169.254.169.254/latest/meta-data', 'the metadata service'],
    ['slack', 'not a url', 'garbage'],
  ] as const)('refuses a %s reply to %s (%s)', (platform, url, _why) => {
    expect(isAllowedReplyUrl(platform, url, EXTRA)).toBe(false);
  });
});
