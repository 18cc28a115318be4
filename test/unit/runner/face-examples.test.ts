import { describe, expect, it } from 'vitest';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import { DEMO_API_TOKEN } from '../../../local/runner/demo-access';
import { faceExamples } from '../../../local/runner/face-examples';
import type { LocalStack } from '../../../local/runner/local-stack';

describe('Function: faceExamples', () => {
  it('prints the page’s address with the demo token, then remote trace, why, wait, find and journey, and a direct trace and journey', async () => {
    // Arrange
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    const stack = { url: 'http://127.0.0.1:9000', emulator: { seed, url: 'http://127.0.0.1:9100' } } as unknown as LocalStack;

    // Act
    const lines = faceExamples(stack, { demoToken: true });

    // Assert
    expect(lines).toContain(`Web page: open http://127.0.0.1:9000/ and enter the token ${DEMO_API_TOKEN}.`);
    const commands = lines.filter((l) => l.startsWith('  ') && !l.startsWith('  #'));
    expect(commands.map((c) => c.match(/npx mqtrace (\w+)/)?.[1])).toEqual(['trace', 'why', 'wait', 'find', 'journey', 'trace', 'journey']);
    expect(commands[0]).toBe(`  MQTRACE_TOKEN=${DEMO_API_TOKEN} npx mqtrace trace orders 0A000C22303918B4AAC244F9D9B101A4 --url http://127.0.0.1:9000`);
    expect(commands[2]).toContain('wait orders AC1005150B3C18B4AAC24578958B2F10 --timeout 30');
    expect(commands[3]).toBe(`  MQTRACE_TOKEN=${DEMO_API_TOKEN} npx mqtrace find orders --key order-20261201-0042 --url http://127.0.0.1:9000`);
    expect(commands[4]).toBe(`  MQTRACE_TOKEN=${DEMO_API_TOKEN} npx mqtrace journey orders 0A000C2435F118B4AAC2452C4E120104 --url http://127.0.0.1:9000`);
    expect(commands[6]).toMatch(/^ {2}ALIBABA_CLOUD_ACCESS_KEY_ID=mqtrace-demo-key-id ALIBABA_CLOUD_ACCESS_KEY_SECRET=\S+ npx mqtrace journey orders 0A000C2435F118B4AAC2452C4E120104 --instance MQ_INST_1234567890123456_BXdemo01 --endpoint http:\/\/127\.0\.0\.1:9100$/);
    expect(commands[5]).toMatch(/^ {2}ALIBABA_CLOUD_ACCESS_KEY_ID=mqtrace-demo-key-id ALIBABA_CLOUD_ACCESS_KEY_SECRET=\S+ npx mqtrace trace orders 0A000C22303918B4AAC244F9ABC301A3 --instance MQ_INST_1234567890123456_BXdemo01 --endpoint http:\/\/127\.0\.0\.1:9100 --json$/);
  });

  it('prints a remote template without the demo token when the stack runs on real credentials', () => {
    const lines = faceExamples({ url: 'http://127.0.0.1:9000', emulator: undefined } as unknown as LocalStack, { demoToken: false });
    expect(lines.join('\n')).not.toContain(DEMO_API_TOKEN);
    expect(lines.at(-1)).toBe('  MQTRACE_TOKEN=<your token> npx mqtrace trace <topic> <msgId> --url http://127.0.0.1:9000');
  });
});
