import type { InternalEnvelope } from '../invoke/internal-event';
import type { RequestLog } from '../request-log';

/**
 * A platform's webhook request as the chat routes see it: the exact bytes (signatures cover them),
 * lower-case header names and the query, in null-prototype records, plus the request's log.
 */
export interface ChatRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  rawBody: Buffer;
  log: RequestLog;
}

/** What a chat route answers the platform: a status and, unless empty, a JSON or a text body. */
export interface ChatResponse {
  status: number;
  json?: unknown;
  /** A body that is not JSON, e.g. WeCom's echoed `echostr` or its encrypted XML reply. */
  text?: { contentType: string; body: string };
}

/** The internal async event that finishes a deferred reply: the sealed envelope, its HMAC not yet checked. */
export interface ChatInternalEvent {
  internal: InternalEnvelope;
  log: RequestLog;
}
