import { DEMO_API_TOKEN } from './demo-access';
import type { LocalStack } from './local-stack';

/**
 * The lines `npm start` prints for the web page and the terminal command: the page's address, then
 * `npx mqtrace` against this stack (remote) and, with the emulator, against it directly with the
 * demo seed's AccessKey (direct): trace, why, wait, find and journey. IDs come from the served seed
 * (`alignClientIds` re-mints them).
 */
export function faceExamples(stack: LocalStack, options: { demoToken: boolean }): string[] {
  const token = options.demoToken ? DEMO_API_TOKEN : '<your token>';
  const lines = ['', `Web page: open ${stack.url}/ and enter the token${options.demoToken ? ` ${DEMO_API_TOKEN}` : ' your MQTRACE_CONFIG lists'}.`, '', 'Terminal (npx mqtrace --help; exit codes 0 consumed, 1 not yet, 2 cannot tell, 3 error):'];
  const seed = stack.emulator?.seed;
  const own = seed?.instances.filter((i) => i.accountId === seed.accounts[0]?.accountId) ?? [];
  const first = own[0];
  const messages = own.flatMap((i) => i.topics.flatMap((t) => t.messages.map((m) => ({ instanceId: i.instanceId, topic: t.topic, message: m }))));
  const remote = (command: string) => `  MQTRACE_TOKEN=${token} npx mqtrace ${command} --url ${stack.url}`;
  if (!seed || !first) {
    lines.push(remote('trace <topic> <msgId>'));
    return lines;
  }
  const onFirst = messages.filter((m) => m.instanceId === first.instanceId);
  const partial = onFirst.find((m) => m.message.tracks.some((t) => t.trackType === 'CONSUMED') && m.message.tracks.some((t) => t.trackType === 'NOT_CONSUME_YET') && !m.message.tracks.some((t) => t.timeline));
  const unconsumed = onFirst.find((m) => m.message.tracks.length > 0 && m.message.tracks.every((t) => t.trackType !== 'CONSUMED' && !t.timeline));
  const flipping = onFirst.find((m) => m.message.tracks.some((t) => t.timeline?.some((s) => s.trackType === 'CONSUMED')));
  const consumed = onFirst.find((m) => m.message.tracks.length > 0 && m.message.tracks.every((t) => t.trackType === 'CONSUMED' && !t.timeline));
  lines.push(`  # remote: through this stack's HTTP function (the token's default instance is ${first.instanceId})`);
  if (partial) lines.push(remote(`trace ${partial.topic} ${partial.message.msgId}`));
  if (unconsumed) lines.push(remote(`why ${unconsumed.topic} ${unconsumed.message.msgId}`));
  if (flipping) lines.push(remote(`wait ${flipping.topic} ${flipping.message.msgId} --timeout 30`));
  // The key most messages carry, and a message whose trace ends in failed deliveries (the DLQ).
  const keyed = onFirst.flatMap((m) => (m.message.keys ?? []).map((k) => ({ topic: m.topic, key: k })));
  const byKey = keyed.map((k) => ({ ...k, n: keyed.filter((o) => o.topic === k.topic && o.key === k.key).length })).sort((a, b) => b.n - a.n)[0];
  if (byKey && byKey.n > 1) lines.push(remote(`find ${byKey.topic} --key ${byKey.key}`));
  const retried = onFirst.find((m) => m.message.trace?.consumers?.some((c) => c.attempts.length > 1 && c.attempts.every((a) => a.status !== 'CONSUME_SUCCESS')));
  if (retried) lines.push(remote(`journey ${retried.topic} ${retried.message.msgId}`));
  const key = seed.accounts[0]?.credentials.find((c) => !c.securityToken && c.allowedActions.includes('*'));
  if (key && consumed && stack.emulator) {
    const emulatorUrl = stack.emulator.url;
    const direct = (command: string, json = false) =>
      `  ALIBABA_CLOUD_ACCESS_KEY_ID=${key.accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${key.accessKeySecret} npx mqtrace ${command} --instance ${first.instanceId} --endpoint ${emulatorUrl}${json ? ' --json' : ''}`;
    lines.push('  # direct: the same use cases inside the CLI, signed with your own AccessKey (here the demo one), against the emulator', direct(`trace ${consumed.topic} ${consumed.message.msgId}`, true));
    if (retried) lines.push(direct(`journey ${retried.topic} ${retried.message.msgId}`));
  }
  return lines;
}
