import type { FcContext } from '../../shared/fc-context';
import { TEST_BEARER } from './build-access';

export interface HttpEventOverrides {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  requestId?: string;
  /** The Authorization header; default the test token's ({@link TEST_BEARER}); null sends none. */
  authorization?: string | null;
}

/** The FC 3.0 HTTP trigger envelope (fc.md §1.4) as a plain object. */
export function buildFcHttpEvent(overrides: HttpEventOverrides = {}): Record<string, unknown> {
  const path = overrides.path ?? '/v1/trace';
  return {
    version: 'v1',
    rawPath: path,
    headers: withAuthorization(overrides.headers ?? { 'User-Agent': 'vitest' }, overrides.authorization),
    queryParameters: overrides.query ?? {},
    ...(overrides.body === undefined ? {} : { body: overrides.body }),
    isBase64Encoded: overrides.isBase64Encoded ?? false,
    requestContext: {
      accountId: '1234567890123456',
      domainName: 'mqtrace.cn-hangzhou.fcapp.run',
      http: {
        method: overrides.method ?? 'GET',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'vitest',
      },
      requestId: overrides.requestId ?? 'evt-req-1',
      time: '25/Oct/2025:12:00:00 +0800',
      timeEpoch: '1761364800000',
    },
  };
}

function withAuthorization(headers: Record<string, string>, authorization: string | null | undefined): Record<string, string> {
  if (authorization === null || Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) return headers;
  return { ...headers, Authorization: authorization ?? TEST_BEARER };
}

/** The event as FC hands it to a Node.js handler: a Buffer holding JSON. */
export function buildFcHttpEventBuffer(overrides: HttpEventOverrides = {}): Buffer {
  return Buffer.from(JSON.stringify(buildFcHttpEvent(overrides)), 'utf8');
}

export const CONTEXT_CREDENTIALS = {
  accessKeyId: 'STS.CtxKeyId000111',
  accessKeySecret: 'CtxSecretValue-9f8e7d',
  securityToken: 'CtxSecurityToken-abc123xyz',
} as const;

/** An FC context with the function role's STS credentials. */
export function buildFcContext(overrides: Partial<FcContext> = {}): FcContext {
  return {
    requestId: 'ctx-req-1',
    credentials: { ...CONTEXT_CREDENTIALS },
    function: { name: 'mqtrace-http', handler: 'index.handler', memory: 512, timeout: 10 },
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    ...overrides,
  };
}
