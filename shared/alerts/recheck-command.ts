/**
 * The chat command that re-checks one message, in the chat grammar `trace <topic> <msgId> [instance]`
 * after the platform's invocation: the `/mqtrace` slash command on Slack, an @-mention of the
 * mqtrace robot on DingTalk (README, "Setting up the Slack app" / "… the DingTalk robot").
 */
export const TRACE_COMMAND = 'trace';

/** The chat command that shows one message's whole journey: `journey <topic> <msgId> [instance]`. */
export const JOURNEY_COMMAND = 'journey';

export type ChatPlatform = 'slack' | 'dingtalk';

/** How users invoke the chat bot on each platform, as its help text shows it. */
export const CHAT_INVOCATIONS: Readonly<Record<ChatPlatform, string>> = { slack: '/mqtrace', dingtalk: '@mqtrace' };

/** The exact text to send to re-check `msgId`, e.g. `/mqtrace trace orders 0A00…01A4 MQ_INST_…` on Slack. */
export function recheckCommand(platform: ChatPlatform, target: { topic: string; msgId: string; instanceId: string }): string {
  return `${CHAT_INVOCATIONS[platform]} ${TRACE_COMMAND} ${target.topic} ${target.msgId} ${target.instanceId}`;
}

/** The exact text to see `msgId`'s whole journey: every attempt per group, the dead-lettering. */
export function journeyCommand(platform: ChatPlatform, target: { topic: string; msgId: string; instanceId: string }): string {
  return `${CHAT_INVOCATIONS[platform]} ${JOURNEY_COMMAND} ${target.topic} ${target.msgId} ${target.instanceId}`;
}
