import { randomBytes } from 'node:crypto';
import type { FakeAnswer, RecordedPost } from './recorded-post';

/** Slack accepts up to 5 posts to a response_url within 30 minutes of the command (chat.md §3.5). */
export const RESPONSE_URL_MAX_POSTS = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

const BLOCK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, fields: 10, fieldText: 2000, actionsElements: 25 };

/**
 * Slack's `response_url`, faked: `mint()` hands out a URL like Slack's
 * (`/commands/{team}/{id}/{token}`); each accepts {@link RESPONSE_URL_MAX_POSTS} posts within
 * {@link RESPONSE_URL_TTL_MS}, then answers 404. Payloads are checked against Block Kit's limits.
 * The error bodies (`used_url`, `expired_url`, `invalid_blocks`) are UNVERIFIED guesses at Slack's.
 */
export interface SlackResponseUrlFake {
  mint(options?: { teamId?: string }): string;
  handle(url: URL, rawBody: string): FakeAnswer;
  posts(url?: string): RecordedPost[];
}

interface Minted {
  createdAt: number;
  accepted: number;
}

export function createSlackResponseUrlFake(options: { origin: () => string; now: () => number }): SlackResponseUrlFake {
  const minted = new Map<string, Minted>();
  const recorded: RecordedPost[] = [];

  const answer = (url: URL, body: unknown, status: number, accepted: boolean, payload: unknown): FakeAnswer => {
    recorded.push({ url: url.toString(), at: options.now(), status, accepted, body });
    return { status, body: payload };
  };

  return {
    mint({ teamId = 'T0DEMO0001' } = {}) {
      const path = `/commands/${teamId}/${randomBytes(6).readUIntBE(0, 6)}/${randomBytes(12).toString('hex')}`;
      minted.set(path, { createdAt: options.now(), accepted: 0 });
      return `${options.origin()}${path}`;
    },
    handle(url, rawBody) {
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return answer(url, rawBody, 400, false, { ok: false, error: 'invalid_payload' });
      }
      const entry = minted.get(url.pathname);
      if (!entry) return answer(url, body, 404, false, { ok: false, error: 'invalid_url' });
      if (options.now() - entry.createdAt > RESPONSE_URL_TTL_MS) return answer(url, body, 404, false, { ok: false, error: 'expired_url' });
      if (entry.accepted >= RESPONSE_URL_MAX_POSTS) return answer(url, body, 404, false, { ok: false, error: 'used_url' });
      const problem = checkMessage(body);
      if (problem) return answer(url, body, 400, false, { ok: false, error: problem });
      entry.accepted++;
      return answer(url, body, 200, true, { ok: true });
    },
    posts: (url) => recorded.filter((p) => url === undefined || p.url === url),
  };
}

function checkMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'invalid_payload';
  const { text, blocks, response_type: responseType, replace_original: replaceOriginal } = body as { text?: unknown; blocks?: unknown; response_type?: unknown; replace_original?: unknown };
  if (responseType !== undefined && responseType !== 'ephemeral' && responseType !== 'in_channel') return 'invalid_payload';
  if (replaceOriginal !== undefined && typeof replaceOriginal !== 'boolean') return 'invalid_payload';
  if (typeof text !== 'string' && !Array.isArray(blocks)) return 'no_text';
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length > BLOCK_LIMITS.blocks) return 'invalid_blocks';
  for (const block of blocks as Array<Record<string, any>>) {
    switch (block?.type) {
      case 'header':
        if (typeof block.text?.text !== 'string' || block.text.text.length > BLOCK_LIMITS.headerText) return 'invalid_blocks';
        break;
      case 'section':
        if (block.text !== undefined && (typeof block.text.text !== 'string' || block.text.text.length > BLOCK_LIMITS.sectionText)) return 'invalid_blocks';
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > BLOCK_LIMITS.fields) return 'invalid_blocks';
          if (block.fields.some((f: any) => typeof f?.text !== 'string' || f.text.length > BLOCK_LIMITS.fieldText)) return 'invalid_blocks';
        }
        if (block.text === undefined && block.fields === undefined) return 'invalid_blocks';
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) return 'invalid_blocks';
        break;
      case 'divider':
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > BLOCK_LIMITS.actionsElements) return 'invalid_blocks';
        if (block.elements.some((e: any) => e?.type !== 'button' || typeof e.action_id !== 'string' || e.action_id.length > 255 || typeof e.text?.text !== 'string' || e.text.text.length > 75 || (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000)))) return 'invalid_blocks';
        break;
      default:
        return 'invalid_blocks';
    }
  }
  return undefined;
}
