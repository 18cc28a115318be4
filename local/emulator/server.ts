import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { findAction, validateActionParams } from './actions';
import type { ActionDefinition } from './action-types';
import { EmulatorApiError, apiError, buildErrorBody } from './api-errors';
import { authenticateRequest, authorizeRamAction, checkSigningParams, checkVersion, TIMESTAMP_WINDOW_MS } from './auth';
import { createFaultStore, type FaultDecision, type FaultStore } from './faults';
import { createNonceStore, type NonceStore } from './nonce-store';
import { createRateLimiter, type RateLimiter } from './rate-limiter';
import { decodeUtf8, parseFormParams } from './request-params';
import { alignSeedClientIds } from './align-client-ids';
import { createSeedIndex, type SeedIndex } from './seed-index';
import { FaultSchema, SeedSchema, TraceTasksSchema, type Fault, type Seed, type TraceTasks } from './seed-schema';
import { createTraceTaskStore, resolveTraceTaskSettings, type TraceTaskStore } from './ons-trace-tasks';
import { findRocketMq5ActionName } from './rocketmq5/action-names';
import { createScrollStore } from './rocketmq5/scroll-store';
import { ROCKETMQ5_PATH_PREFIX, serveRocketMq5, type BodyReadResult, type RocketMq5ServeDeps } from './rocketmq5/serve';
import { buildRocketMq5World, listRocketMq5Messages, type RocketMq5MessageSummary } from './rocketmq5/world';

export type { Fault } from './seed-schema';
export type { RocketMq5MessageSummary } from './rocketmq5/world';

/** `HostId` of error bodies unless `EmulatorOptions.hostId` says otherwise. */
export const DEFAULT_HOST_ID = 'ons.cn-hangzhou.aliyuncs.com';
/** Largest accepted API request body. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Path prefix of the admin surface; ONS 4.x calls use `/`, RocketMQ 5.x calls `/instances/...`. */
export const ADMIN_PATH_PREFIX = '/__emulator/';

const MAX_ADMIN_BODY_BYTES = 16 * 1024;
const MAX_NONCES = 100_000;
const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
const NO_ACTION_KEY = '(none)';
const UNKNOWN_ACTION_KEY = '(unknown)';
const HTML_502_BODY = [
  '<html>',
  '<head><title>502 Bad Gateway</title></head>',
  '<body>',
  '<center><h1>502 Bad Gateway</h1></center>',
  '<hr><center>nginx</center>',
  '</body>',
  '</html>',
  '',
].join('\r\n');

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  seed: Seed;
  /** Clock for timestamps, STS expiry, nonces, rate limits and track timelines. Default `Date.now`. */
  now?: () => number;
  /** Random source in [0, 1) for fault rates. Default `Math.random`. */
  random?: () => number;
  /** `HostId` in error bodies. Default {@link DEFAULT_HOST_ID}. */
  hostId?: string;
  /**
   * Timing of trace query tasks (`resultDelayMs`, default 1500; `retentionMs`, default 600000;
   * `unknownQueryId`, default "removed"); each field overrides the seed's `traceTasks`.
   */
  traceTasks?: TraceTasks;
}

/** Counters since start or the last reset. */
export interface EmulatorStats {
  /** Accepted TCP connections. */
  connections: number;
  /** API requests received (counted on arrival, so in-flight ones are included). */
  requests: number;
  /**
   * Finished API requests per action (`(none)` without `Action`, `(unknown)` for undocumented ones
   * or 5.x paths that match no operation), by outcome: `OK`, the error code, `HTML502` or `DROPPED`.
   */
  byAction: Record<string, { requests: number; byCode: Record<string, number> }>;
}

/** A running (or startable) emulator. */
export interface EmulatorHandle {
  /** Listens on `host` (default 127.0.0.1) and `port` (default 0, a free port). */
  start(opts?: { port?: number; host?: string }): Promise<{ url: string }>;
  /** Stops listening and destroys open sockets. */
  close(): Promise<void>;
  /** Sets (or with `undefined` clears) the fault of a documented 4.x action or served 5.x operation. */
  setFault(action: string, fault: Fault | undefined): void;
  stats(): EmulatorStats;
  resetStats(): void;
  /** The seeded 5.x messages with the ids they have in this run (generated ids embed the born time). */
  rocketMq5Messages(): RocketMq5MessageSummary[];
  /** The seed as served: with `alignClientIds`, its 4.x client ids carry this run's born times. */
  readonly seed: Seed;
}

interface StatsRecorder {
  connection(): void;
  request(): void;
  record(actionKey: string, code: string): void;
  snapshot(): EmulatorStats;
  reset(): void;
}

function createStatsRecorder(): StatsRecorder {
  let stats: EmulatorStats = { connections: 0, requests: 0, byAction: {} };
  return {
    connection: () => {
      stats.connections += 1;
    },
    request: () => {
      stats.requests += 1;
    },
    record: (actionKey, code) => {
      const entry = (stats.byAction[actionKey] ??= { requests: 0, byCode: {} });
      entry.requests += 1;
      entry.byCode[code] = (entry.byCode[code] ?? 0) + 1;
    },
    snapshot: () => structuredClone(stats),
    reset: () => {
      stats = { connections: 0, requests: 0, byAction: {} };
    },
  };
}

class ClientGoneError extends Error {
  public constructor() {
    super('The client closed the connection before the body was complete.');
    this.name = 'ClientGoneError';
  }
}

class BodyTooLargeError extends Error {
  public constructor(readonly limit: number) {
    super(`Body exceeds ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        // Keep draining so the 413 can still be written on this socket.
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('close', () => reject(new ClientGoneError()));
    req.once('error', () => reject(new ClientGoneError()));
  });
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON_CONTENT_TYPE, JSON.stringify(body), headers);
}

function newRequestId(): string {
  return randomUUID().toUpperCase();
}

async function readApiParams(req: IncomingMessage, method: string, query: string): Promise<Record<string, string>> {
  if (/[^\x21-\x7e]/.test(query)) {
    throw new EmulatorApiError('InvalidParameter', 400, 'The query string contains characters that are not percent-encoded.');
  }
  const params = parseFormParams(query);
  if (method !== 'POST') {
    return params;
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body.length === 0) {
    return params;
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    throw new EmulatorApiError('InvalidParameter', 400, 'The request body must be application/x-www-form-urlencoded.');
  }
  return parseFormParams(decodeUtf8(body), params);
}

interface ApiContext {
  seed: Seed;
  /** First OnsMessageTrace per message, for `timelineRelativeTo: "firstLookup"`. */
  firstLookups: Map<string, number>;
  traceTasks: TraceTaskStore;
  index: SeedIndex;
  now: () => number;
  startedAt: number;
  hostId: string;
  nonces: NonceStore;
  limiter: RateLimiter;
  faults: FaultStore;
  stats: StatsRecorder;
  sleep: (ms: number) => Promise<void>;
  rocketmq5: RocketMq5ServeDeps;
}

function resolveAction(params: Readonly<Record<string, string>>): ActionDefinition {
  const name = params.Action;
  if (name === undefined || name === '') {
    throw apiError('MissingParameter', { name: 'Action' });
  }
  checkVersion(params);
  const action = findAction(name);
  if (action === undefined) {
    throw apiError('InvalidApi.NotFound');
  }
  return action;
}

/** Applies a fault decision; returns `true` when the fault already answered (or dropped) the request. */
async function applyFault(ctx: ApiContext, decision: FaultDecision, req: IncomingMessage, res: ServerResponse, actionKey: string): Promise<boolean> {
  if (decision.latencyMs > 0) {
    await ctx.sleep(decision.latencyMs);
  }
  switch (decision.outcome.kind) {
    case 'drop':
      ctx.stats.record(actionKey, 'DROPPED');
      req.socket.destroy();
      return true;
    case 'html502':
      ctx.stats.record(actionKey, 'HTML502');
      send(res, 502, 'text/html', HTML_502_BODY);
      return true;
    case 'error':
      throw apiError(decision.outcome.code);
    case 'pass':
      return false;
  }
}

async function serveApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
  const requestId = newRequestId();
  ctx.stats.request();
  let actionKey = NO_ACTION_KEY;
  try {
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'POST') {
      throw apiError('UnsupportedHTTPMethod');
    }
    const params = await readApiParams(req, method, query);
    if (params.Action !== undefined && params.Action !== '') {
      actionKey = findAction(params.Action)?.name ?? UNKNOWN_ACTION_KEY;
    }
    const action = resolveAction(params);
    const nowMs = ctx.now();
    checkSigningParams(params, nowMs);
    const entry = authenticateRequest({ method, params, index: ctx.index, nonces: ctx.nonces, nowMs });
    authorizeRamAction(entry, action.ramAction);
    const limit = ctx.seed.limits?.[action.name] ?? action.limit;
    if (!ctx.limiter.tryTake(`${entry.accountId}\u0000${action.name}`, limit)) {
      throw apiError('Throttling.User');
    }
    const decision = ctx.faults.take(action.name);
    if (decision !== undefined && (await applyFault(ctx, decision, req, res, actionKey))) {
      return;
    }
    validateActionParams(action, params);
    const handledAt = ctx.now();
    const result = action.handle({
      params,
      accountId: entry.accountId,
      index: ctx.index,
      elapsedMs: handledAt - ctx.startedAt,
      nowMs: handledAt,
      unknownMessage: ctx.seed.unknownMessage ?? 'error',
      firstLookups: ctx.firstLookups,
      traceTasks: ctx.traceTasks,
    });
    ctx.stats.record(actionKey, 'OK');
    sendJson(res, 200, { RequestId: requestId, ...result }, { 'x-acs-request-id': requestId });
  } catch (error) {
    if (error instanceof ClientGoneError) {
      return;
    }
    const apiErr = toApiError(error);
    ctx.stats.record(actionKey, apiErr.code);
    const headers: Record<string, string> = { 'x-acs-request-id': requestId };
    if (error instanceof BodyTooLargeError) {
      headers.connection = 'close';
    }
    sendJson(res, apiErr.status, buildErrorBody(apiErr, requestId, ctx.hostId), headers);
  }
}

function toApiError(error: unknown): EmulatorApiError {
  if (error instanceof EmulatorApiError) {
    return error;
  }
  if (error instanceof BodyTooLargeError) {
    return apiError('RequestEntityTooLarge', { limit: error.limit });
  }
  process.stderr.write(`${JSON.stringify({ event: 'emulator.internal_error', message: String(error) })}\n`);
  return apiError('InternalError');
}

function sendAdminError(res: ServerResponse, status: number, code: string, message: string, issues?: unknown): void {
  sendJson(res, status, { error: { code, message, ...(issues === undefined ? {} : { issues }) } });
}

async function readAdminJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_ADMIN_BODY_BYTES);
  return JSON.parse(decodeUtf8(body)) as unknown;
}

/** The canonical name of a documented 4.x action or served 5.x operation. */
function findFaultableAction(name: string): { name: string } | undefined {
  const rocketMq5 = findRocketMq5ActionName(name);
  return findAction(name) ?? (rocketMq5 === undefined ? undefined : { name: rocketMq5 });
}

async function serveAdminFault(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, rawAction: string): Promise<void> {
  const action = findFaultableAction(rawAction);
  if (action === undefined) {
    sendAdminError(res, 404, 'UnknownAction', 'Faults can only be set on documented actions.');
    return;
  }
  if (req.method === 'DELETE') {
    ctx.faults.set(action.name, undefined);
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'PUT') {
    sendAdminError(res, 405, 'MethodNotAllowed', 'Use PUT or DELETE.');
    return;
  }
  let body: unknown;
  try {
    body = await readAdminJson(req);
  } catch (error) {
    if (error instanceof ClientGoneError) {
      return;
    }
    const tooLarge = error instanceof BodyTooLargeError;
    sendAdminError(res, tooLarge ? 413 : 400, tooLarge ? 'BodyTooLarge' : 'InvalidJson', tooLarge ? error.message : 'The body is not valid JSON.');
    return;
  }
  const parsed = FaultSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    sendAdminError(res, 400, 'InvalidFault', 'The body is not a valid fault.', issues);
    return;
  }
  ctx.faults.set(action.name, parsed.data);
  sendJson(res, 200, { action: action.name, fault: parsed.data });
}

async function serveAdmin(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (path === `${ADMIN_PATH_PREFIX}stats`) {
    if (req.method === 'GET') {
      sendJson(res, 200, ctx.stats.snapshot());
    } else if (req.method === 'DELETE') {
      ctx.stats.reset();
      res.writeHead(204).end();
    } else {
      sendAdminError(res, 405, 'MethodNotAllowed', 'Use GET or DELETE.');
    }
    return;
  }
  if (path === `${ADMIN_PATH_PREFIX}faults` && req.method === 'GET') {
    sendJson(res, 200, ctx.faults.list());
    return;
  }
  if (path === `${ADMIN_PATH_PREFIX}rocketmq5/messages` && req.method === 'GET') {
    sendJson(res, 200, listRocketMq5Messages(ctx.rocketmq5.world));
    return;
  }
  const match = /^\/__emulator\/faults\/([A-Za-z0-9]{1,64})$/.exec(path);
  if (match?.[1] !== undefined) {
    await serveAdminFault(ctx, req, res, match[1]);
    return;
  }
  sendAdminError(res, 404, 'NotFound', 'Unknown admin path.');
}

async function route(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, query } = splitUrl(req.url ?? '/');
  if (path === '/') {
    await serveApi(ctx, req, res, query);
    return;
  }
  if (path.startsWith(ADMIN_PATH_PREFIX)) {
    await serveAdmin(ctx, req, res, path);
    return;
  }
  if (path === ROCKETMQ5_PATH_PREFIX || path.startsWith(`${ROCKETMQ5_PATH_PREFIX}/`)) {
    await serveRocketMq5(ctx.rocketmq5, req, res, path, query);
    return;
  }
  const requestId = newRequestId();
  sendJson(res, 404, buildErrorBody(apiError('InvalidApi.NotFound'), requestId, ctx.hostId), { 'x-acs-request-id': requestId });
}

function createSleeper(): { sleep: (ms: number) => Promise<void>; wakeAll: () => void } {
  const pending = new Set<() => void>();
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          pending.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        pending.add(wake);
      }),
    wakeAll: () => {
      for (const wake of [...pending]) {
        wake();
      }
    },
  };
}

function urlFor(address: AddressInfo): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

async function readBodyResult(req: IncomingMessage): Promise<BodyReadResult> {
  try {
    return { kind: 'ok', body: await readBody(req, MAX_BODY_BYTES) };
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return { kind: 'too-large', limit: error.limit };
    }
    return { kind: 'gone' };
  }
}

/**
 * Creates an emulator of the ONS (ApsaraMQ for RocketMQ 4.x) RPC OpenAPI, version 2019-02-14, and,
 * on the same port under `/instances/`, of the RocketMQ 5.x ROA OpenAPI `rocketmq` 2022-08-01.
 * It verifies POP v1 and ACS3-HMAC-SHA256 signatures, STS tokens, nonces, timestamps and RAM
 * actions, enforces the per-account rate limits, injects faults, and answers from the seed.
 *
 * @param options - The seed (validated again here) and optional clock, random source, HostId and trace task timing.
 * @returns A handle; call `start()` to listen.
 * @throws ZodError when the seed or the trace task timing is invalid.
 * @example
 * const emulator = createEmulator({ seed });
 * const { url } = await emulator.start();
 * // new RPCClient({ endpoint: url, apiVersion: '2019-02-14', accessKeyId, accessKeySecret })
 * // new RocketMqClient(new $OpenApiUtil.Config({ accessKeyId, accessKeySecret, endpoint: new URL(url).host, protocol: 'http' }))
 * await emulator.close();
 */
export function createEmulator(options: EmulatorOptions): EmulatorHandle {
  const parsed = SeedSchema.parse(options.seed);
  const now = options.now ?? Date.now;
  const startedAt = now();
  const seed = parsed.alignClientIds === true ? alignSeedClientIds(parsed, startedAt) : parsed;
  const sleeper = createSleeper();
  const stats = createStatsRecorder();
  const faults = createFaultStore({ initial: seed.faults ?? {}, random: options.random ?? Math.random });
  const index = createSeedIndex(seed);
  const nonces = createNonceStore({ ttlMs: TIMESTAMP_WINDOW_MS, maxEntries: MAX_NONCES, now });
  const limiter = createRateLimiter({ now });
  const rocketmq5: RocketMq5ServeDeps = {
    world: buildRocketMq5World(seed.rocketmq5, startedAt),
    index,
    limitFor: (action) => seed.limits?.[action],
    now,
    nonces,
    limiter,
    faults,
    scrolls: createScrollStore({ now, newId: () => randomUUID().toUpperCase() }),
    stats,
    sleep: sleeper.sleep,
    readBody: readBodyResult,
    newRequestId,
    html502Body: HTML_502_BODY,
  };
  const traceTiming = TraceTasksSchema.parse({ ...seed.traceTasks, ...options.traceTasks });
  const ctx: ApiContext = {
    firstLookups: new Map(),
    traceTasks: createTraceTaskStore(resolveTraceTaskSettings(traceTiming)),
    seed,
    index,
    now,
    startedAt,
    hostId: options.hostId ?? DEFAULT_HOST_ID,
    nonces,
    limiter,
    faults,
    stats,
    sleep: sleeper.sleep,
    rocketmq5,
  };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      const requestId = newRequestId();
      sendJson(res, 500, buildErrorBody(toApiError(error), requestId, ctx.hostId));
    });
  });
  // Outlive pop-core's idle keep-alive sockets so reuse never races a server-side close.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    stats.connection();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let started = false;

  return {
    start: (opts = {}) => {
      if (started) {
        return Promise.reject(new Error('The emulator is already started.'));
      }
      started = true;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve({ url: urlFor(server.address() as AddressInfo) });
        });
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        sleeper.wakeAll();
        for (const socket of sockets) {
          socket.destroy();
        }
        if (!server.listening) {
          resolve();
          return;
        }
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
    setFault: (action, fault) => {
      const known = findFaultableAction(action);
      if (known === undefined) {
        throw new Error(`Unknown action "${action}"; faults can only be set on documented actions.`);
      }
      faults.set(known.name, fault === undefined ? undefined : FaultSchema.parse(fault));
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    rocketMq5Messages: () => listRocketMq5Messages(rocketmq5.world),
    seed,
  };
}
