import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileWebAssets, PAGE_CONTENT_SECURITY_POLICY, toAsset, WEB_ASSET_FILES, type WebAssetSource } from '../../../../shared/http/web-assets';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { buildHttpHandler } from '../../../builders/build-http-handler';

const PAGE = '<!doctype html><title>mqtrace</title>';
const inMemory: WebAssetSource = async () =>
  new Map(WEB_ASSET_FILES.map((f) => [f.path, toAsset(f.file === 'index.html' ? PAGE : `/* ${f.file} */`, f.contentType)] as const));

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => buildFcHttpEventBuffer({ path, method, headers, authorization: null });

describe('Routes: the web page', () => {
  describe('Given GET / without a token', () => {
    it('serves the page with a strict CSP, nosniff, no referrer and no framing', async () => {
      // Arrange
      const harness = buildHttpHandler({ webAssets: inMemory });

      // Act
      const response = await harness.invoke(get('/'), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(PAGE);
      expect(response.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-cache',
      });
      expect(response.headers.etag).toMatch(/^"[\w-]{22}"$/);
    });

    it('allows only its own origin: no inline script or style, no other host, no form target', () => {
      const directives = new Map(PAGE_CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));
      expect(directives.get('default-src')).toEqual(["'none'"]);
      for (const name of ['script-src', 'style-src', 'connect-src', 'img-src']) expect(directives.get(name)).toEqual(["'self'"]);
      expect(directives.get('form-action')).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(PAGE_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/);
    });
  });

  describe.each(WEB_ASSET_FILES.filter((f) => f.path !== '/'))('Given GET $path', ({ path, contentType }) => {
    it('serves it with its type and the same headers', async () => {
      const harness = buildHttpHandler({ webAssets: inMemory });
      const response = await harness.invoke(get(path), buildFcContext());
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe(contentType);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('Given a request that already holds the current ETag', () => {
    it.each([['the tag itself', (tag: string) => tag], ['a list with its weak form', (tag: string) => `"other", W/${tag}`], ['*', () => '*']])(
      'answers 304 without a body for %s',
      async (_, header) => {
        const harness = buildHttpHandler({ webAssets: inMemory });
        const first = await harness.invoke(get('/assets/app.js'), buildFcContext());
        const again = await harness.invoke(get('/assets/app.js', { 'If-None-Match': header(first.headers.etag as string) }), buildFcContext());
        expect(again.statusCode).toBe(304);
        expect(again.body).toBe('');
        expect(again.headers.etag).toBe(first.headers.etag);
      },
    );

    it('answers 200 for a stale tag', async () => {
      const harness = buildHttpHandler({ webAssets: inMemory });
      const response = await harness.invoke(get('/assets/app.js', { 'If-None-Match': '"stale"' }), buildFcContext());
      expect(response.statusCode).toBe(200);
    });
  });

  describe('Given a HEAD request', () => {
    it('answers as GET would', async () => {
      const harness = buildHttpHandler({ webAssets: inMemory });
      const response = await harness.invoke(get('/', {}, 'HEAD'), buildFcContext());
      expect(response.statusCode).toBe(200);
    });
  });

  describe('Given an asset path the page does not have', () => {
    it('answers 404 under /assets/, and 401 (no token) for any other path such as /index.html', async () => {
      const harness = buildHttpHandler({ webAssets: inMemory });
      expect((await harness.invoke(get('/assets/other.js'), buildFcContext())).statusCode).toBe(404);
      expect((await harness.invoke(get('/index.html'), buildFcContext())).statusCode).toBe(401);
    });
  });

  describe('Given a handler built without the page', () => {
    it('has no page route', async () => {
      const harness = buildHttpHandler();
      expect((await harness.invoke(get('/'), buildFcContext())).statusCode).toBe(404);
    });
  });
});

describe('Function: createFileWebAssets', () => {
  const writePage = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    for (const f of WEB_ASSET_FILES) writeFileSync(join(dir, f.file), `content of ${f.file}`);
  };

  it('reads every file once, on the first request, not when it is created', async () => {
    // Arrange
    const dir = join(mkdtempSync(join(tmpdir(), 'mqtrace-web-')), 'web');
    writePage(dir);
    const reads: string[] = [];
    const source = createFileWebAssets(dir, (path) => {
      reads.push(path);
      return `read ${path}`;
    });
    expect(reads).toEqual([]);

    // Act
    await source();
    await source();

    // Assert
    expect(reads.sort()).toEqual(WEB_ASSET_FILES.map((f) => join(dir, f.file)).sort());
  });

  it('answers 500 with a generic body while the files are missing, and serves them once they are built', async () => {
    // Arrange
    const dir = join(mkdtempSync(join(tmpdir(), 'mqtrace-web-')), 'web');
    const harness = buildHttpHandler({ webAssets: createFileWebAssets(dir) });

    // Act
    const missing = await harness.invoke(get('/'), buildFcContext());
    writePage(dir);
    const built = await harness.invoke(get('/'), buildFcContext());

    // Assert
    expect(missing.statusCode).toBe(500);
    expect(JSON.parse(missing.body).error).toMatchObject({ code: 'INTERNAL', message: 'internal error' });
    expect(built.statusCode).toBe(200);
    expect(built.body).toBe('content of index.html');
  });
});
