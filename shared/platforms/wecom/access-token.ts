import { createCachedToken, type CachedToken } from '../../outbound/cached-token';
import { readJsonObject, type HttpClient } from '../../outbound/http-client';

/** A token is used until this long before WeCom says it expires (it lives 7200 s). */
export const WECOM_TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** errcodes for an invalid or expired access_token: refresh once and retry. */
export const WECOM_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

export interface WeComTokenOptions {
  http: HttpClient;
  origin: string;
  corpId: string;
  secret: string;
  timeoutMs: number;
  now: () => number;
}

export type WeComAccessToken = CachedToken;

/**
 * The app's `access_token`: `GET /cgi-bin/gettoken?corpid=…&corpsecret=…`, answered
 * `{errcode: 0, access_token, expires_in}`. Cached per instance until
 * {@link WECOM_TOKEN_REFRESH_MARGIN_MS} before it expires. The URL holds the secret: never logged.
 */
export function createWeComAccessToken(options: WeComTokenOptions): WeComAccessToken {
  return createCachedToken(
    async () => {
      const url = `${options.origin}/cgi-bin/gettoken?${new URLSearchParams({ corpid: options.corpId, corpsecret: options.secret })}`;
      const answer = await options.http.get(url, { timeoutMs: options.timeoutMs });
      const body = readJsonObject(answer.text);
      if (answer.status !== 200 || body?.errcode !== 0 || typeof body.access_token !== 'string') return undefined;
      return { token: body.access_token, expiresInSeconds: typeof body.expires_in === 'number' ? body.expires_in : 7200 };
    },
    { refreshMarginMs: WECOM_TOKEN_REFRESH_MARGIN_MS, now: options.now },
  );
}
