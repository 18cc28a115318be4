import type { AppConfig, ChatCallerEntry, Scope } from '../config/app-config-schema';
import type { Locale } from '../i18n/locale';
import type { PlatformName } from '../platforms/registry';
import { ForbiddenError } from '../errors';
import { authenticateBearer } from './bearer';
import { matchesAnyGlob } from './glob';

/**
 * Where a lookup came from: the JSON API, a chat platform of the registry, `timer` (the spot-check
 * function), or `cli` (the terminal command in direct mode).
 */
export type Channel = 'http' | 'timer' | 'cli' | PlatformName;

/** Who asked, as the audit log and the deferred chat event carry it. Never a secret. */
export interface CallerIdentity {
  channel: Channel;
  /** Token name; `org/conversation` on chat (Slack `team/channel`, DingTalk `corp/conversation`, …); `timer:<trigger>`; `cli:<user>`. */
  id: string;
}

/** An authenticated caller and what it may look up. */
export interface Caller extends CallerIdentity {
  scope: Scope;
  /** An instance ID, already resolved from an alias. */
  defaultInstance: string | undefined;
  /** Slack only: the channel's default reply visibility. */
  visibility?: 'ephemeral' | 'in_channel';
  /** Chat only: the conversation's reply language, when its entry names one. */
  locale?: Locale;
}

/** Who sends a chat request, in the access document's terms. */
export interface ChatOrigin {
  /** The orgs to try, in order (Slack: team, then enterprise; DingTalk: the sender's corp, then the robot's). */
  orgIds: readonly string[];
  conversationId: string | undefined;
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
  /**
   * The chat caller of a platform for an org and conversation, if the document lists one: an exact
   * conversation entry wins over the org's `*` entry.
   */
  chatCaller(platform: PlatformName, origin: ChatOrigin): Caller | undefined;
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
  const chatCaller: AccessControl['chatCaller'] = (platform, { orgIds, conversationId }) => {
    if (!conversationId) return undefined;
    const entries: readonly ChatCallerEntry[] = config.chatCallers[platform] ?? [];
    for (const org of orgIds) {
      if (!org) continue;
      const entry = entries.find((c) => c.org === org && c.conversation === conversationId) ?? entries.find((c) => c.org === org && c.conversation === '*');
      if (!entry) continue;
      return {
        ...caller(platform, `${org}/${conversationId}`, entry),
        ...(platform === 'slack' ? { visibility: entry.visibility ?? 'ephemeral' } : {}),
        ...(entry.locale ? { locale: entry.locale } : {}),
      };
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
    chatCaller,
    callerFor(identity) {
      if (identity.channel === 'timer' || identity.channel === 'cli') return undefined;
      if (identity.channel === 'http') {
        const entry = config.httpTokens.find((t) => t.name === identity.id);
        return entry ? caller('http', entry.name, entry) : undefined;
      }
      const [org = '', conversation = ''] = splitOnce(identity.id);
      return chatCaller(identity.channel, { orgIds: [org], conversationId: conversation });
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
