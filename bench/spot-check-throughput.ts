import { startSpotCheckStack } from '../local/runner/spot-check-stack';
import { buildBulkSeed, BULK_INSTANCE, writeSeedFile } from '../test/builders/build-bulk-seed';

export interface ThroughputResult {
  messages: number;
  durationMs: number;
  lookupsPerSecond: number;
  traceCalls: number;
  throttlesSurfaced: number;
  complete: boolean;
}

const TOPICS = ['orders', 'billing', 'shipping', 'refunds'];

/**
 * One 200-message spot check (4 checks × 50 samples) through the BUILT spot-check function and the
 * local FC runner, against the emulator enforcing OnsMessageTrace's documented 10/s.
 */
export async function measureSpotCheckThroughput(): Promise<ThroughputResult> {
  const seedPath = writeSeedFile(buildBulkSeed(TOPICS.map((topic) => ({ topic, count: 200, stuckEvery: 25 }))));
  const stack = await startSpotCheckStack({ env: { PATH: process.env.PATH }, seedPath });
  try {
    const payload = JSON.stringify({
      checks: TOPICS.map((topic) => ({ name: topic, instanceId: BULK_INSTANCE, topic, sample: 50, expectGroups: ['GID_billing', 'GID_shipping'] })),
    });
    const { summary, outcome } = await stack.invoke(payload);
    if (!summary) throw new Error(`spot check failed: ${JSON.stringify(outcome).slice(0, 300)}`);
    const traceCalls = summary.apiCalls.OnsMessageTrace ?? 0;
    return {
      messages: traceCalls,
      durationMs: summary.durationMs,
      lookupsPerSecond: traceCalls / (summary.durationMs / 1000),
      traceCalls,
      throttlesSurfaced: summary.throttles.upstream + summary.throttles.local,
      complete: summary.complete,
    };
  } finally {
    await stack.close();
  }
}
