import type { ExploreIcon } from '../../chat/explore-view';
import type { Verdict } from '../../trace/verdict';

/**
 * Block Kit, once for chat replies and alerts alike: the limits (chat.md §3.6), the block types
 * mqtrace sends, mrkdwn escaping, and the buttons of follow-up actions.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextText: 2000,
  contextElements: 10,
  fallbackText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  // Slack rejects messages whose blocks hold about 13.2k characters in all (msg_blocks_too_long),
  // a limit it does not document; stay clear of it.
  totalText: 12_000,
} as const;

export type SlackTextObject = { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string; emoji?: boolean };

export interface SlackButton {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string; emoji: true };
  value: string;
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: SlackTextObject; fields?: SlackTextObject[] }
  | { type: 'divider' }
  | { type: 'context'; elements: SlackTextObject[] }
  | { type: 'actions'; block_id: string; elements: SlackButton[] };

/** The prefix of every mqtrace button's `action_id`; a button press carries it back. */
export const SLACK_ACTION_PREFIX = 'mqtrace.';

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } });
export const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.contextText) }] });
export const header = (text: string): SlackBlock => ({ type: 'header', text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.headerText), emoji: true } });

/** One actions block of buttons, each carrying the command it runs as its value. */
export function actionsBlock(blockId: string, buttons: ReadonlyArray<{ id: string; label: string; command: string }>): SlackBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: buttons.slice(0, SLACK_LIMITS.actionsElements).map((b) => ({
      type: 'button',
      action_id: `${SLACK_ACTION_PREFIX}${b.id}`,
      text: { type: 'plain_text', text: clip(b.label, SLACK_LIMITS.buttonText), emoji: true },
      value: b.command.slice(0, SLACK_LIMITS.buttonValue),
    })),
  };
}

/** The characters a block holds, for the undocumented total limit. */
export function blockTextLength(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
      return block.text.text.length;
    case 'section':
      return block.text.text.length + (block.fields ?? []).reduce((s, f) => s + f.text.length, 0);
    case 'context':
      return block.elements.reduce((s, e) => s + e.text.length, 0);
    case 'actions':
      return block.elements.reduce((s, e) => s + e.text.text.length + e.value.length, 0);
    case 'divider':
      return 0;
  }
}

/** Each marker as a Slack emoji shortcode. */
export const SLACK_MARKERS = {
  CRITICAL: ':red_circle:',
  WARNING: ':large_orange_circle:',
  INFO: ':large_blue_circle:',
  SKIPPED: ':white_circle:',
} as const;

/** Each verdict as a Slack emoji shortcode. */
export const SLACK_VERDICT_EMOJI = {
  CONSUMED: ':white_check_mark:',
  PARTIALLY_CONSUMED: ':large_yellow_circle:',
  NOT_CONSUMED: ':red_circle:',
  NO_SUBSCRIBERS: ':no_entry_sign:',
  UNKNOWN: ':grey_question:',
} as const;

/** Each step of a find or journey as a Slack emoji shortcode. */
const SLACK_STEP_EMOJI = {
  send: ':outbox_tray:',
  store: ':package:',
  group: ':busts_in_silhouette:',
  deadLetter: ':skull:',
  'attempt:SUCCEEDED': ':white_check_mark:',
  'attempt:FAILED': ':x:',
  'attempt:PENDING': ':hourglass_flowing_sand:',
  'attempt:UNKNOWN': ':grey_question:',
} as const;

/** The shortcode of a find's or a journey's entry. */
export function slackExploreEmoji(icon: ExploreIcon): string {
  return icon.startsWith('verdict:') ? SLACK_VERDICT_EMOJI[icon.slice(8) as Verdict] : SLACK_STEP_EMOJI[icon as keyof typeof SLACK_STEP_EMOJI];
}
