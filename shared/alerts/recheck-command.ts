import type { ChatAction } from '../chat/chat-answer';
import { followUpsFor } from '../chat/command-registry';

/**
 * The chat commands that follow up one failing message of an alert, from the chat command
 * registry: the same actions a chat reply offers (buttons where the platform calls back, the
 * paste-ready text elsewhere).
 */
export function alertActions(target: { topic: string; msgId: string; instanceId: string }): ChatAction[] {
  return followUpsFor(target, undefined);
}

/** The exact text to send to re-check `msgId` after the platform's invocation, e.g. `/mqtrace trace orders 0A00…01A4 MQ_INST_…`. */
export function recheckCommand(invocation: string, target: { topic: string; msgId: string; instanceId: string }): string {
  return followUpCommand('recheck', invocation, target);
}

/** The exact text to see `msgId`'s whole journey (every attempt per group, the dead-lettering), e.g. `@mqtrace journey orders 0A00…01A4 MQ_INST_…`. */
export function journeyCommand(invocation: string, target: { topic: string; msgId: string; instanceId: string }): string {
  return followUpCommand('journey', invocation, target);
}

function followUpCommand(id: string, invocation: string, target: { topic: string; msgId: string; instanceId: string }): string {
  const action = alertActions(target).find((a) => a.id === id);
  return `${invocation} ${action?.command ?? ''}`.trim();
}
