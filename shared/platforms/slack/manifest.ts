import { z } from 'zod';
import { secretFromEnv, webhookUrlFromEnv } from '../../config/env-values';
import type { PlatformManifest } from '../platform-port';
import { fastMatch, fastOptional, lazySchema, REJECT } from '../../validation';

export type SlackVisibility = 'ephemeral' | 'in_channel';

const TEAM_ID = /^[TE][A-Z0-9]{2,20}$/;
const CHANNEL_ID = /^(?:[CGD][A-Z0-9]{2,20}|\*)$/;
const VISIBILITIES = ['ephemeral', 'in_channel'] as const;

const ChatEnv = lazySchema(() =>
  z.object({
  SLACK_SIGNING_SECRET: secretFromEnv(8).describe(
    "The Slack app's signing secret. It turns on `POST /chat/slack` (slash commands and button presses: point the app's Interactivity Request URL at the same route); unset, that route answers 404. It needs `MQTRACE_INTERNAL_SECRET`. A secret.",
  ),
  }),
);

const AlertEnv = lazySchema(() =>
  z.object({
  MQTRACE_SLACK_WEBHOOK_URL: webhookUrlFromEnv('Slack incoming webhook').describe(
    "The Slack incoming webhook, `https://hooks.slack.com/services/…`. Unset: no Slack alerts. Its buttons come back to the app's Interactivity Request URL when the webhook belongs to the mqtrace app. A secret: it is masked in every log line.",
  ),
  }),
);

export interface SlackSettings {
  signingSecret: string;
}

export interface SlackAlertSettings {
  webhookUrl: string;
}

/** Slack: the slash command `/mqtrace`, Block Kit replies with buttons, incoming-webhook alerts. */
export const slackManifest: PlatformManifest = {
  name: 'slack',
  title: 'Slack',
  defaultLocale: 'en',
  invocation: '/mqtrace',
  chat: {
    env: ChatEnv,
    settings: (env) => {
      const e = env as z.output<typeof ChatEnv>;
      return e.SLACK_SIGNING_SECRET ? ({ signingSecret: e.SLACK_SIGNING_SECRET } satisfies SlackSettings) : undefined;
    },
    secrets: (s) => [(s as SlackSettings).signingSecret],
    replyHosts: ['hooks.slack.com'],
    load: async () => (await import('./adapter')).createSlackAdapter,
  },
  callers: {
    list: 'channels',
    fields: {
      teamId: lazySchema(() => z.string().regex(TEAM_ID, 'must be a Slack team or enterprise ID like T0123ABCD')),
      channelId: lazySchema(() => z.string().regex(CHANNEL_ID, 'must be a Slack channel ID like C0123ABCD, or "*" for every channel of the team')),
      visibility: lazySchema(() => z.enum(VISIBILITIES, { error: 'must be ephemeral or in_channel' }).optional().describe('Default reply visibility; default ephemeral.')),
    },
    fastFields: {
      teamId: (entry) => fastMatch(TEAM_ID)(entry.teamId),
      channelId: (entry) => fastMatch(CHANNEL_ID)(entry.channelId),
      visibility: (entry) => fastOptional(entry, 'visibility', (v) => (VISIBILITIES.some((x) => x === v) ? v : REJECT)),
    },
    org: 'teamId',
    conversation: 'channelId',
    describe: 'Slack channels that may ask: a team (or Enterprise Grid) ID and a channel ID, or "*" for every channel of the team.',
  },
  alerts: {
    env: AlertEnv,
    settings: (env) => {
      const e = env as z.output<typeof AlertEnv>;
      return e.MQTRACE_SLACK_WEBHOOK_URL ? ({ webhookUrl: e.MQTRACE_SLACK_WEBHOOK_URL } satisfies SlackAlertSettings) : undefined;
    },
    // The path is the part that authenticates, in case the URL shows up re-encoded.
    secrets: (s) => [(s as SlackAlertSettings).webhookUrl, new URL((s as SlackAlertSettings).webhookUrl).pathname],
    load: async () => (await import('./alert-webhook')).slackAlertDestination,
  },
};
