import { DEMO_5X_INSTANCE } from '../runner/explain-examples';
import { findDemos } from '../runner/find-examples';
import type { LocalStack } from '../runner/local-stack';
import {
  buildDingTalkCallbackBody,
  buildFeishuChallenge,
  buildFeishuMessageEvent,
  buildSlackButtonBody,
  buildSlashCommandBody,
  buildWeComTextMessage,
  buildWeComVerification,
  DEMO_FEISHU,
  signDingTalkRequest,
  signFeishuRequest,
  signSlackRequest,
  signWeComCallback,
} from './chat-signing';

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The lines `npm start` prints to drive the chat routes of every platform: helper commands and signed curl examples. */
export function chatExamples(stack: LocalStack): string[] {
  const { fakes } = stack.chat;
  const instance = stack.emulator?.seed.instances[0];
  const topic = instance?.topics[0];
  const message = topic?.messages.find((m) => m.tracks.length > 1) ?? topic?.messages[0];
  const command = topic && message ? `trace ${topic.topic} ${message.msgId}` : 'trace <topic> <msgId>';
  const resolved = topic && message && instance ? `${command} ${instance.instanceId}` : command;
  const send = `npx tsx local/fakes/send-chat.ts`;
  const where = `--stack ${stack.url} --fakes ${fakes.origin}`;
  const lines = [
    '',
    `Chat on every platform (demo secrets only; replies go to the fakes on ${fakes.origin}):`,
    `  ${send} slack ${shellQuote(command)} ${where}`,
    `  ${send} slack ${shellQuote(`${command} --public`)} ${where}`,
    `  ${send} slack-button ${shellQuote(`${resolved} why`)} ${where}   # a press of the "Why?" button`,
    `  ${send} slack 'help' ${where}`,
    `  ${send} dingtalk ${shellQuote(command.replace(/^trace /, '查询 '))} ${where}   # answered in Chinese`,
    `  ${send} feishu ${shellQuote(command)} ${where}   # a card in the thread, in Chinese`,
    `  ${send} feishu-button ${shellQuote(resolved)} ${where}   # a press of the card's "重新检查" button`,
    `  ${send} wecom ${shellQuote(`${command} 为什么`)} ${where}   # an encrypted passive reply`,
  ];
  // 5.x: the instance goes third; the demo IDs embed the emulator's start, so they are read from it.
  const dead5x = stack.emulator?.handle.rocketMq5Messages().find((m) => m.instanceId === DEMO_5X_INSTANCE && /dead-letter/i.test(m.note ?? ''));
  if (dead5x) {
    const command5x = `trace ${dead5x.topicName} ${dead5x.messageId} ${dead5x.instanceId}`;
    lines.push(
      '  # a RocketMQ 5.x message, retried then dead-lettered; "why" explains it',
      `  ${send} slack ${shellQuote(`${command5x} why`)} ${where}`,
      `  ${send} dingtalk ${shellQuote(command5x)} ${where}`,
    );
  }
  const { v4, v5 } = findDemos(stack);
  if (v4 || v5) lines.push('  # find a message without its ID, and its whole journey (journey, or 轨迹)');
  if (v4?.key) lines.push(`  ${send} slack ${shellQuote(`find ${v4.topic} key:${v4.key}`)} ${where}`);
  if (v4) lines.push(`  ${send} dingtalk ${shellQuote(`find ${v4.topic} -1h..now`)} ${where}`);
  if (v4?.deadMsgId) lines.push(`  ${send} slack ${shellQuote(`journey ${v4.deadTopic ?? v4.topic} ${v4.deadMsgId}`)} ${where}`);
  if (v5?.deadMsgId) lines.push(`  ${send} dingtalk ${shellQuote(`轨迹 ${v5.deadTopic ?? v5.topic} ${v5.deadMsgId} ${v5.instanceId}`)} ${where}`);
  if (v5?.key) lines.push(`  ${send} slack ${shellQuote(`find ${v5.topic} key:${v5.key} ${v5.instanceId}`)} ${where}`);
  if (v4?.key) lines.push(`  ${send} feishu ${shellQuote(`查找 ${v4.topic} key:${v4.key}`)} ${where}   # a "消息轨迹" button per message`);
  if (v5?.deadMsgId) lines.push(`  ${send} wecom ${shellQuote(`journey ${v5.deadTopic ?? v5.topic} ${v5.deadMsgId} ${v5.instanceId}`)} ${where}`);
  if (message && topic) lines.push(`  ${send} slack ${shellQuote(`${command} --fresh`)} ${where}   # asks the broker, not the verdict cache`);
  if (stack.emulator) {
    lines.push(
      '  # a slow upstream: every platform acknowledges at once and the answer follows from the async invocation',
      `  curl -s -X PUT '${stack.emulator.url}/__emulator/faults/OnsMessageTrace' -H 'content-type: application/json' -d '{"latencyMs":5000}'`,
      `  curl -s -X DELETE '${stack.emulator.url}/__emulator/faults/OnsMessageTrace'`,
    );
  }

  lines.push('  # the same as signed curl (Slack and Feishu signatures last 5 minutes, WeCom 5 minutes, DingTalk an hour):');
  const session = fakes.dingtalk.mint();
  const dingtalkBody = JSON.stringify(buildDingTalkCallbackBody({ text: command, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs }));
  lines.push(`  curl -s -X POST '${stack.url}/chat/dingtalk' ${headerArgs(signDingTalkRequest())} -d ${shellQuote(dingtalkBody)}`);
  const slackBody = buildSlashCommandBody({ text: command, responseUrl: fakes.slack.mint() });
  lines.push(`  curl -s -X POST '${stack.url}/chat/slack' ${headerArgs(signSlackRequest(slackBody))} -d ${shellQuote(slackBody)}`);
  const buttonBody = buildSlackButtonBody({ command: `${resolved} why`, responseUrl: fakes.slack.mint() });
  lines.push(`  curl -s -X POST '${stack.url}/chat/slack' ${headerArgs(signSlackRequest(buttonBody))} --data-raw ${shellQuote(buttonBody)}   # a button press`);
  const feishu = signFeishuRequest(buildFeishuMessageEvent({ text: command, messageId: fakes.feishu.mintMessage(DEMO_FEISHU.chatId) }), { encryptKey: DEMO_FEISHU.encryptKey });
  lines.push(`  curl -s -X POST '${stack.url}/chat/feishu' ${headerArgs(feishu.headers)} -d ${shellQuote(feishu.body)}`);
  lines.push(`  curl -s -X POST '${stack.url}/chat/feishu' -H 'content-type: application/json' -d ${shellQuote(buildFeishuChallenge('demo-challenge', { encryptKey: DEMO_FEISHU.encryptKey }))}   # the encrypted URL-verification challenge`);
  const wecom = signWeComCallback(buildWeComTextMessage({ text: command }));
  lines.push(`  curl -s -X POST '${stack.url}/chat/wecom?${new URLSearchParams(wecom.query)}' -H 'content-type: text/xml' -d ${shellQuote(wecom.body)}   # the reply is encrypted XML`);
  lines.push(`  curl -s '${stack.url}/chat/wecom?${new URLSearchParams(buildWeComVerification('demo-echo'))}'   # the URL verification`);
  lines.push(`  curl -s '${fakes.origin}/__fakes/posts'   # everything posted to the fakes`);
  return lines;
}

function headerArgs(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([k, v]) => `-H ${shellQuote(`${k}: ${v}`)}`)
    .join(' ');
}
