import { DEMO_SEED_PATH, loadSeedFile } from '../emulator/load-seed';
import type { Seed } from '../emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../emulator/server';
import type { RunnerCredentials } from './fc-runner';

export interface OnsBackend {
  /** Present when no real credentials are in the environment. */
  emulator: { handle: EmulatorHandle; url: string; seed: Seed } | undefined;
  /** What the runner hands the function as its role's credentials. */
  credentials: RunnerCredentials;
  accountId: string;
}

const DEMO_ACCOUNT_FALLBACK = '1234567890123456';

/**
 * The ONS side of a local stack: the real credentials from `env` when it has an AccessKey,
 * otherwise the embedded emulator with `seedPath` (default the demo seed) and its STS credential.
 */
export async function startOnsBackend(env: Record<string, string | undefined>, seedPath?: string): Promise<OnsBackend> {
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID) {
    return {
      emulator: undefined,
      accountId: env.FC_ACCOUNT_ID ?? DEMO_ACCOUNT_FALLBACK,
      credentials: {
        accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
        accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '',
        ...(env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
      },
    };
  }
  const seed = await loadSeedFile(seedPath ?? DEMO_SEED_PATH);
  const account = seed.accounts[0];
  // The function's role hands out STS credentials; prefer the seed's STS entry to mirror that.
  const credential = account?.credentials.find((c) => c.securityToken) ?? account?.credentials[0];
  if (!account || !credential) throw new Error('the seed has no account with credentials');
  const handle = createEmulator({ seed });
  const { url } = await handle.start({ port: 0 });
  return {
    emulator: { handle, url, seed: handle.seed },
    accountId: account.accountId,
    credentials: {
      accessKeyId: credential.accessKeyId,
      accessKeySecret: credential.accessKeySecret,
      ...(credential.securityToken ? { securityToken: credential.securityToken } : {}),
    },
  };
}
