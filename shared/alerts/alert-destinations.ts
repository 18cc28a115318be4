import type { AlertPlatformConfig } from '../config/spot-check-config';
import type { Locale } from '../i18n/locale';
import type { TimeZoneSetting } from '../i18n/time-zone';
import { createPresenter } from '../i18n/translator';
import type { AlertDeps } from '../platforms/platform-port';
import { platformNamed } from '../platforms/registry';
import type { AlertDestination } from './alert-content';

export interface AlertDestinationsOptions extends Omit<AlertDeps, 'presenter'> {
  /** Every alert's language; undefined: each platform's default. */
  locale: Locale | undefined;
  timeZone: TimeZoneSetting;
}

/**
 * The configured alert destinations, from the registry: one per platform whose alert settings are
 * set. Each platform's sender loads on its first alert, so a run with nothing to say never loads one.
 */
export function createAlertDestinations(alerts: readonly AlertPlatformConfig[], options: AlertDestinationsOptions): AlertDestination[] {
  return alerts.flatMap(({ platform, settings }) => {
    const manifest = platformNamed(platform);
    const part = manifest?.alerts;
    if (!manifest || !part) return [];
    const presenter = createPresenter(options.locale ?? manifest.defaultLocale, options.timeZone);
    let loaded: Promise<AlertDestination> | undefined;
    const destination = () => (loaded ??= part.load().then((create) => create(settings, { ...options, presenter })));
    return [{ name: platform, deliver: async (content, ctx) => (await destination()).deliver(content, ctx) }];
  });
}
