import { HttpPostError } from '../outbound/http-client';

/** How a reply went. Never carries the reply URL: it is a bearer credential for the conversation. */
export type ReplyOutcome =
  | { delivered: true; status: number }
  | { delivered: false; reason: string; retryable: boolean; status?: number; errcode?: number };

/** The outcome of a call that never got an answer: worth another try. */
export function unanswered(error: unknown): ReplyOutcome {
  if (error instanceof HttpPostError) return { delivered: false, reason: error.kind === 'TIMEOUT' ? 'timeout' : 'network', retryable: true };
  throw error;
}
