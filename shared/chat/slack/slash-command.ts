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
export function parseSlashCommand(rawBody: Buffer): SlackSlashCommand {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw new InvalidInputError([{ path: 'body', message: 'is not valid UTF-8' }]);
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!Object.hasOwn(fields, key)) fields[key] = value;
  }
  return parseInput(SlackSlashCommandSchema, fields, 'slack');
}

/** True for Slack's certificate probe (`ssl_check=1`), which is answered 200 and otherwise ignored. */
export function isSlackSslCheck(query: Readonly<Record<string, string>>, rawBody: Buffer): boolean {
  if (query.ssl_check === '1') return true;
  // Only a short form body can be a probe; nothing else is read before verification.
  return rawBody.length <= 512 && new URLSearchParams(rawBody.toString('utf8')).get('ssl_check') === '1';
}
