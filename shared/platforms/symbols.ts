import type { ChatMarker } from '../chat/chat-answer';
import type { ExploreIcon } from '../chat/explore-view';
import type { Verdict } from '../trace/verdict';

/**
 * The Unicode symbols of the platforms that show emoji as text (DingTalk, Feishu/Lark, WeCom):
 * one table, so the three show a verdict, a marker and a timeline step alike. Slack has its own
 * shortcodes in `slack/block-kit.ts`.
 */
export const VERDICT_SYMBOLS: Readonly<Record<Verdict, string>> = { CONSUMED: '✅', PARTIALLY_CONSUMED: '🟡', NOT_CONSUMED: '🔴', NO_SUBSCRIBERS: '🚫', UNKNOWN: '❓' };

export const MARKER_SYMBOLS: Readonly<Record<ChatMarker, string>> = { CRITICAL: '🔴', WARNING: '🟠', INFO: '🔵', SKIPPED: '⚪' };

const STEP_SYMBOLS = {
  send: '📤',
  store: '📦',
  group: '👥',
  deadLetter: '💀',
  'attempt:SUCCEEDED': '✅',
  'attempt:FAILED': '❌',
  'attempt:PENDING': '⏳',
  'attempt:UNKNOWN': '❓',
} as const;

/** The symbol of a find's or a journey's entry. */
export function exploreSymbol(icon: ExploreIcon): string {
  return icon.startsWith('verdict:') ? VERDICT_SYMBOLS[icon.slice(8) as Verdict] : STEP_SYMBOLS[icon as keyof typeof STEP_SYMBOLS];
}
