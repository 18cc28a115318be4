import { afterEach, describe, expect, it } from 'vitest';
import { createDeadline } from '../../../shared/deadline';
import { createDingTalkRobotDestination } from '../../../shared/platforms/dingtalk/alert-robot';
import { createFetchPost } from '../../../shared/outbound/http-client';
import { createSlackWebhookDestination } from '../../../shared/platforms/slack/alert-webhook';
import { startDingTalkRobotFake } from '../../../local/fakes/dingtalk-robot-fake';
import { startSlackWebhookFake } from '../../../local/fakes/slack-webhook-fake';
import { buildAlertContent } from '../../builders/build-spot-check';
import { buildFakeClock } from '../../builders/fake-clock';

const TOKEN = 'robot-token-for-tests';
const SECRET = 'SECrobot-secret-for-tests';
const closers: Array<() => Promise<void>> = [];

async function dingtalkSetup(fakeOptions: { secret?: string; keywords?: string[]; penaltyMs?: number } = {}, senderSecret = SECRET) {
  // One clock for the robot and the sender: the sender's waits move the robot's minute window.
  const clock = buildFakeClock({ startMs: Date.now() });
  const fake = await startDingTalkRobotFake({ accessToken: TOKEN, secret: SECRET, keywords: ['mqtrace'], now: clock.now, ...fakeOptions });
  closers.push(fake.close);
  const destination = createDingTalkRobotDestination({ webhookUrl: fake.webhookUrl, secret: senderSecret, post: createFetchPost(), now: clock.now, sleep: clock.sleep, random: () => 1 });
  return { clock, fake, deliver: (budgetMs = 10_000) => destination.deliver(buildAlertContent(), { deadline: createDeadline(budgetMs, clock.now) }) };
}

async function slackSetup(webhookPath?: string) {
  const clock = buildFakeClock({ startMs: Date.now() });
  const fake = await startSlackWebhookFake({ now: clock.now });
  closers.push(fake.close);
  const url = webhookPath ? new URL(webhookPath, fake.webhookUrl).toString() : fake.webhookUrl;
  const destination = createSlackWebhookDestination({ webhookUrl: url, post: createFetchPost(), sleep: clock.sleep, random: () => 1 });
  return { clock, fake, deliver: (budgetMs = 10_000) => destination.deliver(buildAlertContent(), { deadline: createDeadline(budgetMs, clock.now) }) };
}

describe('Integration: alert senders over HTTP against the local fakes', () => {
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  describe('Given the DingTalk custom robot fake', () => {
    it('accepts one signed markdown alert and records it', async () => {
      const { fake, deliver } = await dingtalkSetup();

      const report = await deliver();

      expect(report).toEqual({ destination: 'dingtalk', delivered: true, attempts: 1, outcome: 'OK' });
      expect(fake.posts).toHaveLength(1);
      expect(fake.posts[0]?.body.markdown?.text).toContain('re-check: @mqtrace trace orders');
    });

    it('rejects a wrong signature with 310000, which is not retried', async () => {
      const { fake, deliver } = await dingtalkSetup({}, 'SECnot-the-robot-secret');

      expect(await deliver()).toEqual({ destination: 'dingtalk', delivered: false, attempts: 1, outcome: 'errcode_310000' });
      expect(fake.posts).toEqual([]);
      expect(fake.answers.map((a) => a.errcode)).toEqual([310000]);
    });

    it('rejects an alert without the robot keyword with 310000', async () => {
      const { deliver } = await dingtalkSetup({ keywords: ['payments-only'] });

      expect(await deliver()).toMatchObject({ delivered: false, outcome: 'errcode_310000' });
    });

    it('when rate limited (130101), retries and delivers once the minute window frees a slot', async () => {
      // Arrange: 20 messages from other senders, 58 s ago.
      const { clock, fake, deliver } = await dingtalkSetup();
      fake.consumeQuota(20);
      clock.advance(58_000);

      // Act
      const report = await deliver();

      // Assert
      expect(report).toEqual({ destination: 'dingtalk', delivered: true, attempts: 3, outcome: 'OK' });
      expect(fake.answers.map((a) => a.errcode)).toEqual([130101, 130101, 0]);
      expect(fake.posts).toHaveLength(1);
    });

    it('when blocked for longer than the run has, gives up and reports 130101', async () => {
      const { fake, deliver } = await dingtalkSetup({ penaltyMs: 600_000 });
      fake.consumeQuota(20);

      expect(await deliver()).toEqual({ destination: 'dingtalk', delivered: false, attempts: 3, outcome: 'errcode_130101' });
      expect(fake.posts).toEqual([]);
    });
  });

  describe('Given the Slack incoming webhook fake', () => {
    it('accepts one Block Kit alert and records it', async () => {
      const { fake, deliver } = await slackSetup();

      expect(await deliver()).toEqual({ destination: 'slack', delivered: true, attempts: 1, outcome: 'OK' });
      expect(fake.posts[0]?.body.text).toBe('mqtrace: 1 spot check failing');
    });

    it('when rate limited, waits exactly the Retry-After it was given and delivers', async () => {
      // Arrange: other posts emptied the burst.
      const { clock, fake, deliver } = await slackSetup();
      fake.consumeQuota(3);

      // Act
      const report = await deliver();

      // Assert
      expect(report).toEqual({ destination: 'slack', delivered: true, attempts: 2, outcome: 'OK' });
      expect(fake.answers.map((a) => [a.status, a.retryAfter])).toEqual([
        [429, 1],
        [200, undefined],
      ]);
      expect(clock.sleeps).toEqual([1000]);
    });

    it('answers an unknown webhook path with 404 no_service, not retried', async () => {
      const { deliver } = await slackSetup('/services/T0/B0/wrong');

      expect(await deliver()).toEqual({ destination: 'slack', delivered: false, attempts: 1, outcome: 'HTTP_404_no_service' });
    });
  });
});
