import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, which `.ci/run` installs when it is missing; MQTRACE_CHROMIUM overrides the path. */
export const CHROMIUM_PATH = process.env.MQTRACE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless chromium for the page tests with a fresh profile (playwright makes one per
 * launch) and without the background connections a closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no browser at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium; .ci/run does it) or set MQTRACE_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
