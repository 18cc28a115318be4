/**
 * `npm start`: the local stack. Serves the built HTTP function on PORT (default 9000) through a
 * local FC runner, against the embedded ONS emulator unless real credentials are in the environment.
 */
import { chatExamples } from '../fakes/chat-examples';
import { DEMO_CURL_AUTH } from './demo-access';
import { explainExamples, rocketMq5Examples } from './explain-examples';
import { findJourneyExamples } from './find-examples';
import { faceExamples } from './face-examples';
import { startLocalStack } from './local-stack';
import { preflightLocalConfig } from './preflight';

/** `--instances N`: how many FC instances may serve at once (FC scales out; each serves one request at a time). */
function instancesArg(argv: string[]): number | undefined {
  const at = argv.findIndex((a) => a === '--instances' || a.startsWith('--instances='));
  if (at === -1) return undefined;
  const raw = argv[at]?.includes('=') ? argv[at]?.split('=')[1] : argv[at + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    console.error(`mqtrace: --instances takes a whole number from 1 to 64, got "${raw ?? ''}"`);
    process.exit(2);
  }
  return n;
}

const instances = instancesArg(process.argv.slice(2));
const port = Number(process.env.PORT ?? '9000');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}

/** Ends with one line when the HTTP trigger's port cannot be bound; any other failure is rethrown. */
function exitOnPortProblem(error: unknown): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'needs privileges this user does not have' : undefined;
  if (!problem) throw error;
  console.error(`mqtrace: port ${port} ${problem}; set PORT=… to use another (PORT=0 picks a free one)`);
  process.exit(1);
}

// A bad setting is named now, not found out as a 502 on every request after "ready".
const preflight = preflightLocalConfig(process.env);
if (!preflight.ok) {
  for (const problem of preflight.problems) console.error(`mqtrace: ${problem.key}: ${problem.message}`);
  console.error('mqtrace: not started; fix the settings above (npm run check:deploy lists the same checks).');
  process.exit(1);
}

const stack = await startLocalStack({ port, ...(instances ? { maxInstances: instances } : {}) }).catch(exitOnPortProblem);
const lines: string[] = [];
lines.push(`mqtrace local stack: function ${stack.spec.functionName} (${stack.spec.handler}, timeout ${stack.spec.timeout}s) on ${stack.url}`);
const redisUrl = stack.spec.environmentVariables.MQTRACE_REDIS_URL;
lines.push(
  `up to ${stack.maxInstances} instance(s) at once (npm start -- --instances N); ` +
    (redisUrl ? `they share limits, idempotency and the verdict cache through ${redisUrl}` : 'each keeps its own limits and memory (set MQTRACE_REDIS_URL to share them)'),
);
if (stack.emulator) {
  lines.push(`ONS emulator with demo data on ${stack.emulator.url} (no ALIBABA_CLOUD_ACCESS_KEY_ID set)`, '', 'Try:');
  for (const instance of stack.emulator.seed.instances) {
    for (const topic of instance.topics) {
      for (const message of topic.messages) {
        const query = new URLSearchParams({ instanceId: instance.instanceId, topic: topic.topic, msgId: message.msgId });
        lines.push(`  # ${message.note ?? `${topic.topic} / ${message.msgId}`}`);
        lines.push(`  curl -s ${DEMO_CURL_AUTH} '${stack.url}/v1/trace?${query}'`);
      }
    }
  }
  const first = stack.emulator.seed.instances[0];
  const topic = first?.topics[0];
  const messages = topic?.messages.slice(0, 2) ?? [];
  if (first && topic && messages.length > 0) {
    const lookups = messages.map((m) => ({ instanceId: first.instanceId, topic: topic.topic, msgId: m.msgId }));
    lines.push('  # a batch of lookups in one call');
    lines.push(`  curl -s -X POST ${DEMO_CURL_AUTH} '${stack.url}/v1/trace' -H 'content-type: application/json' -d '${JSON.stringify({ lookups })}'`);
  }
  lines.push(...explainExamples(stack));
  lines.push(...rocketMq5Examples(stack));
  lines.push(...findJourneyExamples(stack));
} else {
  lines.push('Using the credentials and endpoint from your environment.');
}
lines.push(`  curl -s '${stack.url}/healthz'`, `  curl -s ${DEMO_CURL_AUTH} '${stack.url}/openapi.json'`);
lines.push(`  # every API call needs the bearer token (/healthz and the page do not); the demo one is ${process.env.MQTRACE_CONFIG ? 'not configured (your MQTRACE_CONFIG is)' : 'configured'}`);
lines.push(...faceExamples(stack, { demoToken: !process.env.MQTRACE_CONFIG }));
lines.push(...chatExamples(stack), '', 'Ctrl-C stops.');
console.log(lines.join('\n'));

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
