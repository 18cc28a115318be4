import RPCClient from '@alicloud/pop-core';
import { randomUUID } from 'node:crypto';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../local/emulator/server';
import { computeRpcSignature, popEncode } from '../../../local/emulator/signature';

export const ACCOUNT_A = '1111222233334444';
export const ACCOUNT_B = '5555666677778888';
export const INSTANCE_A = 'MQ_INST_1111222233334444_BXtest01';
export const INSTANCE_B = 'MQ_INST_5555666677778888_BXtest02';
export const MSG_CONSUMED = '0A000C22303918B4AAC244F9ABC301A3';
export const MSG_PARTIAL = '0A000C22303918B4AAC244F9D9B101A4';
export const MSG_FLIP = 'AC1005150B3C18B4AAC24578958B2F10';
export const MSG_NO_SUBSCRIBER = 'AC1005150B3C18B4AAC242F2A4332E01';
export const MSG_OF_B = 'C0A80329791C18B4AAC244B7DC9A0042';
export const MSG_UNKNOWN = '0A000C22303918B4AAC244F9FFFF0001';

export interface TestCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export const PLAIN: TestCredential = { accessKeyId: 'test-plain-key-id', accessKeySecret: 'test-plain-secret' };
export const SECOND_PLAIN: TestCredential = { accessKeyId: 'test-second-key-id', accessKeySecret: 'test-second-secret' };
export const STS: TestCredential = {
  accessKeyId: 'STS.test-sts-key-id',
  accessKeySecret: 'test-sts-secret',
  securityToken: 'test-security-token',
};
export const STS_EXPIRED: TestCredential = {
  accessKeyId: 'STS.test-expired-key-id',
  accessKeySecret: 'test-expired-secret',
  securityToken: 'test-expired-token',
};
export const NO_TRACE: TestCredential = { accessKeyId: 'test-no-trace-key-id', accessKeySecret: 'test-no-trace-secret' };
export const OTHER_ACCOUNT: TestCredential = { accessKeyId: 'test-other-key-id', accessKeySecret: 'test-other-secret' };

/**
 * Builds the seed the integration suites run against; pass overrides for top-level fields.
 */
export function buildTestSeed(overrides: Partial<Seed> = {}): Seed {
  return {
    accounts: [
      {
        accountId: ACCOUNT_A,
        credentials: [
          { ...PLAIN, allowedActions: ['*'] },
          { ...SECOND_PLAIN, allowedActions: ['mq:*'] },
          { ...STS, expiresAt: '2099-01-01T00:00:00Z', allowedActions: ['mq:QueryMessageTrace'] },
          { ...STS_EXPIRED, expiresAt: '2020-01-01T00:00:00Z', allowedActions: ['*'] },
          { ...NO_TRACE, allowedActions: ['mq:QueryMessage'], displayName: 'reader' },
        ],
      },
      { accountId: ACCOUNT_B, credentials: [{ ...OTHER_ACCOUNT, allowedActions: ['*'] }] },
    ],
    instances: [
      {
        instanceId: INSTANCE_A,
        accountId: ACCOUNT_A,
        topics: [
          {
            topic: 'orders',
            messages: [
              { msgId: MSG_CONSUMED, tracks: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED' }] },
              {
                msgId: MSG_PARTIAL,
                tracks: [
                  { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
                  { consumerGroup: 'GID_analytics', trackType: 'NOT_ONLINE', exceptionDesc: 'CODE:206 DESC:not online' },
                ],
              },
              {
                msgId: MSG_FLIP,
                tracks: [
                  {
                    consumerGroup: 'GID_billing',
                    trackType: 'NOT_CONSUME_YET',
                    timeline: [
                      { afterMs: 3000, trackType: 'CONSUMED' },
                      { afterMs: 10_000, trackType: 'UNKNOWN', exceptionDesc: 'offset reset' },
                    ],
                  },
                ],
              },
            ],
          },
          { topic: 'audit-log', messages: [{ msgId: MSG_NO_SUBSCRIBER, tracks: [] }] },
        ],
      },
      {
        instanceId: INSTANCE_B,
        accountId: ACCOUNT_B,
        topics: [{ topic: 'payments', messages: [{ msgId: MSG_OF_B, tracks: [{ consumerGroup: 'GID_pay', trackType: 'CONSUMED' }] }] }],
      },
    ],
    ...overrides,
  };
}

/** A clock the test moves by hand, starting at the real time so pop-core's Timestamp is fresh. */
export function buildManualClock(): { now: () => number; advance: (ms: number) => void } {
  let current = Date.now();
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface StartedEmulator {
  emulator: EmulatorHandle;
  url: string;
}

const running = new Set<EmulatorHandle>();

/** Starts an emulator on 127.0.0.1:0; {@link closeAllEmulators} stops it. */
export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<StartedEmulator> {
  const emulator = createEmulator({ seed: buildTestSeed(), ...options });
  running.add(emulator);
  const { url } = await emulator.start();
  return { emulator, url };
}

/** Closes every emulator started by {@link startEmulator}; call from afterEach. */
export async function closeAllEmulators(): Promise<void> {
  await Promise.all([...running].map((emulator) => emulator.close()));
  running.clear();
}

/** Creates the real pop-core RPC client for the emulator. */
export function createClient(url: string, credential: TestCredential = PLAIN, apiVersion = '2019-02-14'): RPCClient {
  return new RPCClient({ endpoint: url, apiVersion, ...credential });
}

export interface PopFailure {
  code: string | undefined;
  status: number | undefined;
  data: Record<string, unknown> | undefined;
  name: string | undefined;
}

/** Calls an action through pop-core and returns the JSON-normalised body (null prototypes removed). */
export async function callAction(
  client: RPCClient,
  params: Record<string, string>,
  options: { method?: 'POST'; action?: string; timeout?: number } = {},
): Promise<Record<string, unknown>> {
  const requestOptions = { timeout: options.timeout ?? 2000, ...(options.method === undefined ? {} : { method: options.method }) };
  const result = await client.request<unknown>(options.action ?? 'OnsMessageTrace', params, requestOptions);
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}

/** Calls an action through pop-core, expects a rejection and returns its code, status and body. */
export async function callFailing(
  client: RPCClient,
  params: Record<string, string>,
  options: { method?: 'POST'; action?: string; timeout?: number } = {},
): Promise<PopFailure> {
  try {
    await callAction(client, params, options);
  } catch (error) {
    const err = error as { code?: string; data?: unknown; name?: string; entry?: { response?: { statusCode?: number } } };
    return {
      code: err.code,
      status: err.entry?.response?.statusCode,
      data: err.data === undefined ? undefined : (JSON.parse(JSON.stringify(err.data)) as Record<string, unknown>),
      name: err.name,
    };
  }
  throw new Error('Expected the call to fail, but it succeeded.');
}

/** Formats a Date the way pop-core does: YYYY-MM-DDTHH:mm:ssZ. */
export function popTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds the full parameter set of a signed request, exactly as pop-core would, including Signature. */
export function buildSignedParams(input: {
  method: 'GET' | 'POST';
  credential: TestCredential;
  params: Record<string, string>;
  action?: string;
  common?: Record<string, string>;
}): Record<string, string> {
  const unsigned: Record<string, string> = {
    Action: input.action ?? 'OnsMessageTrace',
    Format: 'JSON',
    Timestamp: popTimestamp(Date.now()),
    Version: '2019-02-14',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID().replace(/-/g, ''),
    AccessKeyId: input.credential.accessKeyId,
    ...(input.credential.securityToken === undefined ? {} : { SecurityToken: input.credential.securityToken }),
    ...input.common,
    ...input.params,
  };
  const signature = computeRpcSignature({ method: input.method, params: unsigned, accessKeySecret: input.credential.accessKeySecret });
  return { ...unsigned, Signature: signature };
}

/** Encodes parameters as pop-core sends them (sorted, popEncode, Signature last). */
export function encodeParams(params: Record<string, string>): string {
  const keys = Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort();
  if (params.Signature !== undefined) {
    keys.push('Signature');
  }
  return keys.map((key) => `${popEncode(key)}=${popEncode(params[key] ?? '')}`).join('&');
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

/** Sends a raw HTTP request to the emulator with fetch. */
export async function sendRaw(
  url: string,
  input: { method?: string; path?: string; body?: string | Uint8Array; headers?: Record<string, string> },
): Promise<RawResponse> {
  const response = await fetch(`${url}${input.path ?? '/'}`, {
    method: input.method ?? 'GET',
    headers: input.headers ?? {},
    ...(input.body === undefined ? {} : { body: input.body }),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Sends a signed form POST, optionally altering the encoded body before sending. */
export function postForm(url: string, body: string): Promise<RawResponse> {
  return sendRaw(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

export const VALID_TRACE_PARAMS = { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_CONSUMED } as const;
