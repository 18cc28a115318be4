import { createHash } from 'node:crypto';
import type { SlackVisibility } from '../../config/chat-config-schema';
import { AppError, ErrorCode } from '../../errors';
import type { FcContext } from '../../fc-context';
import type { HttpEvent } from '../../http/http-boundary';
import { emptyResponse, jsonResponse, type FcHttpResponse } from '../../http/http-response';
import { refuseChat } from '../chat-access';
import type { ChatAnswer } from '../chat-answer';
import type { ChatRuntime } from '../chat-runtime';
import { buildHelp } from '../command-registry';
import { parseChatCommand } from '../parse-command';
import { isAllowedReplyUrl } from '../reply-url';
import { renderSlackMessage } from './render-slack';
import { isSlackSslCheck, parseSlashCommand, type SlackSlashCommand } from './slash-command';
import { verifySlackSignature } from './verify-slack';

export interface SlackSettings {
  signingSecret: string;
}

const reply = (answer: ChatAnswer, visibility?: SlackVisibility): FcHttpResponse => jsonResponse(200, renderSlackMessage(answer, visibility));

/**
 * `POST /chat/slack`: a slash command. Verifies the signature on the raw body before reading
 * anything else, answers within Slack's 3 s (inline when the lookup fits the chat budget, else an
 * ephemeral "Looking up…" while an async invocation of this function posts the answer to
 * `response_url`), and records who asked what on the access-log line.
 */
export function createSlackRoute(rt: ChatRuntime, slack: SlackSettings) {
  return async (event: HttpEvent, context: FcContext): Promise<FcHttpResponse> => {
    const receivedAt = rt.now();
    const { http, scope } = event;
    const fields = scope.fields;
    fields.platform = 'slack';
    if (isSlackSslCheck(http.query, http.rawBody)) {
      fields.outcome = 'ssl_check';
      return emptyResponse(200);
    }
    try {
      verifySlackSignature({ signingSecret: slack.signingSecret, headers: http.headers, rawBody: http.rawBody, nowMs: receivedAt });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
      fields.rejected = error.message;
      return emptyResponse(401);
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
    if (!rt.replays.claim(requestKey)) {
      fields.rejected = 'slack: replayed request';
      return emptyResponse(401);
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
    const resolved = rt.lookup.resolveTarget(parsed, caller);
    if (!resolved.ok) return reply({ kind: 'usage', problem: resolved.problem, help });
    const { target } = resolved;
    // Before any upstream call; the refusal is the same whether or not the message exists.
    if (!rt.access.permits(caller, target)) return reply(refuseChat(scope, caller, 'out_of_scope', target));
    const visibility: SlackVisibility = parsed.flags.has('--public') ? 'in_channel' : parsed.flags.has('--private') ? 'ephemeral' : (caller.visibility ?? 'ephemeral');
    Object.assign(fields, target, { visibility });

    const canDefer = isAllowedReplyUrl('slack', command.response_url, rt.config.extraReplyOrigins);
    if (!canDefer) fields.replyUrlRejected = true;
    const outcome = await rt.lookup.run(target, { context, scope, caller, budgetMs: rt.inlineBudgetMs(receivedAt, context), deferrable: canDefer, why: parsed.why });
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
        slack: { responseUrl: command.response_url, visibility, teamId: command.team_id, userId: command.user_id, channelId: command.channel_id },
      },
      context,
    );
    if (failure) {
      fields.handOffFailed = failure.code;
      return reply(outcome.fallback);
    }
    return reply({ kind: 'pending', target });
  };
}
