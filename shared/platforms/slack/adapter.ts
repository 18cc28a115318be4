import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChatAnswer } from '../../chat/chat-answer';
import { isAllowedReplyUrl } from '../../chat/reply-url';
import { AppError } from '../../errors';
import type { ChatAdapter, ChatAdapterFactory, ChatAdapterDeps, Delivery, ReplyContext } from '../platform-port';
import { slackManifest, type SlackSettings, type SlackVisibility } from './manifest';
import { renderSlackMessage } from './render-chat';
import { createSlackResponder } from './response-url';
import { isSlackSslCheck, parseSlackInteraction, parseSlashCommand, readSlackForm, type SlackBlockActions, type SlackSlashCommand } from './slash-command';
import { SLACK_ACTION_PREFIX } from './block-kit';
import { SLACK_MAX_SKEW_SECONDS, verifySlackSignature } from './verify';

// A replay outside the signature window is refused by the timestamp check, so remembering longer is pointless.
const REMEMBER_MS = 2 * SLACK_MAX_SKEW_SECONDS * 1000;

const JobSchema = z.object({
  responseUrl: z.url({ protocol: /^https?$/ }).max(2000),
  visibility: z.enum(['ephemeral', 'in_channel']),
  teamId: z.string().max(64),
  userId: z.string().max(64),
  channelId: z.string().max(64),
  /** A button press: add the answer beside the message with the button. */
  keepOriginal: z.boolean().optional(),
});
type SlackJob = z.output<typeof JobSchema>;

/** `--public` / `--private`, else the channel's default, else ephemeral. */
function visibilityOf(ctx: ReplyContext): SlackVisibility {
  if (ctx.flags.has('--public')) return 'in_channel';
  if (ctx.flags.has('--private')) return 'ephemeral';
  return ctx.caller?.visibility ?? 'ephemeral';
}

/**
 * Slack: slash commands and button presses on `POST /chat/slack`, both signed with the signing
 * secret over the raw body. A slash command is answered in its HTTP response (inline) or through
 * `response_url` (deferred); a button press is acknowledged at once and answered through its
 * `response_url`, as a new message beside the one with the button.
 */
export const createSlackAdapter: ChatAdapterFactory = (settings, deps: ChatAdapterDeps): ChatAdapter => {
  const { signingSecret } = settings as SlackSettings;
  const responder = createSlackResponder({ http: deps.http, timeoutMs: deps.replyTimeoutMs, extraOrigins: deps.extraReplyOrigins });
  const canReach = (url: string) => isAllowedReplyUrl('slack', url, deps.extraReplyOrigins);

  const commandDelivery = (command: SlackSlashCommand, rawBody: Buffer): Delivery => ({
    // The signature covers trigger_id, so a second request with the same one is a replay.
    key: `slack:${command.trigger_id ?? createHash('sha256').update(rawBody).digest('hex')}`,
    duplicate: 'replay',
    rememberMs: REMEMBER_MS,
    logFields: { teamId: command.team_id, userId: command.user_id, channelId: command.channel_id },
    from: { orgIds: [command.team_id, ...(command.enterprise_id ? [command.enterprise_id] : [])], conversationId: command.channel_id },
    input: { kind: 'text', text: command.text },
    invocation: command.command,
    reply: {
      canDefer: () => canReach(command.response_url),
      answer: async (answer, ctx) => {
        const visibility = visibilityOf(ctx);
        ctx.fields.visibility = visibility;
        return { response: { status: 200, json: renderSlackMessage(answer, ctx.view, visibility) } };
      },
      pending: async (answer, ctx) => ({ response: { status: 200, json: renderSlackMessage(answer, ctx.view) } }),
      ack: () => ({ status: 200 }),
      job: (ctx) => ({ responseUrl: command.response_url, visibility: visibilityOf(ctx), teamId: command.team_id, userId: command.user_id, channelId: command.channel_id }),
    },
  });

  const buttonDelivery = (press: SlackBlockActions): Delivery => {
    const action = press.actions.find((a) => a.action_id.startsWith(SLACK_ACTION_PREFIX)) ?? press.actions[0];
    const post = async (answer: ChatAnswer, ctx: ReplyContext, visibility: SlackVisibility) => {
      const delivery = await responder.respond(press.response_url, { ...renderSlackMessage(answer, ctx.view, visibility), replace_original: false });
      return { response: { status: 200 }, delivery };
    };
    return {
      key: `slack:${press.trigger_id}`,
      duplicate: 'replay',
      rememberMs: REMEMBER_MS,
      logFields: { teamId: press.team.id, userId: press.user.id, channelId: press.channel.id, via: 'button', actionId: action?.action_id },
      from: { orgIds: [press.team.id, ...(press.enterprise?.id ? [press.enterprise.id] : [])], conversationId: press.channel.id },
      input: action?.value ? { kind: 'action', command: action.value } : { kind: 'other' },
      invocation: slackManifest.invocation,
      reply: {
        canDefer: () => canReach(press.response_url),
        answer: (answer, ctx) => {
          const visibility = visibilityOf(ctx);
          ctx.fields.visibility = visibility;
          return post(answer, ctx, visibility);
        },
        pending: (answer, ctx) => post(answer, ctx, 'ephemeral'),
        ack: () => ({ status: 200 }),
        job: (ctx) => ({ responseUrl: press.response_url, visibility: visibilityOf(ctx), teamId: press.team.id, userId: press.user.id, channelId: press.channel.id, keepOriginal: true }),
      },
    };
  };

  return {
    name: 'slack',
    probe(request) {
      return isSlackSslCheck(request.query, Buffer.alloc(0)) ? { response: { status: 200 }, outcome: 'ssl_check' } : undefined;
    },
    receive(request, nowMs) {
      if (isSlackSslCheck(request.query, request.rawBody)) return { kind: 'respond', response: { status: 200 }, outcome: 'ssl_check' };
      verifySlackSignature({ signingSecret, headers: request.headers, rawBody: request.rawBody, nowMs });
      let fields: Record<string, string>;
      try {
        fields = readSlackForm(request.rawBody);
        if (Object.hasOwn(fields, 'payload')) {
          const press = parseSlackInteraction(fields.payload as string);
          if (!press) return { kind: 'respond', response: { status: 200 }, outcome: 'ignored_interaction' };
          return { kind: 'delivery', delivery: buttonDelivery(press) };
        }
        return { kind: 'delivery', delivery: commandDelivery(parseSlashCommand(fields), request.rawBody) };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // Slack shows a slash command's response body; the usage text tells the user what went wrong.
        return { kind: 'malformed', issues: [], respond: (answer, view) => ({ status: 200, json: renderSlackMessage(answer, view) }) };
      }
    },
    jobSchema: JobSchema,
    deliverLater(job, answer, view) {
      const j = job as SlackJob;
      const message = renderSlackMessage(answer, view, j.visibility);
      return responder.respond(j.responseUrl, j.keepOriginal ? { ...message, replace_original: false } : message);
    },
  };
};
