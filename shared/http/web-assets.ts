import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, ErrorCode, RouteNotFoundError } from '../errors';
import type { HttpEvent } from './http-boundary';
import { emptyResponse, type FcHttpResponse } from './http-response';

/** One file of the web page, as the function serves it. */
export interface WebAsset {
  contentType: string;
  body: string;
  /** A strong validator of the body, quoted as the ETag header carries it. */
  etag: string;
}

/** The page's files by URL path. The composition root decides where they come from. */
export type WebAssetSource = () => Promise<ReadonlyMap<string, WebAsset>>;

/** The folder beside the HTTP bundle's index.js that `npm run build` writes the page into. */
export const WEB_ASSET_DIR = 'web';

/** Every file of the page: its URL path, its file in {@link WEB_ASSET_DIR} and its type. */
export const WEB_ASSET_FILES = [
  { path: '/', file: 'index.html', contentType: 'text/html; charset=utf-8' },
  { path: '/assets/app.js', file: 'app.js', contentType: 'text/javascript; charset=utf-8' },
  { path: '/assets/app.css', file: 'app.css', contentType: 'text/css; charset=utf-8' },
  { path: '/assets/icon.svg', file: 'icon.svg', contentType: 'image/svg+xml' },
] as const;

/**
 * The page's own files only: no inline script or style, no other origin, no framing, no form that
 * submits anywhere (so a token typed into the prompt can never end up in a URL, even with the
 * script blocked), and Trusted Types so that nothing can assign markup to innerHTML.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types',
].join('; ');

/** Headers on every response of the page's files. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  // Revalidated every time (the ETag makes that a 304): a new deployment shows at once.
  'cache-control': 'no-cache',
};

/**
 * Reads the page's files from `dir` on the first call, once; a failed read (files not built) is
 * retried on the next request. Nothing is read at cold start.
 */
export function createFileWebAssets(dir: string, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): WebAssetSource {
  let loaded: Promise<ReadonlyMap<string, WebAsset>> | undefined;
  return () => {
    loaded ??= Promise.resolve()
      .then(() => new Map(WEB_ASSET_FILES.map((f) => [f.path, toAsset(readFile(join(dir, f.file)), f.contentType)] as const)))
      .catch((error: unknown) => {
        loaded = undefined;
        throw new AppError(ErrorCode.INTERNAL, 'the web page files are missing; run npm run build', { cause: error });
      });
    return loaded;
  };
}

/** An in-memory asset, e.g. for tests. */
export function toAsset(body: string, contentType: string): WebAsset {
  return { contentType, body, etag: `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 22)}"` };
}

/** The page's routes: one GET per file, answered with {@link PAGE_HEADERS} and a 304 when the ETag matches. */
export function createWebPageRoutes(source: WebAssetSource): Array<{ name: string; method: 'GET'; path: string; handle: (event: HttpEvent) => Promise<FcHttpResponse> }> {
  return WEB_ASSET_FILES.map(({ path, file }) => ({
    name: path === '/' ? 'page' : `page.${file}`,
    method: 'GET' as const,
    path,
    handle: async (event: HttpEvent) => {
      const asset = (await source()).get(path);
      if (!asset) throw new RouteNotFoundError(path);
      const headers = { ...PAGE_HEADERS, etag: asset.etag };
      if (matchesEtag(event.http.headers['if-none-match'], asset.etag)) return emptyResponse(304, headers);
      return { statusCode: 200, headers: { ...headers, 'content-type': asset.contentType }, isBase64Encoded: false, body: asset.body };
    },
  }));
}

// RFC 9110 §13.1.2: a list of entity tags, or "*"; weak comparison.
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
