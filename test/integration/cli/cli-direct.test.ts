import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import { TraceReportSchema } from '../../../shared/trace/report-schema';
import { runMqtrace, STACK_TRACE } from '../../builders/run-mqtrace';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';

const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const CONSUMED = '0A000C22303918B4AAC244F9ABC301A3';
const NOT_CONSUMED = '0A000C235D0918B4AAC2451A0C820007';
const FLIPS = 'AC1005150B3C18B4AAC24578958B2F10';

/** A HOME whose ~/.aliyun/config.json holds `config` (as the aliyun CLI writes it). */
function homeWith(config: unknown): string {
  const home = mkdtempSync(join(tmpdir(), 'mqtrace-home-'));
  mkdirSync(join(home, '.aliyun'));
  writeFileSync(join(home, '.aliyun', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return home;
}

describe('npx mqtrace in direct mode, with the demo seed’s credentials, against the emulator', () => {
  let emulator: EmulatorHandle;
  let url: string;
  let seed: Seed;
  let admin: { accessKeyId: string; accessKeySecret: string };
  let sts: ReturnType<typeof stsCredentialOf>;
  const direct = (args: string[], env: Record<string, string | undefined>) => runMqtrace([...args, '--endpoint', url], env);
  const envKeys = () => ({ ALIBABA_CLOUD_ACCESS_KEY_ID: admin.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: admin.accessKeySecret });

  beforeAll(async () => {
    ({ seed } = buildSeedFile());
    const credential = seed.accounts[0]?.credentials.find((c) => !c.securityToken);
    if (!credential) throw new Error('the demo seed lost its permanent key');
    admin = { accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret };
    sts = stsCredentialOf(seed);
    emulator = createEmulator({ seed });
    ({ url } = await emulator.start());
  });

  afterAll(async () => {
    await emulator?.close();
  });

  describe('Given ALIBABA_CLOUD_* in the environment', () => {
    it.each([
      ['CONSUMED', 'orders', CONSUMED, 0],
      ['NOT_CONSUMED', 'orders', NOT_CONSUMED, 1],
      ['NO_SUBSCRIBERS', 'audit-log', 'AC1005150B3C18B4AAC242F2A4332E01', 1],
    ])('answers %s through the lookup use case in process and exits %i', async (verdict, topic, msgId, exit) => {
      // Act
      const run = await direct(['trace', topic, msgId, '--instance', INSTANCE, '--json'], envKeys());

      // Assert
      expect(run.code).toBe(exit);
      const report = TraceReportSchema.parse(JSON.parse(run.stdout));
      expect(report).toMatchObject({ verdict, instanceId: INSTANCE, broker: 'ons-4x' });
      expect(report.requestId).toMatch(/^cli-[0-9a-f-]{36}$/);
    });

    it('signs with an STS key and its token', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '--instance', INSTANCE], {
        ALIBABA_CLOUD_ACCESS_KEY_ID: sts.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: sts.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: sts.securityToken,
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^✔ CONSUMED/);
    });

    it('explains with why', async () => {
      const run = await direct(['why', 'orders', NOT_CONSUMED, '--instance', INSTANCE], envKeys());
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Why?');
      expect(run.stdout).toContain('GROUP_OFFLINE');
    });

    it('waits until the message is consumed, with the instance from MQTRACE_INSTANCE', async () => {
      const run = await direct(['wait', 'orders', FLIPS, '--timeout', '20', '--json'], { ...envKeys(), MQTRACE_INSTANCE: INSTANCE });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'CONSUMED', wait: { outcome: 'CONSUMED' } });
      expect(run.stderr).toMatch(/^waiting until consumed: .* last ✔ CONSUMED$/m);
    });

    it('looks up a 5.x instance through the lazily loaded 5.x SDK file', async () => {
      // Arrange: 5.x IDs are generated at emulator start; take this run's ID of the message every group consumed.
      const five = emulator.rocketMq5Messages().find((m) => m.topicName === 'orders-5x' && m.messageKeys.includes('order-5x-1001'));
      if (!five) throw new Error('the demo seed lost order-5x-1001');

      // Act
      const run = await direct(['trace', five.topicName, five.messageId, '--instance', five.instanceId, '--json'], envKeys());

      // Assert
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'CONSUMED', broker: 'rocketmq-5x' });
    });

    it('exits 3 with the upstream’s code and request ID for another account’s instance', async () => {
      const run = await direct(['trace', 'payments', 'C0A80329791C18B4AAC244B7DC9A0042', '--instance', 'MQ_INST_6543210987654321_BXother01'], envKeys());
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: .+\n {2}Check the instance, the topic and the message ID\.\n {2}upstream AUTH_RESOURCE_OWNER_ERROR [0-9A-F-]{36}\n$/);
    });

    it('exits 3 and asks for the instance when none is given', async () => {
      const run = await direct(['trace', 'orders', CONSUMED], envKeys());
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('direct mode needs the instance: add --instance <instance ID> (or set MQTRACE_INSTANCE)');
    });

    it('exits 3 when only half of an AccessKey is set', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE], { ALIBABA_CLOUD_ACCESS_KEY_ID: admin.accessKeyId });
      expect(run.code).toBe(3);
      expect(run.stderr).toBe('mqtrace: set both ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or neither\n');
    });
  });

  describe('Given an aliyun CLI profile', () => {
    const config = () => ({
      current: 'work',
      profiles: [
        { name: 'work', mode: 'AK', access_key_id: admin.accessKeyId, access_key_secret: admin.accessKeySecret, region_id: 'cn-shanghai' },
        { name: 'role', mode: 'StsToken', access_key_id: sts.accessKeyId, access_key_secret: sts.accessKeySecret, sts_token: sts.securityToken, region_id: 'cn-hangzhou' },
      ],
    });

    it('uses the current profile when nothing else is set', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE], { HOME: homeWith(config()) });
      expect(run.code).toBe(0);
    });

    it('uses --profile over the environment, and a StsToken profile signs with its token', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE, '--profile', 'role'], { HOME: homeWith(config()), ALIBABA_CLOUD_ACCESS_KEY_ID: 'mqtrace-test-unknown-key', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'x' });
      expect(run.code).toBe(0);
    });

    it('uses ALIBABA_CLOUD_PROFILE', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE], { HOME: homeWith(config()), ALIBABA_CLOUD_PROFILE: 'role' });
      expect(run.code).toBe(0);
    });

    it('names the profiles there are when the one asked for is missing', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE, '--profile', 'nope'], { HOME: homeWith(config()) });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: no profile "nope" in .*\.aliyun\/config\.json \(profiles: work, role\)\n$/);
    });

    it('never echoes a config file it cannot parse (it holds secrets)', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE], { HOME: homeWith(`{"profiles": [{"access_key_secret": "${admin.accessKeySecret}"`) });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: .*\.aliyun\/config\.json is not valid JSON\n$/);
      expect(run.stderr).not.toContain(admin.accessKeySecret);
    });

    it('says how to get credentials when there are none', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE], {});
      expect(run.code).toBe(3);
      expect(run.stderr).toBe('mqtrace: no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, run `aliyun configure`, or use --url\n');
      expect(run.stderr).not.toMatch(STACK_TRACE);
    });
  });

  describe('Given credentials the cloud rejects', () => {
    it('exits 3 with the credentials error, never the secret', async () => {
      const run = await direct(['trace', 'orders', CONSUMED, '-i', INSTANCE, '--json'], { ALIBABA_CLOUD_ACCESS_KEY_ID: admin.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'mqtrace-test-wrong-secret' });
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout).error.code).toBe('CREDENTIALS_INVALID');
      expect(run.stdout + run.stderr).not.toContain('mqtrace-test-wrong-secret');
    });
  });
});
