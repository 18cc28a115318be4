import { createCachedToken, type CachedToken } from '../../outbound/cached-token';
import { readJsonObject, type HttpClient } from '../../outbound/http-client';

/** A token is used until this long before Feishu says it expires (it lives 2 hours). */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The reply API's codes for a missing, invalid or expired tenant_access_token: refresh once and retry. */
export const FEISHU_AUTH_ERROR_CODES: ReadonlySet<number> = new Set([99991661, 99991663, 99991664, 99991665]);

export interface TenantTokenOptions {
  http: HttpClient;
  /** `https://open.feishu.cn`, `https://open.larksuite.com` or a local fake. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  now: () => number;
}

/** A cached `tenant_access_token`. */
export type TenantToken = CachedToken;

/**
 * The self-built app's token: `POST /open-apis/auth/v3/tenant_access_token/internal` with app ID and
 * secret, answered `{code: 0, tenant_access_token, expire}` (seconds). Cached per instance until
 * {@link TOKEN_REFRESH_MARGIN_MS} before it expires. Never logs it.
 */
export function createTenantToken(options: TenantTokenOptions): TenantToken {
  return createCachedToken(
    async () => {
      const answer = await options.http.post(
        `${options.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`,
        JSON.stringify({ app_id: options.appId, app_secret: options.appSecret }),
        { timeoutMs: options.timeoutMs, contentType: 'application/json; charset=utf-8' },
      );
      const body = readJsonObject(answer.text);
      if (answer.status !== 200 || body?.code !== 0 || typeof body.tenant_access_token !== 'string') return undefined;
      return { token: body.tenant_access_token, expiresInSeconds: typeof body.expire === 'number' ? body.expire : 7200 };
    },
    { refreshMarginMs: TOKEN_REFRESH_MARGIN_MS, now: options.now },
  );
}
