import { CLIProfileCredentialsProvider } from '@alicloud/credentials';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from '../credentials';
import { CliError, CliErrorCode } from './cli-errors';

/** The non-secret part of one aliyun CLI profile: what mqtrace reads itself. */
interface ProfileSummary {
  name: string;
  mode: string;
  regionId?: string;
}

interface AliyunConfig {
  current?: string;
  profiles: ProfileSummary[];
}

export interface CloudCredentialsOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** `--profile`; else ALIBABA_CLOUD_PROFILE, else the config's current profile. */
  profile?: string;
  /** Where `.aliyun/config.json` lives (the user's home). */
  homeDir: string;
}

/** Where direct mode's credentials came from, for a note on stderr (never the secret). */
export interface ResolvedCredentials {
  credentials: Credentials;
  source: string;
  /** The profile's region, when credentials came from a profile that names one. */
  profileRegion?: string;
}

/**
 * Finds the user's credentials the way the aliyun CLI does: an explicit `--profile` first, then
 * ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET (and _SECURITY_TOKEN), then the profile named by
 * ALIBABA_CLOUD_PROFILE or the config's `current`. A profile's credentials (AK, StsToken,
 * RamRoleArn, EcsRamRole, …) come from `@alicloud/credentials`; mqtrace reads the config file
 * itself only for the profile's region and to name a missing file or profile without ever
 * echoing the file (the library's own parse error quotes its content, secrets included).
 */
export async function resolveCloudCredentials(options: CloudCredentialsOptions): Promise<ResolvedCredentials> {
  const { env } = options;
  if (options.profile === undefined) {
    const id = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    const secret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    if (id && secret) {
      const token = env.ALIBABA_CLOUD_SECURITY_TOKEN;
      return { credentials: { accessKeyId: id, accessKeySecret: secret, ...(token ? { securityToken: token } : {}) }, source: 'environment (ALIBABA_CLOUD_ACCESS_KEY_ID)' };
    }
    if (id || secret) throw new CliError(CliErrorCode.NO_CREDENTIALS, 'set both ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or neither');
  }
  const path = join(options.homeDir, '.aliyun', 'config.json');
  const config = readAliyunConfig(path, options.profile !== undefined || env.ALIBABA_CLOUD_PROFILE !== undefined);
  const name = options.profile ?? env.ALIBABA_CLOUD_PROFILE ?? config.current ?? 'default';
  const profile = config.profiles.find((p) => p.name === name);
  if (!profile) {
    const known = config.profiles.map((p) => p.name).join(', ') || 'none';
    throw new CliError(CliErrorCode.NO_CREDENTIALS, `no profile "${name}" in ${path} (profiles: ${known})`);
  }
  let got: { accessKeyId?: string; accessKeySecret?: string; securityToken?: string };
  try {
    // The library reads the same file from os.homedir(); homeDir is that directory.
    got = await CLIProfileCredentialsProvider.builder().withProfileName(name).build().getCredentials();
  } catch {
    throw new CliError(CliErrorCode.NO_CREDENTIALS, `could not get credentials from profile "${name}" (mode ${profile.mode}) in ${path}`);
  }
  if (!got.accessKeyId || !got.accessKeySecret) throw new CliError(CliErrorCode.NO_CREDENTIALS, `profile "${name}" (mode ${profile.mode}) gave no AccessKey`);
  return {
    credentials: { accessKeyId: got.accessKeyId, accessKeySecret: got.accessKeySecret, ...(got.securityToken ? { securityToken: got.securityToken } : {}) },
    source: `aliyun CLI profile "${name}" (${profile.mode})`,
    ...(profile.regionId ? { profileRegion: profile.regionId } : {}),
  };
}

/** The region of the profile direct mode would use, without touching its secrets; undefined when there is none. */
export function profileRegion(options: CloudCredentialsOptions): string | undefined {
  try {
    const config = readAliyunConfig(join(options.homeDir, '.aliyun', 'config.json'), false);
    const name = options.profile ?? options.env.ALIBABA_CLOUD_PROFILE ?? config.current ?? 'default';
    return config.profiles.find((p) => p.name === name)?.regionId;
  } catch {
    return undefined;
  }
}

function readAliyunConfig(path: string, profileAsked: boolean): AliyunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    const how = 'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, run `aliyun configure`, or use --url';
    throw new CliError(CliErrorCode.NO_CREDENTIALS, profileAsked ? `cannot read ${path}; ${how}` : `no Alibaba Cloud credentials: ${how}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(CliErrorCode.NO_CREDENTIALS, `${path} is not valid JSON`);
  }
  const doc = typeof parsed === 'object' && parsed !== null ? (parsed as { current?: unknown; profiles?: unknown }) : {};
  const profiles = Array.isArray(doc.profiles) ? doc.profiles : [];
  return {
    ...(typeof doc.current === 'string' && doc.current ? { current: doc.current } : {}),
    profiles: profiles.flatMap((p: unknown) => {
      const entry = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : {};
      if (typeof entry.name !== 'string') return [];
      const regionId = typeof entry.region_id === 'string' && entry.region_id ? entry.region_id : undefined;
      return [{ name: entry.name, mode: typeof entry.mode === 'string' ? entry.mode : '?', ...(regionId ? { regionId } : {}) }];
    }),
  };
}
