import { OFFSET_COMMIT_INTERVAL_MS, type FindingCode } from '../trace/findings';
import type { EvidenceValue, Finding } from '../trace/report-schema';

/**
 * Chinese for the sentences the domain writes in English into every report (track-type guides,
 * the 5.x status table) and into input problems. The JSON API keeps the English; chat and alerts
 * show these. Keyed by the exact English text: `catalogue.test.ts` fails when a domain sentence has
 * no entry here.
 */
export const ZH_DOMAIN_TEXTS: ReadonlyMap<string, string> = new Map([
  ["The group's committed offset has moved past this message.", '该消费组已提交的位点已越过这条消息。'],
  [
    "Nothing to do here. If the business effect is missing, read the consumer's logs: CONSUMED does not prove the handler succeeded.",
    '无需处理。如果业务效果缺失，请查看消费者日志：CONSUMED 并不能证明处理成功。',
  ],
  [
    "The message's tag does not match this group's subscription, so it was filtered out and never delivered.",
    '消息的 Tag 与该消费组的订阅不匹配，已被过滤，不会投递。',
  ],
  [
    "Expected if this group should not get this tag. Otherwise fix the tag expression the group's consumers subscribe with.",
    '如果该组本就不该收到这个 Tag，这是正常的；否则请修正该组消费者的 Tag 订阅表达式。',
  ],
  ['The group is online but its committed offset has not reached this message yet.', '该消费组在线，但已提交的位点还没有到达这条消息。'],
  [
    'Check the backlog and the consumers (explain). If it was consumed seconds ago, look again after about 5 s: offsets are committed periodically.',
    '请检查堆积和消费者（为什么）。如果几秒前刚消费，约 5 秒后再查：位点是定期提交的。',
  ],
  ['No consumer client of this group is connected, so nothing can consume the message.', '该消费组没有在线的消费者客户端，没有人能消费这条消息。'],
  [
    "Start the group's consumers or find why they stopped: check their logs, AccessKey, instance endpoint and GroupId.",
    '请启动该组的消费者，或查明它们停止的原因：检查日志、AccessKey、实例接入点和 GroupId。',
  ],
  ['The service could not determine the status for this group.', '服务无法确定该消费组的状态。'],
  ['Look again in a minute. If it persists, open a ticket with the upstream request id below.', '请一分钟后再查。如果一直如此，请附上下面的上游请求 ID 提交工单。'],
  ['The group uses a pull consumer, whose progress the server cannot judge.', '该消费组使用 Pull 消费者，服务端无法判断其进度。'],
  ["Check the pull consumer's own offset store or logs.", '请检查 Pull 消费者自己的位点存储或日志。'],
  ['The group consumes in broadcasting mode, which keeps no server-side offset to judge.', '该消费组使用广播模式消费，服务端没有可判断的位点。'],
  ["Check each broadcasting client's logs; the server cannot tell.", '请检查每个广播消费客户端的日志；服务端无法判断。'],
  ['The API returned a track type that is not documented; it is shown exactly as returned.', '接口返回了文档未列出的轨迹类型，已按原样显示。'],
  [
    'Treat it as unknown. Check the group in the console, and tell the mqtrace maintainers about the new value.',
    '请当作未知处理。在控制台查看该消费组，并把这个新值告诉 mqtrace 的维护者。',
  ],
  [
    "A client of this group reported that its handler consumed the message successfully (the group's trace record).",
    '该组的一个客户端上报：已成功处理这条消息（该组的轨迹记录）。',
  ],
  [
    "Nothing to do here. If the business effect is missing, read that consumer's logs: the trace shows the handler returned success.",
    '无需处理。如果业务效果缺失，请查看该消费者的日志：轨迹显示处理返回了成功。',
  ],
  [
    "This group's last delivery failed: the handler returned failure or threw, so the broker will deliver the message again after the retry interval.",
    '该组最近一次投递失败：处理返回失败或抛出异常，Broker 会在重试间隔后再次投递。',
  ],
  [
    "Read the consumer's logs for the exception. After the group's maximum retries the message goes to its dead-letter queue; explain shows backlog, clients and dead-letter state.",
    '请在消费者日志中查找异常。超过最大重试次数后消息会进入死信队列；“为什么”会显示堆积、客户端和死信状态。',
  ],
  ['A delivery to this group failed and the message is waiting for its next retry.', '向该组的一次投递失败，消息正在等待下一次重试。'],
  [
    "Read the consumer's logs for why the earlier attempt failed, then look again after the retry interval.",
    '请在消费者日志中查看上次失败的原因，重试间隔过后再查。',
  ],
  ['The message was delivered to a client of this group, which has not reported a result yet.', '消息已投递给该组的一个客户端，它还没有上报结果。'],
  [
    'Look again in a few seconds. If it stays like this, the handler may be slow or stuck: check that consumer.',
    '请几秒后再查。如果一直如此，处理可能很慢或卡住了：请检查该消费者。',
  ],
  [
    "The client did not report a result within the message's invisible time, so the broker will deliver it again.",
    '客户端没有在消息的不可见时间内上报结果，Broker 会再次投递。',
  ],
  [
    'The handler is slower than the invisible time or the client died mid-delivery: check the consumer, or lengthen the invisible time.',
    '处理比不可见时间更慢，或客户端在投递中途退出：请检查消费者，或延长不可见时间。',
  ],
  [
    "Every delivery to this group failed, so the broker moved the message to the group's dead-letter queue: it will not be delivered again by itself.",
    '向该组的每次投递都失败了，Broker 已把消息移入该组的死信队列：它不会再自动投递。',
  ],
  [
    "Fix the handler's failure first (the consumer's logs, explain's retries), then resend the message from the dead-letter queue in the console.",
    '请先修复处理失败的原因（消费者日志、“为什么”中的重试），再在控制台从死信队列重新发送消息。',
  ],
  [
    "The message's tag does not match this group's subscription filter, so the broker does not deliver it to this group.",
    '消息的 Tag 与该组的订阅过滤条件不匹配，Broker 不会投递给该组。',
  ],
  [
    "Expected if this group should not get this tag. Otherwise fix the filter expression the group's consumers subscribe with.",
    '如果该组本就不该收到这个 Tag，这是正常的；否则请修正该组消费者的过滤表达式。',
  ],
  ['No trace record yet: 5.x writes traces asynchronously; cannot tell yet.', '还没有轨迹记录：5.x 异步写入轨迹，暂时无法判断。'],
  [
    "Look again in a minute. If no record ever appears, check that the group's clients report traces, and run explain for its backlog and clients.",
    '请一分钟后再查。如果一直没有记录，请确认该组的客户端会上报轨迹，并用“为什么”查看堆积和客户端。',
  ],
  [
    'No trace record yet (5.x writes traces asynchronously; cannot tell yet), and the subscription is OFFLINE: no client of this group is connected now.',
    '还没有轨迹记录（5.x 异步写入轨迹，暂时无法判断），且订阅状态为 OFFLINE：该组目前没有在线客户端。',
  ],
  [
    "Start the group's consumers, or find out why they stopped (logs, credentials, endpoint, group ID); then look again.",
    '请启动该组的消费者，或查明它们停止的原因（日志、凭证、接入点、Group ID），然后再查。',
  ],
  ['The trace reports a consume status mqtrace does not know; it is shown exactly as returned.', '轨迹返回了 mqtrace 不认识的消费状态，已按原样显示。'],
  [
    'Treat it as unknown. Check the message trace in the console, and tell the mqtrace maintainers about the new value.',
    '请当作未知处理。在控制台查看消息轨迹，并把这个新值告诉 mqtrace 的维护者。',
  ],
  // What a journey's send status means (4.x trace-status-table.ts, 5.x status-table.ts).
  ['Sent: the broker stored the message.', '已发送：Broker 已存储这条消息。'],
  ['The send failed: the broker did not store the message, so no group can get it.', '发送失败：Broker 没有存储这条消息，没有消费组能收到它。'],
  ['A transactional message that was rolled back: it is never delivered.', '已回滚的事务消息：永远不会投递。'],
  ['A transactional message not committed yet: no group gets it until the producer commits it.', '尚未提交的事务消息：生产者提交之前，没有消费组会收到它。'],
  ['A scheduled or delayed message, waiting for its delivery time.', '定时或延时消息，正在等待投递时间。'],
  ['A status mqtrace does not know; it is shown exactly as returned.', 'mqtrace 不认识的状态，已按原样显示。'],
  // A find's hints on narrowing it (find-service.ts).
  ['Search a time window instead (from/to, e.g. the hour it was sent), or raise limit (at most 50).', '请改为搜索时间窗口（from/to，例如发送的那个小时），或调大 limit（最多 50）。'],
  ['Narrow the window (from/to), filter by tag, or raise limit (at most 50).', '请缩小时间窗口（from/to）、按 Tag 过滤，或调大 limit（最多 50）。'],
]);

/** Input problems the domain words with values in them: a pattern and its Chinese. */
/** A pattern's Chinese: a replacement string, or a function of the match's groups (to translate a part again). */
type ZhReplacement = string | ((match: string, ...groups: string[]) => string);

export const ZH_DOMAIN_PATTERNS: ReadonlyArray<readonly [RegExp, ZhReplacement]> = [
  [/^"(.+)" is neither an instance ID \((.+)\) nor a configured alias\. Known aliases: (.+)\.$/s, '“$1”既不是实例 ID（$2），也不是已配置的别名。已知别名：$3。'],
  [/^"(.+)" is neither an instance ID \((.+)\) nor a configured alias\. No aliases are configured for this caller\.$/s, '“$1”既不是实例 ID（$2），也不是已配置的别名。这里没有配置别名。'],
  [/^is required$/, '是必填项'],
  [/^is too long for a message ID$/, '作为消息 ID 太长'],
  [/^must be at most (\d+) characters$/, '最多 $1 个字符'],
  [/^may contain only letters, digits, "-", "_", "%" and "\|"$/, '只能包含字母、数字、"-"、"_"、"%" 和 "|"'],
  [/^must be 32 or 56 hex characters \(4\.x\) or "01" followed by 32 hex characters \(5\.x\)$/, '必须是 32 或 56 位十六进制字符（4.x），或 "01" 加 32 位十六进制字符（5.x）'],
  [
    /^holds a comma-separated list \(a batch send returns one\); look up one ID at a time, or use POST \/v1\/trace with "lookups"$/,
    '是逗号分隔的列表（批量发送会返回这种格式）；请一次查询一个 ID，或使用 POST /v1/trace 的 "lookups"',
  ],
  // Verdict summaries (shared/trace/verdict.ts), as a find's messages and a journey carry them.
  [/^No consumer group subscribes to this topic, so nothing will consume the message\.$/, '没有消费组订阅这个 Topic，因此不会有人消费这条消息。'],
  [/^All (\d+) subscribing group\(s\) filter this message out by tag, so none was meant to consume it\.$/, '订阅的 $1 个消费组都按 Tag 过滤掉了这条消息，本来就没有组应当消费它。'],
  [/^All (\d+) subscribing group\(s\) consumed the message\.$/, '订阅的 $1 个消费组都已消费这条消息。'],
  [/^(\d+) of (\d+) group\(s\) consumed it; not yet: (.+)\.$/s, '$2 个消费组中 $1 个已消费；尚未消费：$3。'],
  [/^No group has consumed it yet; waiting on: (.+)\.$/s, '还没有消费组消费它；等待中：$1。'],
  [/^The status of (\d+) group\(s\) cannot be determined; (\d+) consumed it\.$/, '$1 个消费组的状态无法确定；$2 个已消费。'],
  [/^The status of (\d+) group\(s\) cannot be determined\.$/, '$1 个消费组的状态无法确定。'],
  [/^Could not be checked: (.+)\.$/s, '无法检查：$1。'],
  // A find cut short (shared/trace/find-service.ts), and how to narrow it.
  [/^The time ran out after (\d+) message\(s\)\. (.+)$/s, (_m, n, hint) => `检查了 ${n} 条消息后时间用完了。${zhDomainText(hint)}`],
  [/^The account's rate budget ran out after (\d+) message\(s\): ask again in a minute\. (.+)$/s, (_m, n, hint) => `检查了 ${n} 条消息后账号的调用额度用完了：请一分钟后再查。${zhDomainText(hint)}`],
  [/^Stopped at (\d+) message\(s\)\. (.+)$/s, (_m, n, hint) => `已在 ${n} 条消息处停止。${zhDomainText(hint)}`],
  // A journey that is partial (shared/ons/trace-journey.ts, shared/trace/journey-service.ts).
  [
    /^The trace query task was still working when the time ran out \(after (\d+) poll\(s\)\); ask again in a few seconds: the same task is polled, no new one is created\.$/,
    '时间用完时轨迹查询任务仍在运行（已轮询 $1 次）；请几秒后再查：会继续轮询同一个任务，不会新建任务。',
  ],
  [/^The trace query was refused: (.+)\. The verdict above still stands\.$/s, '轨迹查询被拒绝：$1。上面的结论仍然成立。'],
  [/^The trace query failed \((\w+)\): (.+)\. The verdict above still stands\.$/s, '轨迹查询失败（$1）：$2。上面的结论仍然成立。'],
  // Find's input (shared/trace/find-query.ts).
  [/^is (\d+) characters long; RocketMQ message keys are at most (\d+)$/, '长 $1 个字符；RocketMQ 的消息 Key 最多 $2 个字符'],
  [/^holds a space; a message key never does \(RocketMQ separates keys with spaces\): search for one key$/, '包含空格；消息 Key 不会包含空格（RocketMQ 用空格分隔多个 Key）：请只搜索一个 Key'],
  [/^is one tag: no spaces and no "\|"$/, '只能是一个 Tag：不能有空格和 "|"'],
  [/^is in the future \((.+); now is (.+)\): search a window that has begun$/, '在未来（$1；现在是 $2）：请搜索已经开始的时间窗口'],
  [/^is in the future \((.+); now is (.+)\): end the window at now or earlier$/, '在未来（$1；现在是 $2）：请让窗口在现在或更早结束'],
  [/^must be after from: the window is reversed or empty$/, '必须晚于 from：时间窗口颠倒或为空'],
  [/^makes the window (.+) wide; it may be at most (.+): move from later or to earlier$/, '使时间窗口宽达 $1；最多 $2：请把 from 往后或把 to 往前移'],
];

/** The Chinese of a domain sentence, or the sentence itself when there is none. */
export function zhDomainText(text: string): string {
  const exact = ZH_DOMAIN_TEXTS.get(text);
  if (exact) return exact;
  for (const [pattern, replacement] of ZH_DOMAIN_PATTERNS) {
    if (!pattern.test(text)) continue;
    // Two calls: replace's overloads take a string or a function, not their union.
    return typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
  }
  return text;
}

/** What a Chinese finding needs from the presenter: durations, counts and times in its words. */
export interface FindingWords {
  duration(ms: number): string;
  count(n: number): string;
  time(iso: string): string;
  list(items: readonly string[]): string;
}

const num = (v: EvidenceValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: EvidenceValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: EvidenceValue | undefined): string[] => (Array.isArray(v) ? v : []);

/**
 * Each finding's title and detail in Chinese, from its code and evidence (findings.ts writes the
 * English ones). A record over every code, so a new finding without Chinese does not compile.
 */
export const ZH_FINDINGS: Readonly<Record<FindingCode, (f: Finding, w: FindingWords) => { title: string; detail: string }>> = {
  MESSAGE_TOO_RECENT: (f, w) => ({
    title: '刚刚发送：请几秒后再查',
    detail: `消息产生于 ${w.duration(num(f.evidence.ageMs) ?? 0)} 前，少于客户端提交位点的间隔 ${w.duration(num(f.evidence.offsetCommitIntervalMs) ?? 5000)}，所以 NOT_CONSUME_YET 可能只是位点还没提交。`,
  }),
  RECONSUMED: (f) => ({
    title: `显示 CONSUMED，但重投了 ${num(f.evidence.reconsumeTimes) ?? '?'} 次`,
    detail: `轨迹显示 CONSUMED，但消息被重新消费了 ${num(f.evidence.reconsumeTimes) ?? '?'} 次：CONSUMED 表示位点已越过它，并不代表处理成功。请在消费者日志中查看失败的那几次。`,
  }),
  IN_DLQ: (f) => ({
    title: `重试 ${num(f.evidence.reconsumeTimes) ?? '?'} 次后进入 ${f.group ?? ''} 的死信队列`,
    detail: `消息在 ${f.group ?? ''} 中投递失败 ${num(f.evidence.reconsumeTimes) ?? '?'} 次，已移入其死信队列；除非从那里重新发送，否则不会再投递。请先修复处理失败的原因。`,
  }),
  GROUP_OFFLINE: (f, w) => {
    const last = str(f.evidence.lastConsumedBornAt);
    return {
      title: `${f.group ?? ''} 离线：没有在线客户端`,
      detail: `${f.group ?? ''} 没有在线的消费者客户端，没有人能消费这条消息。${last ? `它最后消费的消息产生于 ${w.time(last)}。` : ''}请启动它的消费者，或查明它们停止的原因（日志、AccessKey、接入点、GroupId）。`,
    };
  },
  BACKLOG: (f, w) => {
    const tps = f.evidence.consumeTps;
    const stalled = tps === 0;
    const total = w.count(num(f.evidence.totalDiff) ?? 0);
    return {
      title: `在 ${f.group ?? ''} 中排在 ${total} 条消息之后${stalled ? '，且该组没有在消费' : ''}`,
      detail: `${f.group ?? ''} 在 ${str(f.evidence.topic) ?? ''} 上有 ${total} 条未消费的消息，落后 ${w.duration(num(f.evidence.delayMs) ?? 0)}${
        stalled ? '，当前消费速度为 0（TPS 为 0）：客户端在线但卡住了' : typeof tps === 'number' ? `，消费速度 ${tps} 条/秒` : '（Broker 没有报告消费速度）'
      }。消息在排队等待；请扩容或加快消费者。`,
    };
  },
  SUBSCRIPTIONS_INCONSISTENT: (f) => ({
    title: `${f.group ?? ''} 的客户端订阅不一致`,
    detail: `${f.group ?? ''} 的客户端没有使用同一份订阅，Broker 会把队列分给过滤条件不同的客户端，消息可能被跳过。请给该组的每个客户端部署同一份订阅（Topic 和 Tag 表达式）。`,
  }),
  TAG_NOT_SUBSCRIBED: (f, w) => {
    const tag = str(f.evidence.tag);
    const clients = num(f.evidence.clients) ?? 0;
    const excluding = arr(f.evidence.clientsExcluding).length;
    const all = excluding === clients;
    const what = tag === undefined ? '不带 Tag 的消息' : `Tag“${tag}”`;
    const expressions = arr(f.evidence.expressions);
    return {
      title: all ? `${what}不在 ${f.group ?? ''} 的订阅中` : `${f.group ?? ''} 的 ${clients} 个客户端中有 ${excluding} 个的订阅不包含${what}`,
      detail: `${f.group ?? ''} 中${all ? '没有' : `${clients} 个客户端里有 ${excluding} 个`}客户端以匹配${what}的表达式订阅 ${str(f.evidence.topic) ?? ''}${
        expressions.length > 0 ? `（表达式：${w.list(expressions)}）` : '（它们根本没有订阅这个 Topic）'
      }。如果该组应当收到它，请把这个 Tag 加入该组的订阅。`,
    };
  },
  REBALANCE_NOT_OK: (f) => ({
    title: `${f.group ?? ''} 尚未完成负载均衡`,
    detail: `ONS 报告 ${f.group ?? ''} 的队列没有均匀分配给它的 ${num(f.evidence.clients) ?? '?'} 个客户端（RebalanceOK=false），部分队列可能没有消费者。这通常发生在客户端加入或离开、或客户端订阅不一致之后，应在几秒内恢复。`,
  }),
  CONSUMED_BUT_LAST_ATTEMPT_FAILED: (f) => {
    const dead = f.evidence.deadLettered === true;
    const status = str(f.evidence.lastAttemptStatus) ?? '?';
    return {
      title: `${f.group ?? ''} 显示 CONSUMED，但最近一次投递${status === 'CONSUME_NOT_RETURN' ? '没有返回结果' : '失败了'}`,
      detail: `结论是 CONSUMED，但轨迹中 ${f.group ?? ''} 最近一次投递是 ${status}${dead ? '，消息已进入其死信队列' : ''}。CONSUMED 表示位点已越过这条消息：失败的消息会转入重试队列。请在消费者日志中查找失败原因。`,
    };
  },
  ATTEMPTED_BUT_OFFSET_BEHIND: (f, w) => {
    const succeeded = (num(f.evidence.succeededAttempts) ?? 0) > 0;
    return {
      title: `${f.group ?? ''} 有 ${num(f.evidence.attempts) ?? '?'} 次投递，但位点还没有越过这条消息`,
      detail: succeeded
        ? `轨迹显示 ${f.group ?? ''} 已消费它，但该组的位点仍落后于它：客户端大约每 ${w.duration(OFFSET_COMMIT_INTERVAL_MS)} 提交一次位点，请稍后再查；如果一直如此，说明位点被重置或某个队列卡住了。`
        : `${f.group ?? ''} 收到了它但还没有消费成功（投递都没有成功），在某次投递成功或进入死信之前，位点会一直落后于它。`,
    };
  },
  NO_ATTEMPTS: (f) => {
    const consumed = f.evidence.trackType === 'CONSUMED';
    return {
      title: `轨迹中没有 ${f.group ?? ''} 的投递记录`,
      detail: consumed
        ? `${f.group ?? ''} 的位点已越过这条消息，但它的客户端没有留下投递轨迹：它们可能没有记录轨迹（客户端设置，或较旧的 SDK）。`
        : `轨迹中没有这条消息投递到 ${f.group ?? ''} 的记录：该组可能离线或落后，或者它的客户端不记录轨迹。发送“trace … 为什么”查看它的堆积和客户端。`,
    };
  },
  NO_CAUSE_FOUND: (f) => ({
    title: `mqtrace 看不出 ${f.group ?? ''} 的原因`,
    detail: `${f.group ?? ''} 在线，消息前面没有堆积，客户端订阅一致，队列已均衡，消息也不在死信队列中。请一分钟后再查；如果仍是 ${str(f.evidence.trackType) ?? ''}，请查看消费者日志。`,
  }),
};
