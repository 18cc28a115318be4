import type { FindView } from '../api-client/find-journey-client';

/** The CLI's exit codes: what a script branches on. */
export const EXIT = { CONSUMED: 0, NOT_CONSUMED: 1, CANNOT_TELL: 2, ERROR: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * 0 CONSUMED; 1 PARTIALLY_CONSUMED, NOT_CONSUMED or NO_SUBSCRIBERS (nothing has, or will, consume
 * it all); 2 UNKNOWN or a verdict this version does not know.
 */
export function exitCodeForVerdict(verdict: string | undefined): ExitCode {
  switch (verdict) {
    case 'CONSUMED':
      return EXIT.CONSUMED;
    case 'PARTIALLY_CONSUMED':
    case 'NOT_CONSUMED':
    case 'NO_SUBSCRIBERS':
      return EXIT.NOT_CONSUMED;
    default:
      return EXIT.CANNOT_TELL;
  }
}

/**
 * A find's worst case: 1 when any message listed was not (yet) consumed; else 2 when one could
 * not be told, was not looked up (`more`, a cut-short search) or a key matched nothing; else 0.
 */
export function exitCodeForFind(view: FindView, byKey: boolean): ExitCode {
  const codes = view.messages.map((m) => (m.error ? EXIT.CANNOT_TELL : exitCodeForVerdict(m.verdict)));
  if (codes.includes(EXIT.NOT_CONSUMED)) return EXIT.NOT_CONSUMED;
  if (codes.includes(EXIT.CANNOT_TELL) || view.more > 0 || view.truncated || (byKey && view.found === 0)) return EXIT.CANNOT_TELL;
  return EXIT.CONSUMED;
}
