import { z } from 'zod';
import { lazySchema } from '../validation';

/** The languages every reply and alert exists in. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A locale as MQTRACE_CONFIG and env vars spell it. */
export const LocaleSchema = lazySchema(() => z.enum(LOCALES, { error: 'must be zh-CN or en' }));
