import { UpstreamError, UpstreamTimeoutError } from '../errors';
import type { Credentials } from '../credentials';
import { emptyState, parseStateText, type SpotCheckStatePort } from './state-port';

/** The two calls the state needs from an OSS client. */
export interface OssObjectClient {
  get(name: string, options: { timeout: number }): Promise<{ content: Buffer }>;
  put(name: string, content: Buffer, options: { timeout: number; mime: string }): Promise<unknown>;
}

export interface OssClientConfig {
  bucket: string;
  /** OSS region id, e.g. `oss-cn-hangzhou`; used when `endpoint` is not set. */
  region: string;
  /** Full endpoint URL, e.g. `https://oss-cn-hangzhou-internal.aliyuncs.com`, or a local fake. */
  endpoint?: string;
  credentials: Credentials;
}

export type OssClientFactory = (config: OssClientConfig) => Promise<OssObjectClient>;

// ali-oss warns on every client built with an STS token unless a refresh interval is set; FC hands
// fresh STS credentials to each invocation, so clients never live long enough to need a refresh.
const STS_REFRESH_INTERVAL_MS = 36 * 3600 * 1000;

/**
 * The real factory over `ali-oss`, imported on first use so that a function without OSS state
 * never loads it. Signs with OSS V1 (`Authorization: OSS AccessKeyId:Signature`).
 */
export const createAliOssClient: OssClientFactory = async (config) => {
  const { default: AliOss } = await import('ali-oss');
  return new AliOss({
    bucket: config.bucket,
    accessKeyId: config.credentials.accessKeyId,
    accessKeySecret: config.credentials.accessKeySecret,
    ...(config.credentials.securityToken ? { stsToken: config.credentials.securityToken, refreshSTSTokenInterval: STS_REFRESH_INTERVAL_MS } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : { region: config.region, secure: true }),
  });
};

export interface OssStateOptions extends OssClientConfig {
  object: string;
  callTimeoutMs: number;
  clientFactory: OssClientFactory;
  now: () => number;
}

const SAFE_CODE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The state as one OSS object. The function role needs only `oss:GetObject` and `oss:PutObject`
 * on that object. A missing object is an empty state.
 */
export function createOssStatePort(options: OssStateOptions): SpotCheckStatePort {
  let client: Promise<OssObjectClient> | undefined;
  const clientOnce = () => (client ??= options.clientFactory(options));
  const timeoutFor = (deadline: { remainingMs(): number }, action: string) => {
    const timeout = Math.min(options.callTimeoutMs, deadline.remainingMs());
    if (timeout < 50) throw new UpstreamTimeoutError(`${action}: no time left for the state object`, { upstream: { action } });
    return timeout;
  };
  return {
    kind: 'oss',
    async load(deadline) {
      const timeout = timeoutFor(deadline, 'oss:GetObject');
      try {
        const result = await (await clientOnce()).get(options.object, { timeout });
        return parseStateText(result.content.toString('utf8'), options.now());
      } catch (error) {
        if (ossFailure(error).status === 404) return emptyState(options.now());
        throw toStateError('oss:GetObject', error);
      }
    },
    async save(state, deadline) {
      const timeout = timeoutFor(deadline, 'oss:PutObject');
      try {
        await (await clientOnce()).put(options.object, Buffer.from(JSON.stringify(state), 'utf8'), { timeout, mime: 'application/json' });
      } catch (error) {
        throw toStateError('oss:PutObject', error);
      }
    },
  };
}

function ossFailure(error: unknown): { status?: number; code?: string; requestId?: string; name?: string } {
  return typeof error === 'object' && error !== null ? (error as { status?: number; code?: string; requestId?: string; name?: string }) : {};
}

// ali-oss messages can carry hosts and request details; keep only the code, status and request id.
function toStateError(action: string, error: unknown): UpstreamError {
  const failure = ossFailure(error);
  const code = typeof failure.code === 'string' && SAFE_CODE.test(failure.code) ? failure.code : undefined;
  const requestId = typeof failure.requestId === 'string' && SAFE_CODE.test(failure.requestId) ? failure.requestId : undefined;
  const httpStatus = typeof failure.status === 'number' && failure.status > 0 ? failure.status : undefined;
  return new UpstreamError(`${action} on the spot-check state failed${code ? `: ${code}` : ''}`, {
    upstream: { action, ...(code ? { code } : {}), ...(requestId ? { requestId } : {}), ...(httpStatus ? { httpStatus } : {}) },
  });
}
