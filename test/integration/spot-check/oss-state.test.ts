import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeadline } from '../../../shared/deadline';
import { UpstreamError } from '../../../shared/errors';
import { createAliOssClient, createOssStatePort } from '../../../shared/spot-check/state-oss';
import { emptyState } from '../../../shared/spot-check/state-port';
import { startOssFake, type OssFake } from '../../../local/fakes/oss-fake';

const BUCKET = 'mqtrace-state';
const OBJECT = 'mqtrace/spot-check-state.json';
const CREDENTIALS = { accessKeyId: 'STS.oss-fake-key-id', accessKeySecret: 'oss-fake-secret-not-real', securityToken: 'oss-fake-token-not-real' };
const fakes: OssFake[] = [];

async function setup(fakeOptions: { now?: () => number } = {}) {
  const fake = await startOssFake({ bucket: BUCKET, ...CREDENTIALS, ...fakeOptions });
  fakes.push(fake);
  const portWith = (credentials = CREDENTIALS, bucket = BUCKET) =>
    createOssStatePort({ bucket, object: OBJECT, region: 'oss-cn-hangzhou', endpoint: fake.url, credentials, callTimeoutMs: 2000, clientFactory: createAliOssClient, now: Date.now });
  return { fake, port: portWith(), portWith };
}

const deadline = () => createDeadline(5000);
const state = (failed: number) => ({
  version: 1 as const,
  updatedAt: new Date().toISOString(),
  checks: { orders: { status: 'FAILING' as const, since: 's', failed, alerts: { slack: { at: 'a', failed } }, updatedAt: 'u' } },
});

describe('Integration: the OSS state through ali-oss against the OSS fake', () => {
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });

  it('reads a missing object as an empty state, then saves and reads it back', async () => {
    // Arrange
    const { fake, port } = await setup();

    // Act
    const before = await port.load(deadline());
    const latest = state(3);
    await port.save(state(2), deadline());
    await port.save(latest, deadline());
    const after = await port.load(deadline());

    // Assert
    expect(before?.checks).toEqual({});
    expect(after).toEqual(latest);
    expect(fake.requests.map((r) => [r.method, r.object, r.status, r.code])).toEqual([
      ['GET', OBJECT, 404, 'NoSuchKey'],
      ['PUT', OBJECT, 200, undefined],
      ['PUT', OBJECT, 200, undefined],
      ['GET', OBJECT, 200, undefined],
    ]);
    expect(fake.objects.get(OBJECT)?.contentType).toBe('application/json');
  });

  it.each([
    ['a wrong secret', { ...CREDENTIALS, accessKeySecret: 'not-the-secret' }, 'SignatureDoesNotMatch'],
    ['an unknown key id', { ...CREDENTIALS, accessKeyId: 'STS.someone-else' }, 'InvalidAccessKeyId'],
    ['a wrong STS token', { ...CREDENTIALS, securityToken: 'stolen-token' }, 'InvalidAccessKeyId'],
  ])('is refused by the fake for %s, with the code and no secret in the error', async (_label, credentials, code) => {
    const { fake, portWith } = await setup();

    const error = await portWith(credentials)
      .save(emptyState(Date.now()), deadline())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).upstream).toMatchObject({ action: 'oss:PutObject', code, httpStatus: 403 });
    expect(JSON.stringify({ message: (error as Error).message, upstream: (error as UpstreamError).upstream })).not.toMatch(/not-the-secret|stolen-token|oss-fake-secret/);
    expect(fake.objects.size).toBe(0);
  });

  it('is refused when the request time is more than 15 minutes off', async () => {
    const { port } = await setup({ now: () => Date.now() + 16 * 60_000 });

    await expect(port.load(deadline())).rejects.toMatchObject({ upstream: { code: 'RequestTimeTooSkewed' } });
  });

  it('answers NoSuchBucket for another bucket', async () => {
    const { portWith } = await setup();

    await expect(portWith(CREDENTIALS, 'other-bucket').save(emptyState(Date.now()), deadline())).rejects.toMatchObject({ upstream: { code: 'NoSuchBucket', httpStatus: 404 } });
  });

  it('refuses an unsigned request', async () => {
    const { fake } = await setup();

    // fetch may not set Host; node:http can, as ali-oss does for an IP endpoint.
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${fake.url}/${OBJECT}`, { headers: { host: `${BUCKET}.oss-cn-hangzhou.aliyuncs.com` } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

    expect(response.status).toBe(403);
    expect(response.body).toContain('<Code>AccessDenied</Code>');
  });
});
