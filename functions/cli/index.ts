/**
 * `npx mqtrace …`: the terminal command's composition root (built into dist/cli/index.js, run by
 * functions/cli/mqtrace.cjs, the package's bin; not deployed). Reads the environment, builds the
 * remote client or, in direct mode, the lookup, find and journey use cases over a broker directory
 * as the HTTP function builds them.
 */
import { homedir, userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createBrokerDirectory } from '../../shared/brokers/registry';
import { createDirectAccess, createDirectClient } from '../../shared/cli/direct-client';
import { createRemoteClient } from '../../shared/cli/lookup-client';
import { profileRegion, resolveCloudCredentials } from '../../shared/cli/cloud-credentials';
import { runCli } from '../../shared/cli/run-cli';
import { DEFAULT_REGION } from '../../shared/config/config-schema';
import { onsEndpointFor } from '../../shared/ons/endpoint';
import { createOnsBrokers } from '../../shared/ons/ons-broker';
import { createOnsGateway } from '../../shared/ons/ons-gateway';
import { createPopCoreClient } from '../../shared/ons/rpc-client';
import { createLimiterRegistry } from '../../shared/rate-limits';
import { createLookupService } from '../../shared/trace/lookup-service';
import { createRateLimiter } from '../../shared/upstream/rate-limiter';

declare const MQTRACE_VERSION: string;

const env = process.env;
const CALL_TIMEOUT_MS = 5000;
const LOOKUP_DEADLINE_MS = 20_000;
// The documented per-account limit of OnsMessageTrace; a terminal has no other caller to share it with.
const TRACE_RATE_LIMIT = 10;

/** Reads one line from the terminal without echoing it. */
function promptSecret(question: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  process.stderr.write(question);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

void runCli({
  argv: process.argv.slice(2),
  env,
  stdout: process.stdout,
  stderr: process.stderr,
  version: typeof MQTRACE_VERSION === 'string' ? MQTRACE_VERSION : 'dev',
  now: Date.now,
  timers: { setInterval, clearInterval },
  ...(process.stdin.isTTY && process.stderr.isTTY ? { promptSecret } : {}),
  createRemote: ({ url, token }) => createRemoteClient({ url, token, fetch: (input, init) => fetch(input, init), requestTimeoutMs: 60_000 }),
  createDirect: (connection) => {
    const credentialOptions = { env, homeDir: homedir(), ...(connection.profile ? { profile: connection.profile } : {}) };
    const region = connection.region ?? env.ALIBABA_CLOUD_REGION_ID ?? profileRegion(credentialOptions) ?? DEFAULT_REGION;
    const limiters = createLimiterRegistry((limit) => createRateLimiter(limit));
    const retry = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    const brokers = createBrokerDirectory([
      {
        kind: 'ons-4x',
        load: () =>
          createOnsBrokers(
            createOnsGateway({
              endpoint: connection.endpoint ?? env.ONS_ENDPOINT ?? onsEndpointFor(region),
              clientFactory: createPopCoreClient,
              callTimeoutMs: CALL_TIMEOUT_MS,
              retry,
              limiters,
              rateLimits: { OnsMessageTrace: { count: TRACE_RATE_LIMIT, windowMs: 1000 } },
            }),
          ),
      },
      {
        kind: 'rocketmq-5x',
        load: async () => {
          const { createRocketMq5Brokers, rocketmq5EndpointFor } = await import('../../shared/rocketmq5/rocketmq5-broker');
          return createRocketMq5Brokers({ endpoint: connection.endpoint ?? env.ROCKETMQ_ENDPOINT ?? rocketmq5EndpointFor(region), callTimeoutMs: CALL_TIMEOUT_MS, retry, limiters });
        },
      },
    ]);
    const producerOffset = Number(env.MQTRACE_PRODUCER_UTC_OFFSET_MINUTES ?? '480');
    const producerUtcOffsetMinutes = Number.isInteger(producerOffset) ? producerOffset : 480;
    const lookups = createLookupService({ brokers, access: createDirectAccess(), now: Date.now, producerUtcOffsetMinutes });
    return createDirectClient({
      lookups,
      // The same use cases the HTTP routes and chat build (shared/http/find-api.ts), loaded as the
      // HTTP handler loads them: on the first find or journey, never for a trace.
      explore: async () => {
        const [{ createFindService }, { createJourneyService }] = await Promise.all([import('../../shared/trace/find-service'), import('../../shared/trace/journey-service')]);
        return {
          finder: createFindService({ lookups, now: Date.now }),
          journeys: createJourneyService({ lookups, now: Date.now, producerUtcOffsetMinutes }),
        };
      },
      credentials: async () => (await resolveCloudCredentials(credentialOptions)).credentials,
      lookupDeadlineMs: LOOKUP_DEADLINE_MS,
      now: Date.now,
      user: currentUser(),
    });
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.stderr.write('mqtrace: internal error\n');
    process.exitCode = 3;
  },
);
