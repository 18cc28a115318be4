import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../shared/access/bearer';
import { formatDuration } from '../../../shared/local-time';
import type { FindReport } from '../../../shared/trace/find-schema';
import type { JourneyReport } from '../../../shared/trace/journey-schema';
import { decideVerdict, VERDICTS, type Verdict } from '../../../shared/trace/verdict';
import { DEMO_API_TOKEN } from '../../../local/runner/demo-access';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { launchChromium } from '../../builders/launch-chromium';
import { buildSeedFile } from '../../builders/seed';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Keeps a screenshot for docs/screenshots/: written when it is missing or when
 * MQTRACE_UPDATE_SCREENSHOTS=1, so that a plain test run leaves the committed pictures alone
 * (their times and request IDs differ on every run).
 */
function keepScreenshot(name: string, png: Buffer): void {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const path = join(SCREENSHOTS, name);
  if (process.env.MQTRACE_UPDATE_SCREENSHOTS === '1' || !existsSync(path)) writeFileSync(path, png);
}
const ORDERS_ONLY_TOKEN = 'mqt_page_orders_only_4b7e21';
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
/** The demo key with 3 messages on the 4.x topic orders, and the message of key order-20261201-0099 that went to the DLQ. */
const DEMO_KEY = 'order-20261201-0042';
const DEAD_LETTERED = '0A000C2435F118B4AAC2452C4E120104';
const VERDICT_LABEL: Record<Verdict, string> = { CONSUMED: 'Consumed', PARTIALLY_CONSUMED: 'Partially consumed', NOT_CONSUMED: 'Not consumed', NO_SUBSCRIBERS: 'No subscribers', UNKNOWN: 'Cannot tell' };

interface DemoMessage {
  instanceId: string;
  topic: string;
  msgId: string;
  groups: number;
  flips: boolean;
}

/** The text, background and contrast ratio of every piece of visible text under `selector` (WCAG 2.x). */
async function lowContrast(page: Page, selector: string): Promise<Array<{ text: string; ratio: number }>> {
  return page.evaluate((root) => {
    const parse = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r ?? 0) + 0.7152 * f(g ?? 0) + 0.0722 * f(b ?? 0);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const [r, g, b, a] = parse(getComputedStyle(e).backgroundColor);
        if (a === undefined || a > 0.5) return [r ?? 0, g ?? 0, b ?? 0];
      }
      return [255, 255, 255];
    };
    const out: Array<{ text: string; ratio: number }> = [];
    const walker = document.createTreeWalker(document.querySelector(root) ?? document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent?.trim() ?? '';
      if (!el || !text || el.closest('[hidden], svg') || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      const fg = lum(parse(style.color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push({ text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100 });
    }
    return out;
  }, selector);
}

describe('The web lookup page, in chromium, against the local stack', () => {
  let stack: LocalStack;
  let browser: Browser;
  let messages: DemoMessage[];
  const requests: Request[] = [];
  const cspViolations: string[] = [];

  const byVerdict = (verdict: Verdict) => {
    const found = messages.find((m) => !m.flips && m.instanceId === INSTANCE && verdictOf(m) === verdict) ?? messages.find((m) => !m.flips && verdictOf(m) === verdict);
    if (!found) throw new Error(`the demo seed has no message whose verdict is ${verdict}`);
    return found;
  };
  const verdicts = new Map<string, Verdict>();
  const verdictOf = (m: DemoMessage) => verdicts.get(m.msgId);

  async function newPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: options.locale ?? 'en-US', viewport: options.viewport ?? { width: 1100, height: 900 } });
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r));
    page.on('console', (m) => {
      if (/Content.Security.Policy|Trusted Type/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => cspViolations.push(`page error: ${e.message}`));
    return { context, page };
  }

  async function signIn(page: Page, token = DEMO_API_TOKEN, hash = ''): Promise<void> {
    await page.goto(`${stack.url}/${hash}`);
    await page.getByRole('textbox', { name: 'API token' }).fill(token);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Look up a message' }).waitFor();
  }

  async function lookUp(page: Page, m: { topic: string; msgId: string; instance?: string }, options: { explain?: boolean } = {}): Promise<void> {
    if (m.instance) await page.getByLabel('Instance', { exact: true }).selectOption(m.instance);
    await page.getByRole('textbox', { name: 'Topic' }).fill(m.topic);
    await page.getByRole('textbox', { name: 'Message ID' }).fill(m.msgId);
    await page.getByRole('checkbox', { name: /^Why\?/ }).setChecked(options.explain ?? false);
    await page.getByRole('button', { name: 'Look up' }).click();
  }

  const verdictHeading = (page: Page) => page.locator('#verdict-title');

  beforeAll(async () => {
    // Arrange: the demo seed, the demo token (everything) and a token for one topic of one instance.
    const built = buildSeedFile();
    const own = built.seed.instances.filter((i) => i.accountId === built.seed.accounts[0]?.accountId);
    messages = own.flatMap((i) =>
      i.topics.flatMap((t) =>
        t.messages.map((m) => ({ instanceId: i.instanceId, topic: t.topic, msgId: m.msgId, groups: m.tracks.length, flips: m.tracks.some((k) => (k.timeline ?? []).length > 0) })),
      ),
    );
    for (const i of own) for (const t of i.topics) for (const m of t.messages) verdicts.set(m.msgId, decideVerdict(m.tracks).verdict);
    const aliases = Object.fromEntries(own.map((i) => [i.instanceId.slice(i.instanceId.lastIndexOf('_') + 1).toLowerCase(), i.instanceId]));
    const configPath = join(mkdtempSync(join(tmpdir(), 'mqtrace-page-')), 'mqtrace.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        aliases,
        defaultInstance: INSTANCE,
        http: {
          tokens: [
            { name: 'demo', sha256: sha256Hex(DEMO_API_TOKEN), scope: { instances: ['*'], topics: ['*'] } },
            { name: 'orders-only', sha256: sha256Hex(ORDERS_ONLY_TOKEN), scope: { instances: [INSTANCE], topics: ['orders'] } },
          ],
        },
      }),
    );
    stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: built.path, functionEnv: { MQTRACE_CONFIG: configPath } });
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  describe('Given the page itself', () => {
    it('is served with a strict CSP, nosniff and no referrer, and loads only its own files', async () => {
      const { context, page } = await newPage();
      const response = await page.goto(`${stack.url}/`);
      const headers = response?.headers() ?? {};
      expect(headers['content-security-policy']).toContain("script-src 'self'");
      expect(headers['content-security-policy']).toContain("default-src 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
      await page.getByRole('heading', { name: 'Your API token' }).waitFor();
      const origins = new Set(requests.map((r) => new URL(r.url()).origin));
      expect([...origins]).toEqual([stack.url]);
      await context.close();
    });
  });

  describe('Given the token prompt', () => {
    it('asks once, refuses an empty or unknown token, keeps the token in session storage only, and shows the caller’s instances', async () => {
      // Arrange
      const { context, page } = await newPage();
      await page.goto(`${stack.url}/`);
      const tokenBox = page.getByRole('textbox', { name: 'API token' });
      await expect(tokenBox.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      keepScreenshot('token-prompt.png', await page.screenshot());

      // Act + Assert: empty, then unknown
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.locator('#token-error').textContent()).resolves.toBe('Enter your API token.');
      await tokenBox.fill('mqt_not_a_configured_token');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('This token was refused (401)').waitFor();
      await expect(page.evaluate(() => sessionStorage.getItem('mqtrace.token'))).resolves.toBeNull();

      // Act + Assert: the right one
      await tokenBox.fill(DEMO_API_TOKEN);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Look up a message' }).waitFor();
      await expect(page.evaluate(() => sessionStorage.getItem('mqtrace.token'))).resolves.toBe(DEMO_API_TOKEN);
      await expect(page.evaluate(() => JSON.stringify(localStorage))).resolves.not.toContain(DEMO_API_TOKEN);
      const options = await page.getByLabel('Instance', { exact: true }).locator('option').allTextContents();
      expect(options[0]).toBe(`Default: bxdemo01 (${INSTANCE})`);
      expect(options).toEqual(expect.arrayContaining([`bxdemo02 (MQ_INST_1234567890123456_BXdemo02)`, 'Another instance ID…']));

      // A reload in the same tab does not ask again.
      await page.reload();
      await page.getByRole('heading', { name: 'Look up a message' }).waitFor();
      await expect(page.getByRole('textbox', { name: 'API token' }).isVisible()).resolves.toBe(false);
      await context.close();
    });
  });

  describe('Given a lookup of each verdict', () => {
    it.each(VERDICTS.map((v) => [v]))('shows %s with its groups, the message-ID facts and the caveats, in the browser’s zone', async (verdict) => {
      // Arrange
      const m = byVerdict(verdict);
      const { context, page } = await newPage();
      await signIn(page);

      // Act
      await lookUp(page, { ...m, instance: m.instanceId === INSTANCE ? '' : m.instanceId.slice(m.instanceId.lastIndexOf('_') + 1).toLowerCase() });
      await verdictHeading(page).waitFor();

      // Assert
      const label = { CONSUMED: 'Consumed', PARTIALLY_CONSUMED: 'Partially consumed', NOT_CONSUMED: 'Not consumed', NO_SUBSCRIBERS: 'No subscribers', UNKNOWN: 'Cannot tell' }[verdict];
      await expect(verdictHeading(page).textContent()).resolves.toBe(`Verdict: ${label}`);
      await expect(verdictHeading(page).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(page.locator('.group').count()).resolves.toBe(m.groups);
      await expect(page.getByRole('heading', { name: 'What the message ID tells' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('heading', { name: 'Caveats' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('.meta time').textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00$/);
      if (m.groups > 0) {
        await expect(page.locator('.group').first().getByText('Meaning:').isVisible()).resolves.toBe(true);
        await expect(page.locator('.group').first().getByText('What to do:').isVisible()).resolves.toBe(true);
      }
      await expect(lowContrast(page, '#result')).resolves.toEqual([]);
      keepScreenshot(`verdict-${verdict.toLowerCase().replace(/_/g, '-')}.png`, await page.locator('.verdict').screenshot());
      if (verdict === 'PARTIALLY_CONSUMED') keepScreenshot('report.png', await page.locator('.report').screenshot());
      await context.close();
    });
  });

  describe('Given "Why?"', () => {
    it('shows each finding with its severity and evidence, most severe first', async () => {
      // Arrange
      const m = byVerdict('NOT_CONSUMED');
      const { context, page } = await newPage();
      await signIn(page);
      await lookUp(page, m);
      await verdictHeading(page).waitFor();

      // Act
      await page.getByRole('button', { name: 'Why?' }).click();
      await page.getByRole('heading', { name: 'Why?' }).waitFor();

      // Assert
      const codes = await page.locator('.finding .finding-code code').allTextContents();
      expect(codes).toEqual(expect.arrayContaining(['SUBSCRIPTIONS_INCONSISTENT', 'TAG_NOT_SUBSCRIBED', 'GROUP_OFFLINE', 'BACKLOG']));
      const severities = await page.locator('.finding h5 .badge').allTextContents();
      expect(severities[0]).toBe('Critical');
      await page.locator('.finding summary').first().click();
      await expect(page.locator('.finding .evidence').first().isVisible()).resolves.toBe(true);
      expect(page.url()).toContain('explain=1');
      await expect(page.getByRole('heading', { name: 'The stored message' }).isVisible()).resolves.toBe(true);
      await expect(lowContrast(page, '#result')).resolves.toEqual([]);
      keepScreenshot('why.png', await page.locator('.diagnosis').screenshot());
      await context.close();
    });
  });

  describe('Given "wait until consumed"', () => {
    it('shows progress while it waits, then the verdict once the message is consumed', async () => {
      // Arrange: the demo message whose last group commits its offset 3 s after the first lookup of it.
      const m = messages.find((x) => x.flips);
      if (!m) throw new Error('the demo seed lost its message that flips to CONSUMED');
      const { context, page } = await newPage();
      await signIn(page);
      await page.getByRole('textbox', { name: 'Topic' }).fill(m.topic);
      await page.getByRole('textbox', { name: 'Message ID' }).fill(m.msgId);
      await page.getByRole('checkbox', { name: 'Wait until consumed' }).check();
      await page.getByRole('spinbutton', { name: 'Wait at most (seconds)' }).fill('30');

      // Act
      await page.getByRole('button', { name: 'Look up' }).click();
      const progress = page.locator('#progress-box');
      await progress.waitFor({ state: 'visible' });
      await expect(page.getByRole('button', { name: 'Cancel' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('#wait-progress-label').textContent()).resolves.toMatch(/^Waited \d+ s of 30 s · \d+ poll\(s\) · last verdict: /);
      await page.waitForFunction(() => ((document.getElementById('wait-progress') as HTMLProgressElement | null)?.value ?? 0) >= 1);
      keepScreenshot('wait.png', await page.screenshot());

      // Assert
      await page.getByText(/^Consumed: seen after .* and \d+ poll\(s\)\.$/).waitFor({ timeout: 20_000 });
      await expect(verdictHeading(page).textContent()).resolves.toBe('Verdict: Consumed');
      await expect(progress.isVisible()).resolves.toBe(false);
      expect(page.url()).toContain('wait=30');
      await context.close();
    });
  });

  describe('Given a 401 during a lookup', () => {
    it('takes the user back to the prompt, and runs the interrupted lookup once a good token is entered', async () => {
      // Arrange
      const m = byVerdict('CONSUMED');
      const { context, page } = await newPage();
      await signIn(page);
      await page.evaluate(() => sessionStorage.setItem('mqtrace.token', 'mqt_revoked_meanwhile'));

      // Act
      await lookUp(page, m);

      // Assert
      await page.getByText('The server no longer accepts your token (401)').waitFor();
      await expect(page.evaluate(() => sessionStorage.getItem('mqtrace.token'))).resolves.toBeNull();
      await page.getByRole('textbox', { name: 'API token' }).fill(DEMO_API_TOKEN);
      await page.getByRole('button', { name: 'Continue' }).click();
      await verdictHeading(page).waitFor();
      await expect(verdictHeading(page).textContent()).resolves.toBe('Verdict: Consumed');
      await context.close();
    });
  });

  describe('Given a lookup outside the token’s scope', () => {
    it('says so with the API’s fixed 403 message', async () => {
      // Arrange
      const other = messages.find((x) => x.instanceId === INSTANCE && x.topic !== 'orders');
      if (!other) throw new Error('the demo seed lost its second topic');
      const { context, page } = await newPage();
      await signIn(page, ORDERS_ONLY_TOKEN);
      await expect(page.locator('#instance-help').textContent()).resolves.toBe('Token “orders-only” may look up these topics: orders');

      // Act
      await lookUp(page, other);

      // Assert
      const alert = page.getByRole('alert').filter({ hasText: 'outside your token’s scope' });
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toBe('This lookup is outside your token’s scope. The server says: “this caller may not look up this message”');
      await expect(page.locator('#result').textContent()).resolves.toBe('');
      keepScreenshot('forbidden.png', await page.screenshot());
      await context.close();
    });
  });

  describe('Given bad input', () => {
    it('names a missing field at once, without asking the server', async () => {
      const { context, page } = await newPage();
      await signIn(page);
      const before = requests.length;
      await page.getByRole('textbox', { name: 'Message ID' }).fill('0A000C22303918B4AAC244F9ABC301A3');
      await page.getByRole('button', { name: 'Look up' }).click();
      await expect(page.locator('#topic-error').textContent()).resolves.toBe('is required.');
      await expect(page.getByRole('textbox', { name: 'Topic' }).getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.getByRole('textbox', { name: 'Topic' }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      expect(requests.slice(before).filter((r) => r.url().includes('/v1/trace'))).toEqual([]);
      await context.close();
    });

    it('shows the server’s message next to the field it names, never a stack trace', async () => {
      // Arrange
      const { context, page } = await newPage();
      await signIn(page);

      // Act
      await lookUp(page, { topic: 'orders', msgId: 'not-a-message-id' });

      // Assert
      await page.getByRole('alert').filter({ hasText: 'The server could not use this input' }).waitFor();
      const fieldError = await page.locator('#msgId-error').textContent();
      expect(fieldError).toBe('must be 32 or 56 hex characters (4.x) or "01" followed by 32 hex characters (5.x)');
      await expect(page.getByRole('textbox', { name: 'Message ID' }).getAttribute('aria-invalid')).resolves.toBe('true');
      // A stack frame reads "at fn (file:line:col)"; an unhandled error would name its class.
      await expect(page.locator('body').innerText()).resolves.not.toMatch(/\bat .*:\d+:\d+|\b(?:Type|Reference|Syntax)Error\b/);
      keepScreenshot('bad-input.png', await page.screenshot());
      await context.close();
    });
  });

  describe('Given a shared link', () => {
    it('holds the query but never the token, and reopened in a new session asks for a token, then runs the lookup', async () => {
      // Arrange: a lookup with "Why?" in one session
      const m = byVerdict('PARTIALLY_CONSUMED');
      const first = await newPage();
      await signIn(first.page);
      await lookUp(first.page, m, { explain: true });
      await first.page.getByRole('heading', { name: 'Why?' }).waitFor();
      const link = await first.page.getByRole('textbox', { name: 'Link' }).inputValue();
      await first.context.close();
      expect(link).toBe(`${stack.url}/#mode=id&topic=${m.topic}&msgId=${m.msgId}&explain=1`);
      expect(link).not.toContain(DEMO_API_TOKEN);
      expect(requests.filter((r) => r.url().includes(DEMO_API_TOKEN))).toEqual([]);

      // Act: the link in a fresh context (no session storage)
      const second = await newPage();
      await second.page.goto(link);
      await second.page.getByRole('heading', { name: 'Your API token' }).waitFor();
      await second.page.getByRole('textbox', { name: 'API token' }).fill(DEMO_API_TOKEN);
      await second.page.getByRole('button', { name: 'Continue' }).click();

      // Assert
      await second.page.getByRole('heading', { name: 'Why?' }).waitFor();
      await expect(verdictHeading(second.page).textContent()).resolves.toBe('Verdict: Partially consumed');
      await expect(second.page.getByRole('textbox', { name: 'Message ID' }).inputValue()).resolves.toBe(m.msgId);
      await expect(second.page.getByRole('checkbox', { name: /^Why\?/ }).isChecked()).resolves.toBe(true);
      await second.context.close();
    });
  });

  describe('Given a browser that prefers Chinese', () => {
    it('speaks zh-CN, and switches to English and back on request', async () => {
      // Arrange
      const { context, page } = await newPage({ locale: 'zh-CN' });
      await page.goto(`${stack.url}/`);
      await page.getByRole('heading', { name: '你的 API 令牌' }).waitFor();
      await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('zh-CN');
      await page.getByRole('textbox', { name: 'API 令牌' }).fill(DEMO_API_TOKEN);
      await page.getByRole('button', { name: '继续' }).click();
      await page.getByRole('textbox', { name: 'Topic' }).fill(byVerdict('NOT_CONSUMED').topic);
      await page.getByRole('textbox', { name: '消息 ID' }).fill(byVerdict('NOT_CONSUMED').msgId);
      await page.getByRole('button', { name: '查询', exact: true }).click();
      await verdictHeading(page).waitFor();
      await expect(verdictHeading(page).textContent()).resolves.toBe('结论: 未消费');
      keepScreenshot('zh-cn.png', await page.screenshot());

      // Act
      await page.getByLabel('语言').selectOption('en');

      // Assert: the page and the report shown are in English, and the choice is remembered
      await expect(verdictHeading(page).textContent()).resolves.toBe('Verdict: Not consumed');
      await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
      await page.reload();
      await page.getByRole('heading', { name: 'Look up a message' }).waitFor();
      await context.close();
    });
  });

  describe('Given only a keyboard', () => {
    it('signs in, looks up and lands on the verdict without a mouse', async () => {
      const m = byVerdict('CONSUMED');
      const { context, page } = await newPage();
      await page.goto(`${stack.url}/`);
      await page.getByRole('heading', { name: 'Your API token' }).waitFor();
      await page.keyboard.type(DEMO_API_TOKEN);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Look up a message' }).waitFor();
      // The form puts the caret in the topic; the message ID is the next stop.
      await page.keyboard.type(m.topic);
      await page.keyboard.press('Tab');
      await page.keyboard.type(m.msgId);
      await page.keyboard.press('Enter');
      await verdictHeading(page).waitFor();
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('verdict-title');
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('why');
      await context.close();
    });

    it('labels every control it can reach', async () => {
      const { context, page } = await newPage();
      await signIn(page);
      await lookUp(page, byVerdict('PARTIALLY_CONSUMED'));
      await verdictHeading(page).waitFor();
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('input, select, button')]
          .filter((el) => el.getClientRects().length > 0)
          .filter((el) => {
            const labels = (el as HTMLInputElement).labels;
            return !(labels && labels.length > 0) && !el.getAttribute('aria-label') && !(el.tagName === 'BUTTON' && el.textContent?.trim());
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled).toEqual([]);
      await expect(lowContrast(page, 'body')).resolves.toEqual([]);
      await context.close();
    });
  });

  describe('Given a phone', () => {
    it('fits the screen without sideways scrolling', async () => {
      const { context, page } = await newPage({ viewport: { width: 375, height: 740 } });
      await signIn(page);
      await lookUp(page, byVerdict('NOT_CONSUMED'), { explain: true });
      await page.getByRole('heading', { name: 'Why?' }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      keepScreenshot('phone.png', await page.screenshot());
      await context.close();
    });
  });

  describe('Given a find by key', () => {
    it('lists the demo key’s 3 messages on the 4.x topic, newest first, each with its verdict, and looks one up on a click', async () => {
      // Arrange
      const { context, page } = await newPage();
      await signIn(page);
      await page.getByRole('radio', { name: 'Key' }).check();
      await page.getByRole('textbox', { name: 'Topic' }).fill('orders');
      await page.getByRole('textbox', { name: 'Message key' }).fill(DEMO_KEY);

      // Act
      const answer = page.waitForResponse((r) => r.url().includes('/v1/messages'));
      await page.getByRole('button', { name: 'Look up' }).click();
      const body = (await (await answer).json()) as FindReport;
      await page.locator('#find-title').waitFor();

      // Assert: what the server answered is what the page shows
      expect(body.messages).toHaveLength(3);
      await expect(page.locator('#find-title').textContent()).resolves.toBe('3 message(s) found, 3 looked up');
      await expect(page.locator('.find-query').textContent()).resolves.toBe(`Messages with key ${DEMO_KEY} on topic orders.`);
      const rows = page.locator('.find-table tbody tr');
      await expect(rows.count()).resolves.toBe(3);
      await expect(rows.locator('td:first-child').allTextContents()).resolves.toEqual(body.messages.map((m) => m.msgId));
      await expect(rows.locator('.badge').allTextContents()).resolves.toEqual(['Partially consumed', 'Consumed', 'Consumed']);
      await expect(page.locator('.by-verdict .badge').allTextContents()).resolves.toEqual(['Consumed: 2', 'Partially consumed: 1']);
      await expect(rows.first().locator('td').last().textContent()).resolves.toBe(body.messages[0]?.summary);
      await expect(page.locator('body').innerText()).resolves.not.toContain('not available on this server');
      expect(page.url()).toContain(`#mode=key&topic=orders&key=${DEMO_KEY}`);
      await expect(lowContrast(page, '#result')).resolves.toEqual([]);
      keepScreenshot('find-key.png', await page.locator('.find').screenshot());

      // Act + Assert: a message ID looks that message up
      await rows.first().getByRole('button').click();
      await verdictHeading(page).waitFor();
      await expect(verdictHeading(page).textContent()).resolves.toBe('Verdict: Partially consumed');
      await context.close();
    });
  });

  describe('Given a find by time window', () => {
    it('summarises the last hour of the 4.x topic by verdict and lists only the messages not consumed', async () => {
      // Arrange: the window mode fills in the last hour
      const { context, page } = await newPage();
      await signIn(page);
      await page.getByRole('radio', { name: 'Time window' }).check();
      await page.getByRole('textbox', { name: 'Topic' }).fill('orders');
      // The inputs hold the browser's local time (Asia/Shanghai here), which only the browser reads as such.
      const [from, to] = await page.evaluate(() => ['from', 'to'].map((id) => new Date((document.getElementById(id) as HTMLInputElement).value).getTime()));
      if (from === undefined || to === undefined) throw new Error('the window mode lost its inputs');
      expect(to - from).toBe(3_600_000);

      // Act
      const answer = page.waitForResponse((r) => r.url().includes('/v1/messages'));
      await page.getByRole('button', { name: 'Look up' }).click();
      const response = await answer;
      const body = (await response.json()) as FindReport;
      await page.locator('#find-title').waitFor();

      // Assert
      expect(response.status()).toBe(200);
      expect(body.query).toEqual({ kind: 'window', from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      expect(body.summary.examined).toBeGreaterThan(body.messages.length);
      await expect(page.locator('#find-title').textContent()).resolves.toBe(`${body.summary.found} message(s) found, ${body.summary.examined} looked up`);
      const counts = Object.entries(body.summary.byVerdict).filter(([, n]) => n > 0);
      await expect(page.locator('.by-verdict .badge').allTextContents()).resolves.toEqual(counts.map(([v, n]) => `${VERDICT_LABEL[v as Verdict]}: ${n}`));
      await expect(page.getByText('Only the messages that were not consumed are listed.').isVisible()).resolves.toBe(true);
      const badges = await page.locator('.find-table tbody .badge').allTextContents();
      expect(badges).toEqual(body.messages.map((m) => VERDICT_LABEL[m.verdict]));
      expect(badges).not.toContain('Consumed');
      expect(badges.length).toBeGreaterThan(0);
      await expect(page.locator('.find .meta').textContent()).resolves.toContain(`Pages read${body.sampling?.pagesRead} of ${body.sampling?.pagesPlanned} planned`);
      await expect(page.locator('.find-query').textContent()).resolves.toMatch(/^Messages stored on topic orders from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00 to .+ UTC\+08:00\.$/);
      await expect(lowContrast(page, '#result')).resolves.toEqual([]);
      keepScreenshot('find-window.png', await page.locator('.find').screenshot());
      await context.close();
    });
  });

  describe('Given the journey of a retried, dead-lettered 4.x message', () => {
    it('draws the send, the store, each group’s attempts with their durations and the dead-lettering on a timeline, with the finding', async () => {
      // Arrange
      const { context, page } = await newPage();
      await signIn(page);
      await lookUp(page, { topic: 'orders', msgId: DEAD_LETTERED });
      await verdictHeading(page).waitFor();

      // Act: the first look waits for the emulator's trace task
      const answer = page.waitForResponse((r) => r.url().includes('/v1/journey'));
      await page.getByRole('button', { name: 'Journey' }).click();
      const body = (await (await answer).json()) as JourneyReport;
      await page.locator('.timeline').waitFor();

      // Assert: the lanes
      expect(body).toMatchObject({ status: 'complete', verdict: 'CONSUMED' });
      await expect(page.locator('#journey-title').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(page.locator('.timeline .lane-label').allTextContents()).resolves.toEqual(['Send', 'Store', ...body.groups.map((g) => g.consumerGroup)]);
      // Each attempt is a bar of its duration: 17 failed deliveries of GID_billing, one good one each for the others.
      const billing = body.groups.find((g) => g.consumerGroup === 'GID_billing');
      expect(billing?.attempts).toHaveLength(17);
      await expect(page.locator('.timeline rect.attempt').count()).resolves.toBe(body.groups.reduce((n, g) => n + g.attempts.length, 0));
      await expect(page.locator('.timeline rect.attempt.tone-bad').count()).resolves.toBe(17);
      await expect(page.locator('.timeline polygon.dead-letter').count()).resolves.toBe(1);
      // The log axis gives every retry its own place, from +100 ms to hours later.
      const lane = body.groups.findIndex((g) => g.consumerGroup === 'GID_billing') + 2;
      const xs = await page.locator('.timeline rect.attempt.tone-bad').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('x'))));
      expect(xs).toHaveLength(17);
      for (let i = 1; i < xs.length; i++) expect((xs[i] as number) - (xs[i - 1] as number)).toBeGreaterThan(2);
      await expect(page.getByText('The time axis is logarithmic').isVisible()).resolves.toBe(true);

      // Assert: the list says the same in words, with the durations
      const items = page.locator('.journey-list > li');
      await expect(items.count()).resolves.toBe(2 + body.groups.length);
      const billingItem = items.nth(lane);
      await expect(billingItem.locator('> strong').textContent()).resolves.toBe('GID_billing');
      const first = billing?.attempts[0];
      const last = billing?.attempts[16];
      const dead = billing?.deadLettered;
      if (!first || !last || !dead?.sinceSendMs) throw new Error('the demo seed lost its dead-lettered message');
      await expect(billingItem.textContent()).resolves.toContain(`(CONSUMED · 17 attempt(s) · first delivery +${formatDuration(first.sinceSendMs ?? 0)} · dead-lettered to %DLQ%GID_billing)`);
      const lines = await billingItem.locator('li').allTextContents();
      expect(lines).toHaveLength(18);
      expect(lines[0]).toMatch(new RegExp(`^#0 · \\+${formatDuration(first.sinceSendMs ?? 0)} · delivery attempt · took ${formatDuration(first.durationMs ?? 0)} · CONSUME_FAILED: `));
      // The status' meaning once per lane, not on each of the 17 lines.
      expect(lines[16]).toMatch(new RegExp(`^#16 · \\+${formatDuration(last.sinceSendMs ?? 0)} · delivery attempt · took ${formatDuration(last.durationMs ?? 0)} · CONSUME_FAILED · 10\\.0\\.3\\.2[12] · `));
      expect(lines[17]).toMatch(new RegExp(`^\\+${formatDuration(dead.sinceSendMs)} · moved to the dead-letter queue · %DLQ%GID_billing · `));
      await expect(items.nth(0).textContent()).resolves.toContain('+0 ms · sent · took 6 ms · SEND_SUCCESS');
      await expect(items.nth(1).textContent()).resolves.toContain(`+${formatDuration(body.store?.sinceSendMs ?? -1)} · stored`);

      // Assert: the finding and the trace task
      const finding = page.locator('.journey .finding');
      await expect(finding.locator('.finding-code').textContent()).resolves.toBe('CONSUMED_BUT_LAST_ATTEMPT_FAILED · GID_billing');
      await expect(finding.locator('h5 .badge').textContent()).resolves.toBe('Critical');
      await expect(page.locator('.journey .meta').textContent()).resolves.toMatch(/Trace query taskcreated \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00 for this look/);
      await expect(page.locator('body').innerText()).resolves.not.toContain('not available on this server');
      await expect(lowContrast(page, '.journey')).resolves.toEqual([]);
      keepScreenshot('journey.png', await page.locator('.journey').screenshot());

      // On a phone the timeline scrolls in its box; the page itself does not scroll sideways.
      await page.setViewportSize({ width: 375, height: 740 });
      await expect(page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).resolves.toBeLessThanOrEqual(0);
      await context.close();
    });
  });

  describe('Given every page above', () => {
    it('broke no CSP rule and threw no error', () => {
      expect(cspViolations).toEqual([]);
    });
  });
});
