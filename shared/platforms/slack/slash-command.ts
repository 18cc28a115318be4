import { z } from 'zod';
import { InvalidInputError } from '../../errors';
import { parseInput } from '../../validation';

const SlackIdSchema = z.string().trim().min(1, 'is required').max(64, 'is too long');

/** The fields of a slash-command POST that mqtrace uses (chat.md §3.1); others are ignored. */
export const SlackSlashCommandSchema = z.object({
  team_id: SlackIdSchema,
  enterprise_id: z.string().max(64).optional(),
  channel_id: SlackIdSchema,
  user_id: SlackIdSchema,
  command: z.string().regex(/^\/[\w.-]{1,40}$/, 'must be a slash command like /mqtrace'),
  text: z.string().max(4000, 'is too long').default(''),
  response_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
  trigger_id: z.string().min(1).max(200).optional(),
  api_app_id: z.string().max(64).optional(),
});

export type SlackSlashCommand = z.output<typeof SlackSlashCommandSchema>;

/** Parses the form-encoded body of a verified slash command; throws {@link InvalidInputError}. */
export function parseSlashCommand(rawBody: Buffer | Record<string, string>): SlackSlashCommand {
  const fields = Buffer.isBuffer(rawBody) ? readSlackForm(rawBody) : rawBody;
  return parseInput(SlackSlashCommandSchema, { ...fields }, 'slack');
}

/** True for Slack's certificate probe (`ssl_check=1`), which is answered 200 and otherwise ignored. */
export function isSlackSslCheck(query: Readonly<Record<string, string>>, rawBody: Buffer): boolean {
  if (query.ssl_check === '1') return true;
  // Only a short form body can be a probe; nothing else is read before verification.
  return rawBody.length <= 512 && new URLSearchParams(rawBody.toString('utf8')).get('ssl_check') === '1';
}

/**
 * A button press, as Slack's interactivity request carries it: a `payload` form field holding JSON
 * (type `block_actions`), signed like a slash command. Only the fields mqtrace uses.
 */
export const SlackBlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: SlackIdSchema }),
  enterprise: z.object({ id: z.string().max(64) }).nullable().optional(),
  user: z.object({ id: SlackIdSchema }),
  channel: z.object({ id: SlackIdSchema }),
  response_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
  trigger_id: z.string().min(1).max(200),
  actions: z
    .array(z.object({ action_id: z.string().min(1).max(255), value: z.string().max(2000).optional(), block_id: z.string().max(255).optional() }))
    .min(1)
    .max(25),
});

export type SlackBlockActions = z.output<typeof SlackBlockActionsSchema>;

/** A form body's fields, first value of each name, in a null-prototype record. */
export function readSlackForm(rawBody: Buffer): Record<string, string> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw new InvalidInputError([{ path: 'body', message: 'is not valid UTF-8' }]);
  }
  const fields = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(text)) {
    if (!Object.hasOwn(fields, key)) fields[key] = value;
  }
  return fields;
}

/**
 * Parses the `payload` of a verified interactivity request. Returns undefined for interaction
 * types mqtrace does not handle (they are acknowledged and ignored); throws InvalidInputError for
 * a block action it cannot read.
 */
export function parseSlackInteraction(payload: string): SlackBlockActions | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    throw new InvalidInputError([{ path: 'payload', message: 'is not JSON' }]);
  }
  if (typeof json !== 'object' || json === null || (json as { type?: unknown }).type !== 'block_actions') return undefined;
  return parseInput(SlackBlockActionsSchema, json, 'payload');
}
