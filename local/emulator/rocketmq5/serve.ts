import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Acs3Request } from '../../signing/acs3-signature';
import { EmulatorApiError } from '../api-errors';
import type { FaultStore } from '../faults';
import type { NonceStore } from '../nonce-store';
import type { RateLimiter } from '../rate-limiter';
import { parseFormParams } from '../request-params';
import type { SeedIndex } from '../seed-index';
import type { RateLimit } from '../seed-schema';
import type { RocketMq5ActionName } from './action-names';
import { authenticateRocketMq5Request, authorizeRocketMq5Action } from './authenticate';
import { RocketMq5Error, errorEnvelope, faultError, rocketMq5Error, successEnvelope } from './errors';
import { matchRocketMq5Route, validateRocketMq5Params } from './routes';
import type { ScrollStore } from './scroll-store';
import type { RocketMq5World } from './world';

/** Path prefix of the 5.x API: every served operation lives under `/instances/`. */
export const ROCKETMQ5_PATH_PREFIX = '/instances';

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
const UNKNOWN_ACTION_KEY = '(unknown)';

/** How reading a body ended. */
export type BodyReadResult = { kind: 'ok'; body: Buffer } | { kind: 'gone' } | { kind: 'too-large'; limit: number };

/** What the 5.x handler needs from the emulator server (shared stores, stats, transport helpers). */
export interface RocketMq5ServeDeps {
  world: RocketMq5World;
  index: SeedIndex;
  /** Per-action limit overrides from the seed. */
  limitFor: (action: RocketMq5ActionName) => RateLimit | undefined;
  now: () => number;
  nonces: NonceStore;
  limiter: RateLimiter;
  faults: FaultStore;
  scrolls: ScrollStore;
  stats: { request(): void; record(actionKey: string, code: string): void };
  sleep: (ms: number) => Promise<void>;
  readBody: (req: IncomingMessage) => Promise<BodyReadResult>;
  newRequestId: () => string;
  /** The body of an injected 502. */
  html502Body: string;
}

function headerMap(req: IncomingMessage): Map<string, string[]> {
  // headersDistinct keeps repeated headers apart, which the canonical headers need.
  return new Map(Object.entries(req.headersDistinct).map(([name, values]) => [name, values ?? []]));
}

function parseQuery(raw: string): Map<string, string> {
  if (/[^\x21-\x7e]/.test(raw)) {
    throw new RocketMq5Error({ code: 'InvalidParameter', status: 400, message: 'The query string contains characters that are not percent-encoded.' });
  }
  return new Map(Object.entries(parseFormParams(raw)));
}

function toRocketMq5Error(error: unknown): RocketMq5Error {
  if (error instanceof RocketMq5Error) {
    return error;
  }
  if (error instanceof EmulatorApiError) {
    return new RocketMq5Error({ code: error.code, status: error.status, message: error.message });
  }
  process.stderr.write(`${JSON.stringify({ event: 'emulator.rocketmq5.internal_error', message: String(error) })}\n`);
  return rocketMq5Error('InternalError');
}

function sendEnvelope(res: ServerResponse, status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(text)), 'x-acs-request-id': requestId, ...extra });
  res.end(text);
}

/**
 * Serves one request of the RocketMQ 5.x ROA API (`rocketmq` 2022-08-01): route by method and
 * path, ACS3 authentication, RAM, the per-account limit, faults, parameter validation, then the
 * handler. Every answer is the SDK envelope `{requestId, success, code, message, httpStatusCode,
 * dynamicCode, dynamicMessage, data}`; stats are recorded per action as for 4.x.
 *
 * @param deps - Shared emulator state.
 * @param req - The request.
 * @param res - The response.
 * @param rawPath - The path as received (percent-encoded), without query.
 * @param rawQuery - The query as received, without `?`.
 */
export async function serveRocketMq5(deps: RocketMq5ServeDeps, req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): Promise<void> {
  const requestId = deps.newRequestId();
  deps.stats.request();
  const method = req.method ?? '';
  const match = matchRocketMq5Route(method, rawPath);
  const actionKey = match.kind === 'matched' ? match.route.action : UNKNOWN_ACTION_KEY;
  const read = await deps.readBody(req);
  if (read.kind === 'gone') {
    return;
  }
  try {
    if (read.kind === 'too-large') {
      throw rocketMq5Error('RequestEntityTooLarge', { limit: read.limit });
    }
    if (match.kind !== 'matched') {
      throw rocketMq5Error('InvalidApi.NotFound');
    }
    const { route } = match;
    const query = parseQuery(rawQuery);
    const request: Acs3Request = { method, path: rawPath, query, headers: headerMap(req), body: read.body };
    const entry = authenticateRocketMq5Request({ request, action: route.action, index: deps.index, nonces: deps.nonces, nowMs: deps.now() });
    authorizeRocketMq5Action(entry, route.ramAction);
    if (!deps.limiter.tryTake(`${entry.accountId}\u0000${route.action}`, deps.limitFor(route.action) ?? route.limit)) {
      throw rocketMq5Error('Throttling.User');
    }
    const decision = deps.faults.take(route.action);
    if (decision !== undefined) {
      if (decision.latencyMs > 0) {
        await deps.sleep(decision.latencyMs);
      }
      switch (decision.outcome.kind) {
        case 'drop':
          deps.stats.record(actionKey, 'DROPPED');
          req.socket.destroy();
          return;
        case 'html502':
          deps.stats.record(actionKey, 'HTML502');
          if (!res.headersSent && !res.destroyed) {
            res.writeHead(502, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(deps.html502Body)) }).end(deps.html502Body);
          }
          return;
        case 'error':
          throw faultError(decision.outcome.code);
        case 'pass':
          break;
      }
    }
    const params = validateRocketMq5Params(route, match.pathParams, query);
    const data = route.handle({ params, accountId: entry.accountId, world: deps.world, nowMs: deps.now(), scrolls: deps.scrolls });
    deps.stats.record(actionKey, 'OK');
    sendEnvelope(res, 200, successEnvelope(requestId, data), requestId);
  } catch (error) {
    const apiError = toRocketMq5Error(error);
    const status = apiError.code === 'Throttling.User' ? deps.world.throttlingStatus : apiError.status;
    deps.stats.record(actionKey, apiError.code);
    sendEnvelope(res, status, errorEnvelope(requestId, apiError, status), requestId, read.kind === 'too-large' ? { connection: 'close' } : {});
  }
}
