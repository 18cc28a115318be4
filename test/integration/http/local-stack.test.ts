import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Seed } from '../../../local/emulator/seed-schema';
import { DEMO_AUTH_HEADERS } from '../../../local/runner/demo-access';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';

interface Message {
  instanceId: string;
  topic: string;
  msgId: string;
  tracks: Array<{ consumerGroup: string; trackType: string; timeline?: unknown[] }>;
}

function demoMessages(seed: Seed): Message[] {
  const ownAccount = seed.accounts[0]?.accountId;
  return seed.instances
    .filter((i) => i.accountId === ownAccount)
    .flatMap((i) => i.topics.flatMap((t) => t.messages.map((m) => ({ instanceId: i.instanceId, topic: t.topic, msgId: m.msgId, tracks: m.tracks }))));
}

async function get(stack: LocalStack, path: string, init?: RequestInit) {
  const response = await fetch(`${stack.url}${path}`, { ...init, headers: { ...DEMO_AUTH_HEADERS, ...(init?.headers as Record<string, string> | undefined) } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const traceUrl = (m: { instanceId: string; topic: string; msgId: string }) =>
  `/v1/trace?${new URLSearchParams({ instanceId: m.instanceId, topic: m.topic, msgId: m.msgId })}`;

describe('Local stack: the built HTTP function behind the FC runner, against the emulator', () => {
  let stack: LocalStack;
  let seed: Seed;

  beforeAll(async () => {
    // Prepare
    const built = buildSeedFile();
    seed = built.seed;
    stack = await startLocalStack({
      port: 0,
      env: { PATH: process.env.PATH },
      seedPath: built.path,
      functionEnv: { MQTRACE_LOOKUP_DEADLINE_MS: '3000', MQTRACE_CALL_TIMEOUT_MS: '600' },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('Given every demo message', () => {
    it('returns each group with its raw track type and the verdict the rules give', async () => {
      const messages = demoMessages(seed);
      const seen = new Set<string>();
      for (const message of messages) {
        // Act
        const { status, json } = await get(stack, traceUrl(message));
        // Assert
        expect(status).toBe(200);
        expect(json?.msgId).toBe(message.msgId.toUpperCase());
        const groups = json?.groups as Array<{ consumerGroup: string; trackType: string; meaning: string; advice: string }>;
        expect(groups.map((g) => g.consumerGroup).sort()).toEqual(message.tracks.map((t) => t.consumerGroup).sort());
        for (const g of groups) {
          seen.add(g.trackType);
          expect(g.meaning.length).toBeGreaterThan(10);
          expect(g.advice.length).toBeGreaterThan(10);
        }
        expect(json?.upstreamRequestId).toMatch(/^[0-9A-F-]{36}$/);
        expect(json?.caveats.map((c: { code: string }) => c.code)).toContain('OFFSET_BASED');
      }
      expect([...seen].sort()).toEqual(
        expect.arrayContaining(['CONSUMED', 'CONSUMED_BUT_FILTERED', 'NOT_CONSUME_YET', 'NOT_ONLINE', 'UNKNOWN', 'PULL', 'CONSUME_BROADCASTING']),
      );
    });

    it.each([
      ['CONSUMED', (t: string[]) => t.length > 0 && t.every((x) => x === 'CONSUMED')],
      ['NOT_CONSUMED', (t: string[]) => t.length > 0 && t.every((x) => x === 'NOT_CONSUME_YET' || x === 'NOT_ONLINE')],
      ['NO_SUBSCRIBERS', (t: string[]) => t.length === 0],
      ['PARTIALLY_CONSUMED', (t: string[]) => t.includes('CONSUMED') && t.some((x) => x === 'NOT_CONSUME_YET' || x === 'NOT_ONLINE')],
    ])('answers %s for a message whose groups say so', async (verdict, matches) => {
      // Prepare
      const message = demoMessages(seed).find((m) => !m.tracks.some((t) => t.timeline) && matches(m.tracks.map((t) => t.trackType)));
      expect(message, `the demo seed has a ${verdict} message`).toBeDefined();
      // Act
      const { json } = await get(stack, traceUrl(message as Message));
      // Assert
      expect(json?.verdict).toBe(verdict);
    });
  });

  describe('Given the instance ID is left out', () => {
    it('uses the default instance that the runner configured', async () => {
      const message = demoMessages(seed)[0] as Message;
      const { status, json } = await get(stack, `/v1/trace?${new URLSearchParams({ topic: message.topic, msgId: message.msgId })}`);
      expect(status).toBe(200);
      expect(json?.instanceId).toBe(message.instanceId);
    });
  });

  describe('Given a POST with a JSON body or a batch', () => {
    it('answers a single lookup like GET', async () => {
      const message = demoMessages(seed)[0] as Message;
      const { status, json } = await get(stack, '/v1/trace', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instanceId: message.instanceId, topic: message.topic, msgId: message.msgId.toLowerCase() }),
      });
      expect(status).toBe(200);
      expect(json?.msgId).toBe(message.msgId.toUpperCase());
    });

    it('answers a batch in order, one error per bad or unknown item, paced under the rate limit', async () => {
      // Prepare: 15 lookups, more than the 10/s limit, plus a bad item and an unknown message.
      const messages = demoMessages(seed);
      const lookups: unknown[] = Array.from({ length: 15 }, (_, i) => {
        const m = messages[i % messages.length] as Message;
        return { instanceId: m.instanceId, topic: m.topic, msgId: m.msgId };
      });
      lookups.splice(3, 0, { topic: 'orders', msgId: 'not-an-id' });
      lookups.push({ instanceId: messages[0]?.instanceId, topic: messages[0]?.topic, msgId: 'FFFFFFFF00000000FFFFFFFF00000000' });
      stack.emulator?.handle.resetStats();
      // Act
      const { status, json } = await get(stack, '/v1/trace', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lookups }),
      });
      // Assert
      expect(status).toBe(200);
      const results = json?.results as Array<{ index: number; ok: boolean; report?: { msgId: string }; error?: { code: string; issues?: Array<{ path: string }> } }>;
      expect(results.map((r) => r.index)).toEqual(lookups.map((_, i) => i));
      expect(results[3]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [{ path: 'lookups.3.msgId' }] } });
      expect(results[16]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(results.filter((r) => r.ok)).toHaveLength(15);
      const byCode = stack.emulator?.handle.stats().byAction.OnsMessageTrace?.byCode ?? {};
      expect(byCode['Throttling.User'] ?? 0).toBe(0);
    });
  });

  describe('Given bad input', () => {
    it.each([
      ['no parameters', '/v1/trace', 400],
      ['an empty msgId', '/v1/trace?topic=orders&msgId=', 400],
      ['a comma-separated msgId list', '/v1/trace?topic=orders&msgId=0A000C22303918B4AAC244F9ABC301A3,0A000C22303918B4AAC244F9ABC301A3', 400],
      ['a repeated msgId (FC joins repeats with commas)', '/v1/trace?topic=orders&msgId=0A000C22303918B4AAC244F9ABC301A3&msgId=0A000C22303918B4AAC244F9ABC301A3', 400],
      ['a unicode topic', `/v1/trace?topic=${encodeURIComponent('订单')}&msgId=0A000C22303918B4AAC244F9ABC301A3`, 400],
      ['an injection-looking topic', `/v1/trace?topic=${encodeURIComponent("orders' OR 1=1 --")}&msgId=0A000C22303918B4AAC244F9ABC301A3`, 400],
      ['a script tag', `/v1/trace?topic=${encodeURIComponent('<script>alert(1)</script>')}&msgId=x`, 400],
      ['a 5.x instance the account does not have', '/v1/trace?instanceId=rmq-cn-abc123&topic=orders&msgId=0A000C22303918B4AAC244F9ABC301A3', 404],
      ['an instance that is neither an ID nor an alias', '/v1/trace?instanceId=staging&topic=orders&msgId=0A000C22303918B4AAC244F9ABC301A3', 400],
      ['an unknown parameter', '/v1/trace?topic=orders&msgId=0A000C22303918B4AAC244F9ABC301A3&msgid=x', 400],
      ['a huge topic', `/v1/trace?topic=${'a'.repeat(5000)}&msgId=0A000C22303918B4AAC244F9ABC301A3`, 400],
      ['an unknown route', '/v2/anything', 404],
    ])('answers %s with a clear 4xx', async (_name, path, expected) => {
      const { status, json } = await get(stack, path);
      expect(status).toBe(expected);
      expect(json?.error.code).toMatch(/^[A-Z_]+$/);
      expect(json?.error.message.length).toBeGreaterThan(5);
      expect(json?.error.requestId).toBeTruthy();
    });

    it.each([
      ['wrong types', JSON.stringify({ topic: 42, msgId: ['x'] }), 'application/json', 400],
      ['not JSON', '{"topic":', 'application/json', 400],
      ['an empty body', '', 'application/json', 400],
      ['a JSON array', '[]', 'application/json', 400],
      ['a form body', 'topic=orders', 'application/x-www-form-urlencoded', 415],
      ['21 lookups', JSON.stringify({ lookups: Array.from({ length: 21 }, () => ({})) }), 'application/json', 400],
      ['a body over 64 KiB', JSON.stringify({ topic: 'x'.repeat(70 * 1024) }), 'application/json', 413],
      ['binary bytes', '\u0000\u00ff\u0001', 'application/octet-stream', 415],
    ])('answers a POST with %s with %i', async (_name, body, contentType, expected) => {
      const { status, json } = await get(stack, '/v1/trace', { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(status).toBe(expected);
      expect(json?.error.code).toBeTruthy();
    });

    it('answers a wrong method with 405 and an Allow header', async () => {
      const { status, headers } = await get(stack, '/v1/trace', { method: 'DELETE' });
      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('GET, POST, HEAD');
    });
  });

  describe('Given the service endpoints', () => {
    it('serves /healthz and an OpenAPI 3.1 document built from the schemas', async () => {
      expect((await get(stack, '/healthz')).json).toMatchObject({ status: 'ok' });
      const { json } = await get(stack, '/openapi.json');
      expect(json?.openapi).toBe('3.1.0');
      expect(Object.keys(json?.components.schemas)).toEqual(expect.arrayContaining(['TraceQuery', 'TraceReport', 'ErrorBody']));
      expect(json?.paths['/v1/trace'].get.responses['429']).toBeDefined();
    });
  });

  describe('Given an unknown message, topic or instance', () => {
    it.each([
      ['message', { msgId: 'FFFFFFFF00000000FFFFFFFF00000000' }, 'BIZ_NO_MESSAGE'],
      ['topic', { topic: 'no-such-topic' }, 'BIZ_TOPIC_NOT_FOUND'],
      ['instance', { instanceId: 'MQ_INST_1234567890123456_BXnosuch' }, 'INSTANCE_NOT_FOUND'],
    ])('answers an unknown %s with 404 and the upstream code', async (_name, change, upstreamCode) => {
      const message = { ...(demoMessages(seed)[0] as Message), ...change };
      const { status, json } = await get(stack, traceUrl(message));
      expect(status).toBe(404);
      expect(json?.error).toMatchObject({ code: 'NOT_FOUND', upstream: { code: upstreamCode } });
    });
  });

  describe('Given upstream faults', () => {
    const message = () => demoMessages(seed)[0] as Message;
    // fresh=true: this CONSUMED message was looked up before, and a cached answer would meet no fault.
    const freshUrl = (m: Message) => `${traceUrl(m)}&fresh=true`;
    // Counted on arrival, so calls still in flight when a lookup gave up are included.
    const upstreamCalls = () => stack.emulator?.handle.stats().requests ?? 0;

    it.each([
      ['throttling that outlasts the retries', { errorCode: 'Throttling.User' as const }, 429, 'THROTTLED', 3],
      ['ServiceUnavailable', { errorCode: 'ServiceUnavailable' as const }, 503, 'UPSTREAM_UNAVAILABLE', 3],
      ['InternalError', { errorCode: 'InternalError' as const }, 502, 'UPSTREAM_FAILED', 3],
      ['an HTML 502 page', { html502Rate: 1 }, 502, 'UPSTREAM_FAILED', 1],
      ['dropped connections', { dropRate: 1 }, 502, 'UPSTREAM_FAILED', 3],
      ['latency over the call timeout', { latencyMs: 2000 }, 504, 'UPSTREAM_TIMEOUT', 3],
    ])('maps %s to the documented status without a retry storm', async (_name, fault, status, code, maxCalls) => {
      // Prepare
      stack.emulator?.handle.setFault('OnsMessageTrace', fault);
      stack.emulator?.handle.resetStats();
      try {
        // Act
        const response = await get(stack, freshUrl(message()));
        // Assert
        expect(response.status).toBe(status);
        expect(response.json?.error.code).toBe(code);
        expect(upstreamCalls()).toBeGreaterThanOrEqual(1);
        expect(upstreamCalls()).toBeLessThanOrEqual(maxCalls);
        if (status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(response.text).not.toMatch(/Signature|AccessKeyId|SecurityToken|mqtrace-demo/);
      } finally {
        stack.emulator?.handle.setFault('OnsMessageTrace', undefined);
      }
    });

    it('recovers when a fault clears after one request: retried within budget, answered 200', async () => {
      stack.emulator?.handle.setFault('OnsMessageTrace', { errorCode: 'Throttling.User', times: 1 });
      stack.emulator?.handle.resetStats();
      const response = await get(stack, freshUrl(message()));
      expect(response.status).toBe(200);
      expect(upstreamCalls()).toBe(2);
    });
  });
});

describe('Local stack with credentials the emulator rejects', () => {
  it.each([
    [
      'an expired security token',
      (seed: Seed) => {
        stsCredentialOf(seed).expiresAt = '2020-01-01T00:00:00Z';
      },
      502,
      'CREDENTIALS_INVALID',
      'InvalidSecurityToken.Expired',
    ],
    [
      'a role without mq:QueryMessageTrace',
      (seed: Seed) => {
        stsCredentialOf(seed).allowedActions = ['mq:QueryMessage'];
      },
      403,
      'PERMISSION_DENIED',
      'Forbidden.RAM',
    ],
  ])('maps %s to %i and keeps the upstream code', async (_name, change, status, code, upstreamCode) => {
    // Prepare
    const { seed, path } = buildSeedFile(change);
    const stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: path });
    try {
      const m = demoMessages(seed)[0] as Message;
      // Act
      const response = await get(stack, traceUrl(m));
      // Assert
      expect(response.status).toBe(status);
      expect(response.json?.error).toMatchObject({ code, upstream: { code: upstreamCode } });
      expect(stack.emulator?.handle.stats().requests).toBe(1);
      expect(response.text).not.toContain(stsCredentialOf(seed).securityToken as string);
    } finally {
      await stack.close();
    }
  });
});
