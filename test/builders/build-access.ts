import { createAccessControl, type AccessControl } from '../../shared/access/access-control';
import { sha256Hex } from '../../shared/access/bearer';
import { parseAppConfig, type AppConfig } from '../../shared/config/app-config-schema';

/** The API token the builders authenticate with; its hash is what the test config holds. */
export const TEST_API_TOKEN = 'mqt_test_0123456789abcdef0123456789abcdef';
export const TEST_BEARER = `Bearer ${TEST_API_TOKEN}`;
export const TEST_TOKEN_NAME = 'test-client';

/**
 * A config document with the test token allowed everything, plus `overrides` (merged at the top
 * level: pass `http`, `slack`, `dingtalk`, `aliases` or `defaultInstance` to replace them).
 */
export function buildAppConfigDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    http: { tokens: [{ name: TEST_TOKEN_NAME, sha256: sha256Hex(TEST_API_TOKEN), scope: { instances: ['*'], topics: ['*'] } }] },
    ...overrides,
  };
}

export function buildAppConfig(overrides: Record<string, unknown> = {}): AppConfig {
  return parseAppConfig(buildAppConfigDocument(overrides));
}

/** Access control over {@link buildAppConfig}; `defaultInstance` sets the global default. */
export function buildAccessControl(options: { defaultInstance?: string | undefined; overrides?: Record<string, unknown> } = {}): AccessControl {
  return createAccessControl(
    buildAppConfig({ ...(options.defaultInstance ? { defaultInstance: options.defaultInstance } : {}), ...options.overrides }),
  );
}
