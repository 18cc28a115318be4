import { CredentialsError } from './errors';
import type { FcContext } from './fc-context';

/** STS or AccessKey credentials for one signed call. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/**
 * Gives the credentials to sign an invocation's upstream calls with. Composition roots build one
 * and inject it; nothing else decides where credentials come from.
 */
export type CredentialsProvider = (context: FcContext) => Credentials;

/**
 * The FC way: the function role's STS set from the invocation context when present, otherwise the
 * environment's AccessKey (local runs). Throws CredentialsError when neither is there.
 */
export function createCredentialsProvider(envCredentials: Credentials | undefined): CredentialsProvider {
  return (context) => resolveCredentials(context, envCredentials);
}

/**
 * The credentials to sign with: the function role's STS set from the context when present,
 * otherwise the environment's (local runs).
 */
export function resolveCredentials(context: FcContext, envCredentials: Credentials | undefined): Credentials {
  const c = context.credentials;
  if (c?.accessKeyId && c.accessKeySecret) {
    return {
      accessKeyId: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      ...(c.securityToken ? { securityToken: c.securityToken } : {}),
    };
  }
  if (envCredentials) return envCredentials;
  throw new CredentialsError('no cloud credentials: give the function a RAM role, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
}
