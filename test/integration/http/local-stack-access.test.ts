import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../shared/access/bearer';
import { buildSlashCommandBody, signSlackRequest } from '../../../local/fakes/chat-signing';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { buildSeedFile } from '../../builders/seed';

const TOKEN = 'mqt_it_orders_only_8c1f0e7d';

describe('Local stack: access control through the built bundle, with MQTRACE_CONFIG as a file', () => {
  let stack: LocalStack;
  let allowed: { instanceId: string; topic: string; msgId: string };
  let otherTopic: { instanceId: string; topic: string; msgId: string };

  beforeAll(async () => {
    // Prepare: a document that lets one token see one topic of one instance, and no chat at all.
    const { seed, path } = buildSeedFile();
    const own = seed.instances.filter((i) => i.accountId === seed.accounts[0]?.accountId);
    const messages = own.flatMap((i) => i.topics.flatMap((t) => t.messages.map((m) => ({ instanceId: i.instanceId, topic: t.topic, msgId: m.msgId }))));
    allowed = messages[0] as typeof allowed;
    otherTopic = messages.find((m) => m.topic !== allowed.topic) as typeof otherTopic;
    const configPath = join(mkdtempSync(join(tmpdir(), 'mqtrace-config-')), 'mqtrace.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        aliases: { main: allowed.instanceId },
        http: { tokens: [{ name: 'it-orders', sha256: sha256Hex(TOKEN), scope: { instances: ['main'], topics: [allowed.topic] } }] },
      }),
    );
    stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: path, functionEnv: { MQTRACE_CONFIG: configPath } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const get = async (query: Record<string, string>, token: string | null = TOKEN) => {
    const response = await fetch(`${stack.url}/v1/trace?${new URLSearchParams(query)}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
  };

  it('answers an allowed lookup, with the instance given by alias', async () => {
    const result = await get({ instanceId: 'main', topic: allowed.topic, msgId: allowed.msgId });
    expect(result.status).toBe(200);
    expect(result.json.instanceId).toBe(allowed.instanceId);
  });

  it('refuses a topic outside the scope with 403 and the fixed body, before calling ONS', async () => {
    stack.emulator?.handle.resetStats();
    const result = await get(otherTopic);
    expect(result.status).toBe(403);
    expect(result.json.error).toMatchObject({ code: 'FORBIDDEN', message: 'this caller may not look up this message' });
    expect(stack.emulator?.handle.stats().byAction.OnsMessageTrace).toBeUndefined();
  });

  it.each([
    ['no token', null],
    ['the demo token, which this document does not list', 'mqtrace-demo-token-not-secret'],
  ])('answers 401 with WWW-Authenticate to %s', async (_, token) => {
    const result = await get({ instanceId: 'main', topic: allowed.topic, msgId: allowed.msgId }, token);
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer realm="mqtrace"');
  });

  it('serves /healthz without a token', async () => {
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });

  it('politely refuses the demo Slack team, which this document does not list', async () => {
    const body = buildSlashCommandBody({ text: `trace ${allowed.topic} ${allowed.msgId}`, responseUrl: stack.chat.fakes.slack.mint({}) });
    const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(body), body });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Sorry, mqtrace cannot answer this request here.');
  });
});
