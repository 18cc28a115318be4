import type { AppConfig, Scope } from '../config/app-config-schema';
import { ForbiddenError } from '../errors';
import { authenticateBearer } from './bearer';
import { matchesAnyGlob } from './glob';

/** Where a lookup came from. `timer` is the spot-check function; `cli` the terminal command in direct mode. */
export type Channel = 'http' | 'slack' | 'dingtalk' | 'timer' | 'cli';

/** Who asked, as the audit log and the deferred chat event carry it. Never a secret. */
export interface CallerIdentity {
  channel: Channel;
  /** Token name; `team/channel` for Slack; `corp/conversation` for DingTalk; `timer:<trigger>`; `cli:<user>`. */
  id: string;
}

/** An authenticated caller and what it may look up. */
export interface Caller extends CallerIdentity {
  scope: Scope;
  /** An instance ID, already resolved from an alias. */
  defaultInstance: string | undefined;
  /** Slack only: the channel's default reply visibility. */
  visibility?: 'ephemeral' | 'in_channel';
}

/** What a lookup is about, once its instance is resolved. */
export interface LookupTarget {
  instanceId: string;
  topic: string;
}

/**
 * Access control over the configuration document: who may ask, and what. Deny by default: a caller
 * that no entry names gets nothing, and a scope matches only what its patterns list.
 */
export interface AccessControl {
  /** Throws UnauthenticatedError unless the header carries a configured token. */
  authenticateHttp(authorization: string | undefined): Caller;
  /** The Slack caller for a team (or enterprise) and channel, if the document lists one. */
  slackCaller(request: { teamId: string; enterpriseId?: string | undefined; channelId: string }): Caller | undefined;
  /** The DingTalk caller for a corp and conversation, if the document lists one. */
  dingtalkCaller(request: { corpIds: readonly string[]; conversationId: string | undefined }): Caller | undefined;
  /** Finds a caller again from its identity, e.g. in the deferred half of a chat reply. */
  callerFor(identity: CallerIdentity): Caller | undefined;
  /** An alias or ID as given, else the caller's default, else the global one; undefined when none applies. */
  resolveInstance(caller: Caller, given: string | undefined): string | undefined;
  /** Whether `caller` may look up messages of `target`. */
  permits(caller: Caller, target: LookupTarget): boolean;
  /** Throws {@link ForbiddenError} unless `caller` may look up `target`. */
  assertPermitted(caller: Caller, target: LookupTarget): void;
  /** The aliases whose instance the caller may look up, for help texts. */
  aliasesFor(caller: Caller): string[];
  /**
   * The instances a caller can pick without typing an ID: its default (its own, else the global
   * one) and every alias whose instance its scope allows, for the web page and `GET /v1/scope`.
   */
  instanceChoices(caller: Caller): InstanceChoices;
}

/** A caller's default instance and the aliases it may use; each alias with the ID it stands for. */
export interface InstanceChoices {
  defaultInstance: string | undefined;
  aliases: Array<{ alias: string; instanceId: string }>;
}

/** Creates the {@link AccessControl} for a parsed document. Build it once per instance. */
export function createAccessControl(config: AppConfig): AccessControl {
  const tokens = config.httpTokens.map((t) => ({ name: t.name, sha256: t.sha256, entry: t }));
  const caller = (channel: Channel, id: string, entry: { scope: Scope; defaultInstance?: string | undefined }): Caller => ({
    channel,
    id,
    scope: entry.scope,
    defaultInstance: entry.defaultInstance,
  });
  const slackCaller: AccessControl['slackCaller'] = ({ teamId, enterpriseId, channelId }) => {
    for (const team of [teamId, enterpriseId]) {
      if (!team) continue;
      // An exact channel entry wins over the team's "*" entry.
      const entry =
        config.slackChannels.find((c) => c.teamId === team && c.channelId === channelId) ??
        config.slackChannels.find((c) => c.teamId === team && c.channelId === '*');
      if (entry) return { ...caller('slack', `${team}/${channelId}`, entry), visibility: entry.visibility ?? 'ephemeral' };
    }
    return undefined;
  };
  const dingtalkCaller: AccessControl['dingtalkCaller'] = ({ corpIds, conversationId }) => {
    if (!conversationId) return undefined;
    for (const corp of corpIds) {
      const entry =
        config.dingtalkConversations.find((c) => c.corpId === corp && c.conversationId === conversationId) ??
        config.dingtalkConversations.find((c) => c.corpId === corp && c.conversationId === '*');
      if (entry) return caller('dingtalk', `${corp}/${conversationId}`, entry);
    }
    return undefined;
  };
  const aliasesOf = (who: Caller) => Object.entries(config.aliases).filter(([, id]) => matchesAnyGlob(who.scope.instances, id));
  const permits = (who: Caller, target: LookupTarget) =>
    matchesAnyGlob(who.scope.instances, target.instanceId) && matchesAnyGlob(who.scope.topics, target.topic);

  return {
    authenticateHttp(authorization) {
      const { entry } = authenticateBearer({ header: authorization, tokens });
      return caller('http', entry.name, entry);
    },
    slackCaller,
    dingtalkCaller,
    callerFor(identity) {
      const [left = '', right = ''] = splitOnce(identity.id);
      switch (identity.channel) {
        case 'http': {
          const entry = config.httpTokens.find((t) => t.name === identity.id);
          return entry ? caller('http', entry.name, entry) : undefined;
        }
        case 'slack':
          return slackCaller({ teamId: left, channelId: right });
        case 'dingtalk':
          return dingtalkCaller({ corpIds: [left], conversationId: right });
        case 'timer':
        case 'cli':
          return undefined;
      }
    },
    resolveInstance(who, given) {
      if (given === undefined || given === '') return who.defaultInstance ?? config.defaultInstance;
      return config.aliases[given.toLowerCase()] ?? given;
    },
    permits,
    assertPermitted(who, target) {
      if (!permits(who, target)) throw new ForbiddenError();
    },
    aliasesFor(who) {
      return aliasesOf(who).map(([alias]) => alias);
    },
    instanceChoices(who) {
      return {
        defaultInstance: who.defaultInstance ?? config.defaultInstance,
        aliases: aliasesOf(who).map(([alias, instanceId]) => ({ alias, instanceId })),
      };
    },
  };
}

function splitOnce(id: string): [string, string] {
  const at = id.indexOf('/');
  return at < 0 ? [id, ''] : [id.slice(0, at), id.slice(at + 1)];
}
