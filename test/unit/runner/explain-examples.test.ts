import { describe, expect, it } from 'vitest';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import { explainExamples } from '../../../local/runner/explain-examples';
import type { LocalStack } from '../../../local/runner/local-stack';

describe('Function: explainExamples', () => {
  it('prints explain=true for the demo message nobody consumed and every "Explain:" message, and one wait', async () => {
    // Arrange
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    const stack = { url: 'http://127.0.0.1:9000', emulator: { seed } } as unknown as LocalStack;

    // Act
    const lines = explainExamples(stack);

    // Assert
    const curls = lines.filter((l) => l.includes('curl'));
    expect(curls[0]).toContain('msgId=0A000C235D0918B4AAC2451A0C820007&explain=true');
    expect(curls.filter((l) => l.includes('explain=true'))).toHaveLength(1 + seed.instances.flatMap((i) => i.topics.flatMap((t) => t.messages)).filter((m) => m.note?.startsWith('Explain:')).length);
    expect(curls.at(-1)).toContain('msgId=AC1005150B3C18B4AAC24578958B2F10&waitSeconds=10');
  });

  it('prints nothing without an emulator (real credentials)', () => {
    expect(explainExamples({ url: 'http://127.0.0.1:9000', emulator: undefined } as unknown as LocalStack)).toEqual([]);
  });
});

describe('Function: rocketMq5Examples', () => {
  it('prints a curl line per 5.x demo message, with the IDs the running emulator minted, plus explain and wait', async () => {
    const { createEmulator } = await import('../../../local/emulator/server');
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    const handle = createEmulator({ seed });
    const { rocketMq5Examples, DEMO_5X_INSTANCE } = await import('../../../local/runner/explain-examples');
    const stack = { url: 'http://127.0.0.1:9000', emulator: { seed, handle } } as unknown as LocalStack;

    const lines = rocketMq5Examples(stack);

    const minted = handle.rocketMq5Messages().filter((m) => m.instanceId === DEMO_5X_INSTANCE && !m.topicName.startsWith('%DLQ%'));
    const curls = lines.filter((l) => l.includes('curl'));
    for (const m of minted) expect(curls.some((c) => c.includes(`msgId=${m.messageId}`))).toBe(true);
    expect(curls.filter((c) => c.includes('explain=true'))).toHaveLength(1);
    expect(curls.filter((c) => c.includes('waitSeconds='))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('rmq-cn-other5x0001');
  });
});
