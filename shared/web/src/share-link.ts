/**
 * What a lookup asks, as the shareable link holds it. There is no token field on purpose: a link
 * is safe to paste anywhere, and whoever opens it is asked for their own token.
 */
export type LookupQuery =
  | { mode: 'id'; instance?: string; topic: string; msgId: string; explain: boolean; waitSeconds?: number }
  | { mode: 'key'; instance?: string; topic: string; key: string }
  | { mode: 'window'; instance?: string; topic: string; from: string; to: string; tag?: string };

export const MAX_WAIT_SECONDS = 900;

/**
 * The link's fragment for a lookup: `#mode=id&instance=prod&topic=orders&msgId=…`. A fragment is
 * never sent to the server, so the query stays out of access logs and Referer headers too.
 */
export function toFragment(query: LookupQuery): string {
  const params = new URLSearchParams({ mode: query.mode });
  if (query.instance) params.set('instance', query.instance);
  params.set('topic', query.topic);
  switch (query.mode) {
    case 'id':
      params.set('msgId', query.msgId);
      if (query.explain) params.set('explain', '1');
      if (query.waitSeconds !== undefined) params.set('wait', String(query.waitSeconds));
      break;
    case 'key':
      params.set('key', query.key);
      break;
    case 'window':
      params.set('from', query.from);
      params.set('to', query.to);
      if (query.tag) params.set('tag', query.tag);
      break;
  }
  return `#${params.toString()}`;
}

/** The lookup a fragment holds, or undefined when it holds none (or a malformed one). */
export function fromFragment(hash: string): LookupQuery | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const text = (name: string) => {
    const value = params.get(name)?.trim();
    return value ? value : undefined;
  };
  const topic = text('topic');
  if (!topic) return undefined;
  const instance = text('instance');
  const base = { topic, ...(instance ? { instance } : {}) };
  switch (params.get('mode') ?? 'id') {
    case 'id': {
      const msgId = text('msgId');
      if (!msgId) return undefined;
      const wait = Number(text('wait'));
      const waitSeconds = Number.isInteger(wait) && wait >= 1 && wait <= MAX_WAIT_SECONDS ? wait : undefined;
      return { mode: 'id', ...base, msgId, explain: params.get('explain') === '1', ...(waitSeconds ? { waitSeconds } : {}) };
    }
    case 'key': {
      const key = text('key');
      return key ? { mode: 'key', ...base, key } : undefined;
    }
    case 'window': {
      const from = text('from');
      const to = text('to');
      const tag = text('tag');
      return from && to ? { mode: 'window', ...base, from, to, ...(tag ? { tag } : {}) } : undefined;
    }
    default:
      return undefined;
  }
}
