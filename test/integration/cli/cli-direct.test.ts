import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import { FindReportSchema } from '../../../shared/trace/find-schema';
import { JourneyReportSchema } from '../../../shared/trace/journey-schema';
import { TraceReportSchema } from '../../../shared/trace/report-schema';
import { runMqtrace, STACK_TRACE } from '../../builders/run-mqtrace';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';

const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const CONSUMED = '0A000C22303918B4AAC244F9ABC301A3';
const NOT_CONSUMED = '0A000C235D0918B4AAC2451A0C820007';
const FLIPS = 'AC1005150B3C18B4AAC24578958B2F10';
const DEMO_KEY = 'order-20261201-0042';
const DEAD_LETTERED = '0A000C2435F118B4AAC2452C4E120104';

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

  describe('Given find and journey', () => {
    it('finds by key through the find use case in process, with --json, and exits 1', async () => {
      const run = await direct(['find', 'orders', '--key', DEMO_KEY, '-i', INSTANCE, '--json'], envKeys());
      expect(run.code).toBe(1);
      const report = FindReportSchema.parse(JSON.parse(run.stdout));
      expect(report).toMatchObject({ instanceId: INSTANCE, broker: 'ons-4x', summary: { found: 3, examined: 3, failed: 0 } });
      expect(report.messages.map((m) => m.verdict)).toEqual(['PARTIALLY_CONSUMED', 'CONSUMED', 'CONSUMED']);
      expect(report.requestId).toMatch(/^cli-[0-9a-f-]{36}$/);
      expect(run.stderr).toBe('');
    });

    it('summarises the last hour in text and exits 1, with the instance from MQTRACE_INSTANCE', async () => {
      const now = Date.now();
      const run = await direct(['find', 'orders', '--from', new Date(now - 3_600_000).toISOString(), '--to', new Date(now).toISOString()], { ...envKeys(), MQTRACE_INSTANCE: INSTANCE });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^\d+ message\(s\) found, \d+ looked up {2}MQ_INST_1234567890123456_BXdemo01 · orders · ons-4x\n {2}stored /);
      expect(run.stdout).toContain('  only the messages that were not consumed are listed');
      expect(run.stdout).not.toMatch(/^ {2}✔ CONSUMED {2}/m);
    });

    it('refuses a reversed window with the API’s words before any call, and exits 3', async () => {
      const now = Date.now();
      const run = await direct(['find', 'orders', '-i', INSTANCE, '--from', new Date(now - 60_000).toISOString(), '--to', new Date(now - 120_000).toISOString()], envKeys());
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: bad input\n {2}--to must be after from: the window is reversed or empty\n/);
    });

    it('gives the dead-lettered 4.x message’s journey from its trace task, with --json, and exits 0', async () => {
      const run = await direct(['journey', 'orders', DEAD_LETTERED, '-i', INSTANCE, '--json'], envKeys());
      expect(run.code).toBe(0);
      const report = JourneyReportSchema.parse(JSON.parse(run.stdout));
      expect(report).toMatchObject({ broker: 'ons-4x', status: 'complete', verdict: 'CONSUMED', traceTask: { reused: false } });
      const billing = report.groups.find((g) => g.consumerGroup === 'GID_billing');
      expect(billing?.attempts).toHaveLength(17);
      expect(billing?.deadLettered?.topic).toBe('%DLQ%GID_billing');
      expect(report.findings.map((f) => `${f.code}@${f.group}`)).toContain('CONSUMED_BUT_LAST_ATTEMPT_FAILED@GID_billing');
    });

    it('gives a 5.x journey through the lazily loaded 5.x SDK, in text', async () => {
      // Arrange: 5.x IDs are generated at emulator start; take this run's ID of the retried, dead-lettered one.
      const five = emulator.rocketMq5Messages().find((m) => m.topicName === 'orders-5x' && m.messageKeys.includes('order-5x-1002'));
      if (!five) throw new Error('the demo seed lost order-5x-1002');

      // Act
      const run = await direct(['journey', five.topicName, five.messageId, '-i', five.instanceId], envKeys());

      // Assert
      // The exit code is the verdict's, as for trace.
      const verdict = /^Journey {2}. (\w+) {2}/.exec(run.stdout)?.[1];
      const exits = new Map([['CONSUMED', 0], ['PARTIALLY_CONSUMED', 1], ['NOT_CONSUMED', 1], ['NO_SUBSCRIBERS', 1], ['UNKNOWN', 2]]);
      expect(run.code).toBe(exits.get(verdict ?? ''));
      expect(run.stdout).toMatch(/^ {2}GID_billing_5x \(.*3 attempt\(s\).*dead-lettered to %DLQ%GID_billing_5x\)$/m);
      expect(run.stdout).toMatch(/^ {4}✘ \+.+ {2}#0 {2}/m);
      expect(run.stdout).toMatch(/^ {4}✔ \+.+ {2}#1 {2}/m);
      expect(run.stdout).toContain('rocketmq-5x');
    });

    it('exits 3 and asks for the instance when none is given', async () => {
      const find = await direct(['find', 'orders', '--key', DEMO_KEY], envKeys());
      const journey = await direct(['journey', 'orders', DEAD_LETTERED], envKeys());
      for (const run of [find, journey]) {
        expect(run.code).toBe(3);
        expect(run.stderr).toContain('direct mode needs the instance: add --instance <instance ID> (or set MQTRACE_INSTANCE)');
      }
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
