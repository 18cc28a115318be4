import { DEMO_5X_INSTANCE } from '../runner/explain-examples';
import { findDemos } from '../runner/find-examples';
import type { LocalStack } from '../runner/local-stack';
import { buildDingTalkCallbackBody, buildSlashCommandBody, signDingTalkRequest, signSlackRequest } from './chat-signing';

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The lines `npm start` prints to drive the chat routes: helper commands and signed curl examples. */
export function chatExamples(stack: LocalStack): string[] {
  const { fakes } = stack.chat;
  const instance = stack.emulator?.seed.instances[0];
  const topic = instance?.topics[0];
  const message = topic?.messages.find((m) => m.tracks.length > 1) ?? topic?.messages[0];
  const command = topic && message ? `trace ${topic.topic} ${message.msgId}` : 'trace <topic> <msgId>';
  const send = `npx tsx local/fakes/send-chat.ts`;
  const where = `--stack ${stack.url} --fakes ${fakes.origin}`;
  const lines = [
    '',
    `Chat (demo secrets only; replies go to the fake response_url / sessionWebhook on ${fakes.origin}):`,
    `  ${send} slack ${shellQuote(command)} ${where}`,
    `  ${send} slack ${shellQuote(`${command} --public`)} ${where}`,
    `  ${send} slack 'help' ${where}`,
    `  ${send} dingtalk ${shellQuote(command)} ${where}`,
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
  if (stack.emulator) {
    lines.push(
      '  # a slow upstream: the Slack ack still comes back at once and the answer follows on the response_url',
      `  curl -s -X PUT '${stack.emulator.url}/__emulator/faults/OnsMessageTrace' -H 'content-type: application/json' -d '{"latencyMs":5000}'`,
      `  curl -s -X DELETE '${stack.emulator.url}/__emulator/faults/OnsMessageTrace'`,
    );
  }
  const session = fakes.dingtalk.mint();
  const dingtalkBody = JSON.stringify(buildDingTalkCallbackBody({ text: command, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs }));
  const dingtalkHeaders = signDingTalkRequest();
  lines.push(
    '  # the same as signed curl; the DingTalk signature is valid for an hour, the Slack one for 5 minutes',
    `  curl -s -X POST '${stack.url}/chat/dingtalk' ${headerArgs(dingtalkHeaders)} -d ${shellQuote(dingtalkBody)}`,
  );
  const slackBody = buildSlashCommandBody({ text: command, responseUrl: fakes.slack.mint() });
  lines.push(`  curl -s -X POST '${stack.url}/chat/slack' ${headerArgs(signSlackRequest(slackBody))} -d ${shellQuote(slackBody)}`);
  lines.push(`  curl -s '${fakes.origin}/__fakes/posts'   # everything posted to the fakes`);
  return lines;
}

function headerArgs(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([k, v]) => `-H ${shellQuote(`${k}: ${v}`)}`)
    .join(' ');
}
