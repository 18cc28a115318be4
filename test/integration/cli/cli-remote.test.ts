import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../shared/access/bearer';
import { COMMANDS } from '../../../shared/cli/help';
import { formatDuration } from '../../../shared/local-time';
import { FindReportSchema } from '../../../shared/trace/find-schema';
import { JourneyReportSchema } from '../../../shared/trace/journey-schema';
import { TraceReportSchema } from '../../../shared/trace/report-schema';
import { decideVerdict, VERDICTS } from '../../../shared/trace/verdict';
import { DEMO_API_TOKEN } from '../../../local/runner/demo-access';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { runMqtrace, STACK_TRACE } from '../../builders/run-mqtrace';
import { buildSeedFile } from '../../builders/seed';

const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const ORDERS_ONLY_TOKEN = 'mqt_cli_orders_only_9d02aa';
const EXIT_BY_VERDICT = { CONSUMED: 0, PARTIALLY_CONSUMED: 1, NOT_CONSUMED: 1, NO_SUBSCRIBERS: 1, UNKNOWN: 2 } as const;
/** The demo key with 3 messages on the 4.x topic orders, and the message that failed 17 times and went to the DLQ. */
const DEMO_KEY = 'order-20261201-0042';
const DEAD_LETTERED = '0A000C2435F118B4AAC2452C4E120104';
const lastHour = () => {
  const now = Date.now();
  return ['--from', new Date(now - 3_600_000).toISOString(), '--to', new Date(now).toISOString()];
};

describe('npx mqtrace in remote mode, against the local stack', () => {
  let stack: LocalStack;
  let messages: Array<{ instanceId: string; topic: string; msgId: string; verdict: string; flips: boolean }>;
  const remote = (args: string[], env: Record<string, string | undefined> = {}) => runMqtrace([...args, '--url', stack.url], { MQTRACE_TOKEN: DEMO_API_TOKEN, ...env });
  const message = (verdict: string) => {
    const found = messages.find((m) => m.verdict === verdict && !m.flips);
    if (!found) throw new Error(`no demo message is ${verdict}`);
    return found;
  };

  beforeAll(async () => {
    const built = buildSeedFile();
    const own = built.seed.instances.filter((i) => i.accountId === built.seed.accounts[0]?.accountId);
    messages = own.flatMap((i) =>
      i.topics.flatMap((t) =>
        t.messages.map((m) => ({ instanceId: i.instanceId, topic: t.topic, msgId: m.msgId, verdict: decideVerdict(m.tracks).verdict, flips: m.tracks.some((k) => (k.timeline ?? []).length > 0) })),
      ),
    );
    const configPath = join(mkdtempSync(join(tmpdir(), 'mqtrace-cli-')), 'mqtrace.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        aliases: { demo01: INSTANCE, demo02: 'MQ_INST_1234567890123456_BXdemo02' },
        defaultInstance: INSTANCE,
        http: {
          tokens: [
            { name: 'demo', sha256: sha256Hex(DEMO_API_TOKEN), scope: { instances: ['*'], topics: ['*'] } },
            { name: 'orders-only', sha256: sha256Hex(ORDERS_ONLY_TOKEN), scope: { instances: [INSTANCE], topics: ['orders'] } },
          ],
        },
      }),
    );
    stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: built.path, functionEnv: { MQTRACE_CONFIG: configPath } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('Given trace --json for each verdict', () => {
    it.each(VERDICTS.map((v) => [v, EXIT_BY_VERDICT[v]] as const))('prints the %s report and exits %i', async (verdict, exit) => {
      // Arrange
      const m = message(verdict);

      // Act
      const run = await remote(['trace', m.topic, m.msgId, '--instance', m.instanceId, '--json']);

      // Assert
      expect(run.code).toBe(exit);
      const report = TraceReportSchema.parse(JSON.parse(run.stdout));
      expect(report).toMatchObject({ verdict, instanceId: m.instanceId, topic: m.topic, msgId: m.msgId.toUpperCase() });
      expect(run.stderr).toBe('');
    });
  });

  describe('Given trace in text', () => {
    it('prints the verdict, each group with meaning and advice, the message-ID facts and the caveats, without colour on a pipe', async () => {
      const m = message('PARTIALLY_CONSUMED');
      const run = await remote(['trace', m.topic, m.msgId]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^◐ PARTIALLY_CONSUMED {2}2 of 3 group\(s\) consumed it; not yet: GID_shipping\./);
      expect(run.stdout).toContain('Groups (3)');
      expect(run.stdout).toContain('  GID_shipping  NOT_CONSUME_YET');
      expect(run.stdout).toContain('→ Check the backlog');
      expect(run.stdout).toContain('Message ID\n  4.x client message ID');
      expect(run.stdout).toContain('Caveats\n  OFFSET_BASED');
      expect(run.stdout).not.toContain('\u001b[');
    });

    it('uses an alias and colours with FORCE_COLOR, and not when NO_COLOR is set too', async () => {
      const m = message('CONSUMED');
      const coloured = await remote(['trace', m.topic, m.msgId, '-i', 'demo01'], { FORCE_COLOR: '1' });
      expect(coloured.code).toBe(0);
      expect(coloured.stdout).toContain('\u001b[32m✔ CONSUMED\u001b[39m');
      const plain = await remote(['trace', m.topic, m.msgId, '-i', 'demo01'], { FORCE_COLOR: '1', NO_COLOR: '1' });
      expect(plain.stdout).not.toContain('\u001b[');
    });
  });

  describe('Given why', () => {
    it('prints the findings with their evidence', async () => {
      const m = message('NOT_CONSUMED');
      const run = await remote(['why', m.topic, m.msgId]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Why?');
      for (const code of ['SUBSCRIPTIONS_INCONSISTENT', 'GROUP_OFFLINE', 'BACKLOG']) expect(run.stdout).toContain(code);
      expect(run.stdout).toMatch(/evidence: .*totalDiff=\d+/);
    });
  });

  describe('Given wait', () => {
    it('shows progress on stderr and exits 0 once the message is consumed', async () => {
      // Arrange: the demo message whose last group commits its offset 3 s after the first lookup.
      const m = messages.find((x) => x.flips);
      if (!m) throw new Error('the demo seed lost its message that flips');

      // Act
      const run = await remote(['wait', m.topic, m.msgId, '--timeout', '30', '--json']);

      // Assert
      expect(run.code).toBe(0);
      const report = TraceReportSchema.parse(JSON.parse(run.stdout));
      expect(report.verdict).toBe('CONSUMED');
      expect(report.wait).toMatchObject({ outcome: 'CONSUMED', windowMs: 30_000 });
      expect(report.wait?.polls).toBeGreaterThan(1);
      expect(run.stderr).toMatch(/^waiting until consumed: \d+ s of 30 s · \d+ poll\(s\) · last ✔ CONSUMED$/m);
    });
  });

  describe('Given --help', () => {
    it.each(COMMANDS.map((c) => [c]))('explains %s, its options and the exit codes', async (command) => {
      const run = await runMqtrace([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: mqtrace ${command} `));
      expect(run.stdout).toContain('Exit codes: 0 consumed, 1 not (yet) consumed, 2 cannot tell, 3 error');
      expect(run.stdout).toContain('--json');
    });

    it('lists the commands with no arguments at all', async () => {
      const run = await runMqtrace([]);
      expect(run.code).toBe(0);
      for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command} `);
    });
  });

  describe('Given bad input', () => {
    it.each([
      ['a malformed message ID', ['trace', 'orders', 'xyz'], /^mqtrace: bad input\n {2}<msgId> must be 32 or 56 hex characters/],
      ['a missing argument', ['trace', 'orders'], /^mqtrace: "trace" needs <topic> <msgId>, got 1 argument\(s\)\n {2}Run "mqtrace trace --help" for usage\.$/m],
      ['an unknown command', ['tarce', 'orders', 'x'], /^mqtrace: unknown command "tarce"; the commands are trace, why, wait, find, journey/],
      ['an unknown option', ['trace', 'orders', '0A000C22303918B4AAC244F9ABC301A3', '--explian'], /^mqtrace: unknown option --explian/],
      ['an option of another command', ['trace', 'orders', '0A000C22303918B4AAC244F9ABC301A3', '--key', 'k'], /^mqtrace: "trace" takes no --key/],
      ['a wait out of range', ['wait', 'orders', '0A000C22303918B4AAC244F9ABC301A3', '--timeout', '901'], /^mqtrace: bad input\n {2}--timeout must be at most 900/],
      ['a token on the command line', ['trace', 'orders', '0A000C22303918B4AAC244F9ABC301A3', '--token', 'x'], /--token is not accepted: a token on the command line stays in your shell history/],
      ['an alias the server does not know', ['trace', 'orders', '0A000C22303918B4AAC244F9ABC301A3', '-i', 'nope'], /--instance "nope" is neither an instance ID .* Known aliases: demo01, demo02\./],
    ])('says what to change for %s and exits 3, without a stack trace', async (_, args, message) => {
      const run = await remote(args);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.stdout).toBe('');
    });

    it('prints the error as JSON on stdout with --json', async () => {
      const run = await remote(['trace', 'orders', 'xyz', '--json']);
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout)).toEqual({
        error: { code: 'INVALID_INPUT', message: expect.any(String), issues: [{ path: 'msgId', message: expect.stringMatching(/^must be 32 or 56 hex/) }] },
      });
    });
  });

  describe('Given the token', () => {
    it('exits 3 with the reason when the server refuses it (401)', async () => {
      const m = message('CONSUMED');
      const run = await remote(['trace', m.topic, m.msgId], { MQTRACE_TOKEN: 'mqt_not_configured_here' });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: unknown bearer token\n {2}The server refused the token: check MQTRACE_TOKEN\./);
    });

    it('exits 3 with the API’s fixed message when the lookup is outside its scope (403)', async () => {
      const other = messages.find((x) => x.instanceId === INSTANCE && x.topic !== 'orders');
      if (!other) throw new Error('the demo seed lost its second topic');
      const run = await remote(['trace', other.topic, other.msgId, '--json'], { MQTRACE_TOKEN: ORDERS_ONLY_TOKEN });
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'FORBIDDEN', message: 'this caller may not look up this message', hint: 'The lookup is outside your token’s scope.' });
    });

    it('asks for MQTRACE_TOKEN when there is none and no terminal to prompt on', async () => {
      const m = message('CONSUMED');
      const run = await runMqtrace(['trace', m.topic, m.msgId, '--url', stack.url]);
      expect(run.code).toBe(3);
      expect(run.stderr).toBe('mqtrace: no token: set MQTRACE_TOKEN, or run mqtrace in a terminal to be asked for it (it is never taken from a flag)\n');
    });

    it('takes the server from MQTRACE_URL too', async () => {
      const m = message('CONSUMED');
      const run = await runMqtrace(['trace', m.topic, m.msgId], { MQTRACE_URL: stack.url, MQTRACE_TOKEN: DEMO_API_TOKEN });
      expect(run.code).toBe(0);
    });
  });

  describe('Given find by key', () => {
    it('prints the answer of /v1/messages with --json and exits 1: one of the 3 messages is only partially consumed', async () => {
      const run = await remote(['find', 'orders', '--key', DEMO_KEY, '--json']);
      expect(run.code).toBe(1);
      const report = FindReportSchema.parse(JSON.parse(run.stdout));
      expect(report).toMatchObject({ instanceId: INSTANCE, topic: 'orders', query: { kind: 'key', key: DEMO_KEY }, summary: { found: 3, examined: 3, failed: 0 } });
      expect(report.messages.map((m) => m.verdict)).toEqual(['PARTIALLY_CONSUMED', 'CONSUMED', 'CONSUMED']);
      expect(run.stderr).toBe('');
    });

    it('lists each message with its verdict and summary in text', async () => {
      const json = FindReportSchema.parse(JSON.parse((await remote(['find', 'orders', '--key', DEMO_KEY, '--json'])).stdout));
      const run = await remote(['find', 'orders', '--key', DEMO_KEY]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`^3 message\\(s\\) found, 3 looked up {2}${INSTANCE} · orders · ons-4x\n {2}key ${DEMO_KEY}\n {2}✔ CONSUMED 2 · ◐ PARTIALLY_CONSUMED 1\n`));
      for (const m of json.messages) expect(run.stdout).toMatch(new RegExp(`^ {2}. ${m.verdict} {2}${m.msgId} .*\n {6}${m.summary.replace(/[.()]/g, '\\$&')}$`, 'm'));
      expect(run.stdout).not.toContain('not available');
    });

    it('exits 2 for a key nothing carries', async () => {
      const run = await remote(['find', 'orders', '--key', 'order-00000000-none']);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('0 message(s) found, 0 looked up');
      expect(run.stdout).toContain('  no message matches');
    });

    it('refuses a key with a space in the API’s words, and exits 3', async () => {
      const run = await remote(['find', 'orders', '--key', 'order 42']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: bad input\n {2}--key holds a space; a message key never does/);
    });
  });

  describe('Given find by time window', () => {
    it('counts the last hour per verdict, lists only the messages not consumed, and exits 1', async () => {
      const run = await remote(['find', 'orders', ...lastHour(), '--json']);
      expect(run.code).toBe(1);
      const report = FindReportSchema.parse(JSON.parse(run.stdout));
      expect(report.query.kind).toBe('window');
      expect(report.summary.examined).toBeGreaterThan(report.messages.length);
      expect(report.messages.length).toBeGreaterThan(0);
      expect(report.messages.map((m) => m.verdict)).not.toContain('CONSUMED');
      expect(report.sampling).toMatchObject({ pagesRead: expect.any(Number) });
    });

    it('says in text what it read and that only the unconsumed are listed', async () => {
      const run = await remote(['find', 'orders', ...lastHour()]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^\d+ message\(s\) found, \d+ looked up {2}/);
      expect(run.stdout).toMatch(/^ {2}stored \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC[+-]\d{2}:\d{2} … /m);
      expect(run.stdout).toMatch(/^ {2}read \d+ of \d+ planned page\(s\) of the window$/m);
      expect(run.stdout).toContain('  only the messages that were not consumed are listed');
    });

    it('refuses a reversed window with the field to change, and exits 3', async () => {
      const now = Date.now();
      const run = await remote(['find', 'orders', '--from', new Date(now - 60_000).toISOString(), '--to', new Date(now - 120_000).toISOString()]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: bad input\n {2}--to must be after from: the window is reversed or empty\n/);
    });
  });

  describe('Given journey', () => {
    it('prints the dead-lettered message’s journey with --json, exits 0 as its verdict is CONSUMED, and draws the same in text', async () => {
      // Act: the first look waits for the emulator's trace task
      const json = await remote(['journey', 'orders', DEAD_LETTERED, '--json']);
      const text = await remote(['journey', 'orders', DEAD_LETTERED]);

      // Assert: JSON
      expect(json.code).toBe(0);
      const report = JourneyReportSchema.parse(JSON.parse(json.stdout));
      expect(report).toMatchObject({ status: 'complete', verdict: 'CONSUMED', msgId: DEAD_LETTERED, send: { status: 'SEND_SUCCESS' } });
      const billing = report.groups.find((g) => g.consumerGroup === 'GID_billing');
      expect(billing?.attempts.map((a) => a.outcome)).toEqual(Array(17).fill('FAILED'));
      expect(billing?.deadLettered?.topic).toBe('%DLQ%GID_billing');
      expect(report.findings.map((f) => f.code)).toContain('CONSUMED_BUT_LAST_ATTEMPT_FAILED');

      // Assert: text, each attempt with its time since the send and its duration
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^Journey {2}✔ CONSUMED {2}All 3 subscribing group\(s\) consumed the message\.$/m);
      expect(text.stdout).toContain(`  GID_billing (CONSUMED · 17 attempt(s) · first delivery +${formatDuration(billing?.firstDeliveryMs ?? -1)} · dead-lettered to %DLQ%GID_billing)`);
      for (const a of billing?.attempts ?? []) {
        expect(text.stdout).toContain(`    ✘ +${formatDuration(a.sinceSendMs ?? -1)}  #${a.reconsumeTimes}  took ${formatDuration(a.durationMs ?? -1)}  CONSUME_FAILED  ${a.clientHost}`);
      }
      expect(text.stdout).toContain(`    ◆ +${formatDuration(billing?.deadLettered?.sinceSendMs ?? -1)}  dead-lettered  %DLQ%GID_billing`);
      expect(text.stdout).toMatch(/^ {2}\[CRITICAL\] GID_billing shows CONSUMED, but its last attempt failed \(CONSUMED_BUT_LAST_ATTEMPT_FAILED, GID_billing\)$/m);
      expect(text.stdout).toMatch(/^request \S+ · trace task of .+$/m);
    });

    it('exits 3 naming the message ID when it is malformed', async () => {
      const run = await remote(['journey', 'orders', 'nope', '--json']);
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'INVALID_INPUT', issues: [{ path: 'msgId' }] });
    });

    it('exits 3 with the API’s fixed message outside the token’s scope (403)', async () => {
      const other = messages.find((x) => x.instanceId === INSTANCE && x.topic !== 'orders');
      if (!other) throw new Error('the demo seed lost its second topic');
      const run = await remote(['journey', other.topic, other.msgId, '--json'], { MQTRACE_TOKEN: ORDERS_ONLY_TOKEN });
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'FORBIDDEN', hint: 'The lookup is outside your token’s scope.' });
    });
  });

  describe('Given a server that is not there', () => {
    it('exits 3 and points at --url', async () => {
      const run = await runMqtrace(['trace', 'orders', '0A000C22303918B4AAC244F9ABC301A3', '--url', 'http://127.0.0.1:9'], { MQTRACE_TOKEN: DEMO_API_TOKEN });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^mqtrace: no answer from the server\n {2}Check --url \(or MQTRACE_URL\) and your connection\./);
    });
  });
});
