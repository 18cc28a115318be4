import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fcContentMd5, fcStringToSign } from '../../../local/runner/invoke-api';

// fc2's own implementation, to check the runner's verifier against the client it has to accept.
const helper = createRequire(import.meta.url)('@alicloud/fc2/lib/helper.js') as {
  composeStringToSign(method: string, path: string, headers: Record<string, string>, queries: null): string;
};

describe('Function: fcStringToSign', () => {
  it.each([
    [
      'an STS async invocation',
      {
        accept: 'application/json',
        date: 'Tue, 25 Nov 2026 07:00:00 GMT',
        'content-type': 'application/octet-stream',
        'content-md5': fcContentMd5(Buffer.from('{"kind":"x"}')),
        'x-fc-account-id': '1234567890123456',
        'x-fc-security-token': 'token',
        'x-fc-invocation-type': 'Async',
        'user-agent': 'ignored',
      },
    ],
    ['a bodiless call without x-fc headers', { date: 'Tue, 25 Nov 2026 07:00:00 GMT' }],
  ])("builds the same string to sign as @alicloud/fc2 for %s", (_name, headers) => {
    const path = '/2023-03-30/functions/mqtrace-http/invocations';
    expect(fcStringToSign('POST', path, headers)).toBe(helper.composeStringToSign('POST', path, headers, null));
  });
});
