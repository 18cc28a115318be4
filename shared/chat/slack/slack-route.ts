import { createHash } from 'node:crypto';
import type { SlackVisibility } from '../../config/chat-config-schema';
import { AppError, ErrorCode } from '../../errors';
import type { FcContext } from '../../fc-context';
import type { ChatRequest, ChatResponse } from '../chat-request';
import { refuseChat } from '../chat-access';
import type { ChatAnswer } from '../chat-answer';
import type { ChatRuntime } from '../chat-runtime';
import { buildHelp } from '../command-registry';
import { parseChatCommand } from '../parse-command';
import { isAllowedReplyUrl } from '../reply-url';
import { renderSlackMessage } from './render-slack';
import { isSlackSslCheck, parseSlashCommand, type SlackSlashCommand } from './slash-command';
import { REPLAY_MEMORY_MS } from '../chat-runtime';
import { verifySlackSignature } from './verify-slack';

export interface SlackSettings {
  signingSecret: string;
}

const reply = (answer: ChatAnswer, visibility?: SlackVisibility): ChatResponse => ({ status: 200, json: renderSlackMessage(answer, visibility) });

/**
 * `POST /chat/slack`: a slash command. Verifies the signature on the raw body before reading
 * anything else, answers within Slack's 3 s (inline when the lookup fits the chat budget, else an
 * ephemeral "Looking up…" while an async invocation of this function posts the answer to
 * `response_url`), and records who asked what on the access-log line.
 */
export function createSlackRoute(rt: ChatRuntime, slack: SlackSettings) {
  return async (request: ChatRequest, context: FcContext): Promise<ChatResponse> => {
    const receivedAt = rt.now();
    const http = request;
    const scope = request.log;
    const fields = scope.fields;
    fields.platform = 'slack';
    if (isSlackSslCheck(http.query, http.rawBody)) {
      fields.outcome = 'ssl_check';
      return { status: 200 };
    }
    try {
      verifySlackSignature({ signingSecret: slack.signingSecret, headers: http.headers, rawBody: http.rawBody, nowMs: receivedAt });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
      fields.rejected = error.message;
      return { status: 401 };
    }

    let command: SlackSlashCommand;
    try {
      command = parseSlashCommand(http.rawBody);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      fields.outcome = 'malformed';
      // The caller is unknown here, so the help names no alias or instance.
      const help = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: [], defaultInstanceId: undefined });
      return reply({ kind: 'usage', problem: 'Slack sent a slash command mqtrace could not read.', help });
    }
    Object.assign(fields, { teamId: command.team_id, userId: command.user_id, channelId: command.channel_id });

    // The signature covers trigger_id, so a second request with the same one is a replay.
    const requestKey = `slack:${command.trigger_id ?? createHash('sha256').update(http.rawBody).digest('hex')}`;
    if (!(await rt.idempotency.claim(requestKey, REPLAY_MEMORY_MS))) {
      fields.rejected = 'slack: replayed request';
      return { status: 401 };
    }
    // Deny by default: only the team (or enterprise) and channel pairs of MQTRACE_CONFIG may ask, even for help.
    const caller = rt.access.slackCaller({ teamId: command.team_id, enterpriseId: command.enterprise_id, channelId: command.channel_id });
    if (!caller) return reply(refuseChat(scope, { channel: 'slack', id: `${command.team_id}/${command.channel_id}` }, 'unknown_caller'));
    fields.caller = caller.id;

    const help = buildHelp({ invocation: command.command, platform: 'slack', aliases: rt.access.aliasesFor(caller), defaultInstanceId: rt.access.resolveInstance(caller, undefined) });
    const parsed = parseChatCommand(command.text);
    fields.command = parsed.name;
    if (parsed.name === 'help') return reply({ kind: 'help', help });
    if (parsed.name === 'invalid') return reply({ kind: 'usage', problem: parsed.problem, help });
    const visibility: SlackVisibility = parsed.flags.has('--public') ? 'in_channel' : parsed.flags.has('--private') ? 'ephemeral' : (caller.visibility ?? 'ephemeral');
    fields.visibility = visibility;
    const canDefer = isAllowedReplyUrl('slack', command.response_url, rt.config.extraReplyOrigins);
    if (!canDefer) fields.replyUrlRejected = true;
    const slackReply = { responseUrl: command.response_url, visibility, teamId: command.team_id, userId: command.user_id, channelId: command.channel_id };
    if (parsed.name === 'find' || parsed.name === 'journey') {
      // find answers inline, cut to the budget; a journey whose 4.x trace task is still working is finished by a deferred run.
      const explored = await rt.explore.run(caller, parsed, {
        context,
        log: scope,
        budgetMs: rt.inlineBudgetMs(receivedAt, context),
        invocation: command.command,
        deferrable: canDefer && parsed.name === 'journey',
      });
      if (explored.kind === 'usage') return reply({ kind: 'usage', problem: explored.problem, help });
      fields.mode = 'inline';
      if (explored.kind === 'answer') return reply(explored.answer, visibility);
      Object.assign(fields, explored.target, { mode: 'deferred', deferredBecause: explored.because });
      const failure = await rt.handOff(
        {
          platform: 'slack',
          idempotencyKey: requestKey,
          originRequestId: scope.requestId,
          target: explored.target,
          caller: { channel: 'slack', id: caller.id },
          command: 'journey',
          invocation: command.command,
          slack: slackReply,
        },
        context,
      );
      if (failure) {
        fields.handOffFailed = failure.code;
        return reply(explored.fallback, visibility);
      }
      return reply({ kind: 'pending', target: explored.target, because: explored.because });
    }
    const outcome = await rt.lookup.run(caller, parsed, { context, log: scope, budgetMs: rt.inlineBudgetMs(receivedAt, context), deferrable: canDefer, why: parsed.why, fresh: parsed.fresh });
    if (outcome.kind === 'usage') return reply({ kind: 'usage', problem: outcome.problem, help });
    const { target } = outcome;
    Object.assign(fields, target);
    if (outcome.kind === 'answer') {
      fields.mode = 'inline';
      if (outcome.report) fields.verdict = outcome.report.verdict;
      if (outcome.error) fields.lookupError = outcome.error.code;
      return reply(outcome.answer, visibility);
    }

    fields.mode = 'deferred';
    fields.deferredBecause = outcome.because;
    const failure = await rt.handOff(
      {
        platform: 'slack',
        idempotencyKey: requestKey,
        originRequestId: scope.requestId,
        target,
        caller: { channel: 'slack', id: caller.id },
        why: parsed.why,
        fresh: parsed.fresh,
        slack: slackReply,
      },
      context,
    );
    if (failure) {
      fields.handOffFailed = failure.code;
      return reply(outcome.fallback);
    }
    return reply({ kind: 'pending', target, because: outcome.because });
  };
}
