import { dingtalkManifest } from './dingtalk/manifest';
import { feishuManifest } from './feishu/manifest';
import type { PlatformManifest } from './platform-port';
import { slackManifest } from './slack/manifest';
import { wecomManifest } from './wecom/manifest';

/**
 * The one registry of chat platforms. It feeds the chat routes (`/chat/<name>`), the deferred
 * jobs, the reply-host allow-list, the environment and MQTRACE_CONFIG schemas, the help texts and
 * the alert senders. Adding a platform: its folder `shared/platforms/<name>/` (manifest, adapter,
 * renderers, alert sender), its name here, and its manifest in {@link PLATFORMS}.
 */
export const PLATFORM_NAMES = ['slack', 'dingtalk', 'feishu', 'wecom'] as const;

export type PlatformName = (typeof PLATFORM_NAMES)[number];

export const PLATFORMS: Readonly<Record<PlatformName, PlatformManifest>> = {
  slack: slackManifest,
  dingtalk: dingtalkManifest,
  feishu: feishuManifest,
  wecom: wecomManifest,
};

/** The manifests in registry order. */
export const PLATFORM_LIST: readonly PlatformManifest[] = PLATFORM_NAMES.map((name) => PLATFORMS[name]);

/** The manifest of a name that came from outside (a path, a sealed job); undefined when unknown. */
export function platformNamed(name: string): PlatformManifest | undefined {
  return (PLATFORM_NAMES as readonly string[]).includes(name) ? PLATFORMS[name as PlatformName] : undefined;
}

export function isPlatformName(name: string): name is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(name);
}
