import { createHash, createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import * as RocketMq from '@alicloud/rocketmq20220801';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../local/emulator/server';

export const ACCOUNT_A = '1111222233334444';
export const ACCOUNT_B = '5555666677778888';
export const INSTANCE_A = 'rmq-cn-test5a0001';
export const INSTANCE_B = 'rmq-cn-test5b0001';
export const MSG_A = '0100163E5D0A0112670B212A8B000003E9';
export const MSG_B = '0100163E5D0A0112670B213FA3000003EA';
export const MSG_OF_B = '0100163E6F010103700B21513700000001';

export interface Credential5 {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export const PLAIN: Credential5 = { accessKeyId: 'test5-plain-key-id', accessKeySecret: 'test5-plain-secret' };
export const STS: Credential5 = { accessKeyId: 'STS.test5-sts-key-id', accessKeySecret: 'test5-sts-secret', securityToken: 'test5-security-token' };
export const STS_EXPIRED: Credential5 = { accessKeyId: 'STS.test5-expired-key-id', accessKeySecret: 'test5-expired-secret', securityToken: 'test5-expired-token' };
export const ONS_ONLY: Credential5 = { accessKeyId: 'test5-ons-only-key-id', accessKeySecret: 'test5-ons-only-secret' };
export const TRACE_ONLY: Credential5 = { accessKeyId: 'test5-trace-only-key-id', accessKeySecret: 'test5-trace-only-secret' };
export const OTHER: Credential5 = { accessKeyId: 'test5-other-key-id', accessKeySecret: 'test5-other-secret' };

/** A small seed with fixed message ids (no 4.x instances). */
export function buildRocketMq5TestSeed(overrides: Partial<Seed> = {}): Seed {
  return {
    accounts: [
      {
        accountId: ACCOUNT_A,
        credentials: [
          { ...PLAIN, allowedActions: ['*'] },
          { ...STS, expiresAt: '2099-01-01T00:00:00Z', allowedActions: ['rocketmq:*'] },
          { ...STS_EXPIRED, expiresAt: '2020-01-01T00:00:00Z', allowedActions: ['*'] },
          { ...ONS_ONLY, allowedActions: ['mq:*'], displayName: 'ons-reader' },
          { ...TRACE_ONLY, allowedActions: ['rocketmq:GetTrace'] },
        ],
      },
      { accountId: ACCOUNT_B, credentials: [{ ...OTHER, allowedActions: ['*'] }] },
    ],
    instances: [],
    rocketmq5: {
      instances: [
        {
          instanceId: INSTANCE_A,
          accountId: ACCOUNT_A,
          topics: [
            {
              topicName: 'orders',
              messages: [
                {
                  messageId: MSG_A,
                  tag: 'order-created',
                  keys: ['k-1'],
                  bornAgoMs: 60_000,
                  consumers: [{ consumerGroupId: 'GID_a', records: [{ consumeStatus: 'SUCCESS' }] }],
                },
                { messageId: MSG_B, tag: 'order-paid', keys: ['k-2'], bornAgoMs: 30_000, consumers: [] },
              ],
            },
          ],
          consumerGroups: [
            {
              consumerGroupId: 'GID_a',
              subscriptions: [{ topicName: 'orders', filterExpression: 'order-created', readyCount: 1 }],
              connections: [{ clientId: '10.0.0.5@1#2#3#4' }],
            },
          ],
        },
        {
          instanceId: INSTANCE_B,
          accountId: ACCOUNT_B,
          topics: [{ topicName: 'payments', messages: [{ messageId: MSG_OF_B, consumers: [] }] }],
          consumerGroups: [],
        },
      ],
    },
    ...overrides,
  };
}

/** A clock the test moves by hand, starting at the real time so SDK-made x-acs-date values are fresh. */
export function buildManualClock(): { now: () => number; advance: (ms: number) => void } {
  let current = Date.now();
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}

const running = new Set<EmulatorHandle>();

/** Starts an emulator (default: the 5.x test seed) on 127.0.0.1:0. */
export async function startEmulator5(options: Partial<EmulatorOptions> = {}): Promise<{ emulator: EmulatorHandle; url: string; host: string }> {
  const emulator = createEmulator({ seed: buildRocketMq5TestSeed(), ...options });
  running.add(emulator);
  const { url } = await emulator.start();
  return { emulator, url, host: new URL(url).host };
}

/** Closes every emulator started by {@link startEmulator5}; call from afterEach. */
export async function closeEmulators5(): Promise<void> {
  await Promise.all([...running].map((emulator) => emulator.close()));
  running.clear();
}

type ClientCtor = (typeof RocketMq)['default'];

/** The official SDK client class (its CommonJS default can arrive wrapped once more). */
export function sdkClientClass(): ClientCtor {
  const outer = RocketMq.default as ClientCtor | { default: ClientCtor };
  return typeof outer === 'function' ? outer : outer.default;
}

/** The official `@alicloud/rocketmq20220801` client pointed at the emulator. */
export function createSdkClient(host: string, credential: Credential5 = PLAIN): InstanceType<ClientCtor> {
  const Client = sdkClientClass();
  return new Client(new $OpenApiUtil.Config({ ...credential, endpoint: host, protocol: 'http', readTimeout: 5000, connectTimeout: 5000 }));
}

/** What an SDK call rejected with. */
export interface SdkFailure {
  name: string | undefined;
  code: string | undefined;
  statusCode: number | undefined;
  data: Record<string, unknown> | undefined;
  accessDeniedDetail: Record<string, unknown> | undefined;
}

/** Awaits an SDK call that must fail and returns the error's parts. */
export async function sdkFailure(call: Promise<unknown>): Promise<SdkFailure> {
  try {
    await call;
  } catch (error) {
    const err = error as { name?: string; code?: string; statusCode?: number; data?: unknown; accessDeniedDetail?: unknown };
    const plain = (value: unknown): Record<string, unknown> | undefined =>
      value === undefined || value === null ? undefined : (JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
    return { name: err.name, code: err.code, statusCode: err.statusCode, data: plain(err.data), accessDeniedDetail: plain(err.accessDeniedDetail) };
  }
  throw new Error('Expected the SDK call to fail, but it succeeded.');
}

/** JSON-normalises an SDK model (class instances become plain objects). */
export function plain<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// An independent ACS3-HMAC-SHA256 client, written from the published protocol ("ROA风格请求体&签名
//机制"), deliberately not using local/signing, so both sides cannot share a mistake.
// ---------------------------------------------------------------------------------------------

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hex256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A request the hand-written client builds; every knob exists to break exactly one thing. */
export interface HandRequest {
  host: string;
  action: string;
  /** Already-encoded path. */
  path: string;
  method?: string;
  query?: Record<string, string>;
  body?: string;
  credential?: Credential5;
  /** The signing instant; default the real clock. */
  dateMs?: number;
  nonce?: string;
  version?: string;
  /** Extra headers, sent and signed when their name is host/content-type/x-acs-*. */
  extraHeaders?: Record<string, string>;
  /** Header names to leave out of SignedHeaders (they are still sent). */
  unsigned?: string[];
  /** Overrides x-acs-content-sha256 (sent and signed). */
  contentSha256?: string;
  /** Sign with this secret instead of the credential's. */
  signingSecret?: string;
  /** Applied to the headers after signing (e.g. to tamper with a signed value). */
  afterSigning?: (headers: Map<string, string>) => void;
  /** Replaces the body after signing. */
  sentBody?: string;
}

/** What the emulator answered. */
export interface HandResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown> | undefined;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds the headers of a hand-signed request. */
export function handSign(input: HandRequest): Map<string, string> {
  const credential = input.credential ?? PLAIN;
  const body = input.body ?? '';
  const headers = new Map<string, string>([
    ['host', input.host],
    ['x-acs-action', input.action],
    ['x-acs-version', input.version ?? '2022-08-01'],
    ['x-acs-date', isoSeconds(input.dateMs ?? Date.now())],
    ['x-acs-signature-nonce', input.nonce ?? randomUUID()],
    ['x-acs-content-sha256', input.contentSha256 ?? hex256(body)],
  ]);
  if (body !== '') {
    headers.set('content-type', 'application/json');
  }
  if (credential.securityToken !== undefined) {
    headers.set('x-acs-security-token', credential.securityToken);
  }
  for (const [name, value] of Object.entries(input.extraHeaders ?? {})) {
    headers.set(name.toLowerCase(), value);
  }
  const skip = new Set(input.unsigned ?? []);
  const signed = [...headers.keys()].filter((name) => (name === 'host' || name === 'content-type' || name.startsWith('x-acs-')) && !skip.has(name)).sort();
  const canonicalQuery = Object.entries(input.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const canonical = [
    input.method ?? 'GET',
    input.path,
    canonicalQuery,
    signed.map((name) => `${name}:${(headers.get(name) ?? '').trim()}\n`).join(''),
    signed.join(';'),
    headers.get('x-acs-content-sha256') ?? '',
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${hex256(canonical)}`;
  const signature = createHmac('sha256', input.signingSecret ?? credential.accessKeySecret).update(stringToSign).digest('hex');
  headers.set('authorization', `ACS3-HMAC-SHA256 Credential=${credential.accessKeyId},SignedHeaders=${signed.join(';')},Signature=${signature}`);
  input.afterSigning?.(headers);
  return headers;
}

/** Sends raw headers with node:http (fetch would not let the test set Host). */
export function sendHttp(
  host: string,
  input: { method: string; path: string; headers: Map<string, string>; body?: string; timeoutMs?: number },
): Promise<HandResponse> {
  const [hostname, port] = host.split(':');
  const headers = Object.fromEntries(input.headers);
  if (input.body !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(input.body));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port: Number(port), method: input.method, path: input.path, headers, agent: false, timeout: input.timeoutMs ?? 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(input.body);
  });
}

/** Signs (by hand) and sends one request. */
export function sendHandSigned(input: HandRequest): Promise<HandResponse> {
  const headers = handSign(input);
  const query = Object.entries(input.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join('&');
  const body = input.sentBody ?? input.body;
  return sendHttp(input.host, {
    method: input.method ?? 'GET',
    path: query === '' ? input.path : `${input.path}?${query}`,
    headers,
    ...(body === undefined || body === '' ? {} : { body }),
  });
}

/** The GetTrace request of {@link MSG_A}, as the hand-written client sends it. */
export function getTraceRequest(host: string, overrides: Partial<HandRequest> = {}): HandRequest {
  return { host, action: 'GetTrace', path: `/instances/${INSTANCE_A}/topics/orders/traces/${MSG_A}`, ...overrides };
}
