/**
 * `npm run spot-check -- [--payload FILE] [--seed FILE] [--state FILE]`: fires the built spot-check
 * function's timer once through the local FC runner, against the ONS emulator (unless real
 * credentials are in the environment) and local DingTalk / Slack fakes (unless webhooks are
 * configured), then prints the run summary and what each fake received.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '../../shared/errors';
import { parsePayloadChecks } from '../../shared/spot-check/check-schema';
import { preflightLocalConfig } from './preflight';
import { startSpotCheckStack } from './spot-check-stack';

const DEMO_PAYLOAD = join(import.meta.dirname, 'payloads', 'demo-spot-check.json');

const USAGE = 'usage: npm run spot-check -- [--payload FILE] [--seed FILE] [--state FILE]';

/** Ends the run with one line per problem and no stack: these are the user's inputs, not bugs. */
function fail(lines: readonly string[], code = 2): never {
  for (const line of lines) console.error(`mqtrace: ${line}`);
  process.exit(code);
}

let values: { payload?: string; seed?: string; state?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { payload: { type: 'string' }, seed: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  }));
} catch (error) {
  fail([(error as Error).message, USAGE]);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const payloadPath = values.payload ?? DEMO_PAYLOAD;
let payload: string;
try {
  payload = readFileSync(payloadPath, 'utf8');
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  fail([`cannot read the payload file ${payloadPath} (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'})`]);
}
if (values.seed !== undefined && !existsSync(values.seed)) fail([`cannot read the seed file ${values.seed} (no such file)`]);
try {
  parsePayloadChecks(payload);
} catch (error) {
  if (!(error instanceof InvalidInputError)) throw error;
  fail([`the payload in ${payloadPath} is not a valid timer payload:`, ...error.issues.map((i) => `  ${i.path}: ${i.message}`)]);
}
const preflight = preflightLocalConfig(process.env, { functions: ['spot-check'] });
if (!preflight.ok) fail([...preflight.problems.map((p) => `${p.key}: ${p.message}`), 'not started; fix the settings above (npm run check:deploy lists the same checks).'], 1);

const stack = await startSpotCheckStack({
  ...(values.seed ? { seedPath: values.seed } : {}),
  ...(values.state ? { stateFile: values.state } : {}),
});
let exitCode = 0;
try {
  const started = Date.now();
  const { outcome, summary } = await stack.invoke(payload);
  const wallMs = Date.now() - started;
  const lines: string[] = ['', `spot check: ${stack.spec.functionName} (timeout ${stack.spec.timeout}s), payload ${values.payload ?? DEMO_PAYLOAD}`];
  if (!outcome.ok || !summary) {
    exitCode = 1;
    lines.push(`FAILED: ${outcome.ok ? 'no summary returned' : `${outcome.errorType}: ${outcome.errorMessage}`}`);
  } else {
    for (const check of summary.checks) {
      const counts = Object.entries(check.verdicts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      lines.push(`  ${check.status.padEnd(10)} ${check.name}: ${check.coverage.judged}/${check.coverage.planned} judged (${counts || 'nothing in the window'})${check.error ? `, error ${check.error}` : ''}`);
      for (const failing of check.failing) lines.push(`             ${failing.msgId}: ${failing.reasons}`);
    }
    const calls = Object.entries(summary.apiCalls).map(([a, n]) => `${a} ${n}`).join(', ');
    lines.push(`  run ${summary.durationMs} ms (invocation ${wallMs} ms), API calls: ${calls || 'none'}, throttles: ${summary.throttles.upstream} upstream / ${summary.throttles.local} local, complete: ${summary.complete}`);
    lines.push(`  alerts: ${summary.alerts.map((a) => `${a.destination} ${a.delivered ? 'delivered' : `NOT delivered (${a.outcome})`}`).join(', ') || 'none sent'}`);
    lines.push('', 'summary:', JSON.stringify(summary, null, 2));
  }
  for (const post of stack.dingtalk?.posts ?? []) lines.push('', '--- DingTalk robot fake received (markdown) ---', post.body.markdown?.text ?? JSON.stringify(post.body));
  for (const post of stack.slack?.posts ?? []) lines.push('', '--- Slack webhook fake received (Block Kit) ---', JSON.stringify(post.body, null, 2));
  for (const post of stack.feishu?.posts ?? []) lines.push('', '--- Feishu custom bot fake received (card) ---', JSON.stringify(post.body.card, null, 2));
  for (const post of stack.wecom?.posts ?? []) lines.push('', '--- WeCom group robot fake received (markdown) ---', post.body.markdown?.content ?? JSON.stringify(post.body));
  lines.push('', `state file: ${stack.stateFile}`);
  console.log(lines.join('\n'));
} finally {
  await stack.close();
}
process.exit(exitCode);
