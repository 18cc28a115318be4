/**
 * A 5.x subscription's filter (`filterExpression` + `filterExpressionType`: TAG, SQL or
 * UNSPECIFIED) judged against a message's tag, as the broker filters tags: `*` (or an empty
 * expression) takes every message, `A || B` only messages tagged A or B; an untagged message
 * matches only `*`. SQL92 filters read properties mqtrace does not have, so they are not judged.
 */
export type FilterVerdict = 'delivers' | 'excludes' | 'unjudgeable';

export interface ParsedFilter {
  /** `all` for `*`; `tags` with the listed tags; `unjudgeable` for SQL or anything that is not a tag list. */
  kind: 'all' | 'tags' | 'unjudgeable';
  tags: string[];
}

// Characters a tag list never holds but an SQL92 expression does.
const NOT_A_TAG = /[\s=<>()'"!,]/;

/** Parses a subscription's filter. */
export function parseFilter(expression: string | undefined, type: string | undefined): ParsedFilter {
  if (type?.toUpperCase() === 'SQL') return { kind: 'unjudgeable', tags: [] };
  const text = (expression ?? '').trim();
  if (text === '' || text === '*') return { kind: 'all', tags: [] };
  const tags = text
    .split('||')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.includes('*')) return { kind: 'all', tags: [] };
  // An UNSPECIFIED expression may be SQL: only a clean tag list is judged.
  if (type?.toUpperCase() !== 'TAG' && tags.some((t) => NOT_A_TAG.test(t))) return { kind: 'unjudgeable', tags: [] };
  return { kind: 'tags', tags };
}

/** Whether a subscription with this filter receives a message tagged `tag` (undefined: untagged). */
export function filterVerdict(expression: string | undefined, type: string | undefined, tag: string | undefined): FilterVerdict {
  const filter = parseFilter(expression, type);
  if (filter.kind === 'all') return 'delivers';
  if (filter.kind === 'unjudgeable') return 'unjudgeable';
  return tag !== undefined && filter.tags.includes(tag) ? 'delivers' : 'excludes';
}
