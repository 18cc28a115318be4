/**
 * Structured, redacting JSON logger: one line per call, safe to ship to SLS.
 *
 * Redaction is two-layered: values under secret-looking keys are replaced, and any string that
 * contains a registered secret value has that value masked wherever it appears.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries `fields` as well. */
  child(fields: Record<string, unknown>, secrets?: readonly string[]): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stdout. Tests capture lines here. */
  write?: (line: string) => void;
  base?: Record<string, unknown>;
  /** Secret values that must never appear in output, whatever key they hide under. */
  secrets?: readonly string[];
  now?: () => number;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /secret|token|signature|password|authorization|credential|cookie|^sign$|accesskey/i;
const MIN_SECRET_LENGTH = 6;
export const REDACTED = '[REDACTED]';

/** The logger a composition root builds: a {@link Logger} that can learn secrets later. */
export interface RootLogger extends Logger {
  /**
   * Masks these values too, from now on, in this logger and every child of it: for secrets of a
   * feature that is configured when it first starts (chat), before any of its code runs.
   */
  addSecrets(secrets: readonly string[]): void;
}

/** Builds a {@link Logger}. */
export function createLogger(options: LoggerOptions = {}): RootLogger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const registered = { secrets: usableSecrets(options.secrets ?? []), version: 0 };

  const make = (base: Record<string, unknown>, extra: readonly string[]): Logger => {
    let version = -1;
    let secrets: readonly string[] = [];
    const current = () => {
      if (version !== registered.version) {
        secrets = extra.length ? usableSecrets([...registered.secrets, ...extra]) : registered.secrets;
        version = registered.version;
      }
      return secrets;
    };
    const emit = (level: LogLevel, event: string, fields?: Record<string, unknown>) => {
      if (LEVELS[level] < threshold) return;
      write(formatLogLine({ time: isoTime(now()), level, event, ...base, ...fields }, current()));
    };
    return {
      debug: (e, f) => emit('debug', e, f),
      info: (e, f) => emit('info', e, f),
      warn: (e, f) => emit('warn', e, f),
      error: (e, f) => emit('error', e, f),
      child: (fields, more = []) => make({ ...base, ...fields }, more.length ? [...extra, ...more] : extra),
    };
  };
  const root = make(options.base ?? {}, []);
  return {
    ...root,
    addSecrets: (secrets) => {
      registered.secrets = usableSecrets([...registered.secrets, ...secrets]);
      registered.version += 1;
    },
  };
}

// A request's lines mostly share their millisecond.
let lastMs = Number.NaN;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

// Longest first, so a secret that contains another is masked whole.
function usableSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
}

/**
 * The JSON line of a log record: exactly `JSON.stringify(redact(record, secrets))`. Most records
 * have nothing to redact; they are checked without a copy and serialised once.
 */
export function formatLogLine(record: Record<string, unknown>, secrets: readonly string[]): string {
  if (secrets.every(isVerbatimInJson) && needsNoCopy(record, 0)) {
    const line = JSON.stringify(record);
    // A secret that JSON writes verbatim is in the line if it is in any string of the record.
    if (!secrets.some((secret) => line.includes(secret))) return line;
  }
  return JSON.stringify(redact(record, secrets));
}

const verbatim = new Map<string, boolean>();
function isVerbatimInJson(secret: string): boolean {
  let known = verbatim.get(secret);
  if (known === undefined) {
    known = JSON.stringify(secret) === `"${secret}"`;
    if (verbatim.size < 64) verbatim.set(secret, known);
  }
  return known;
}

// Log records use the same few dozen keys over and over.
const secretKeys = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    if (secretKeys.size < 512) secretKeys.set(key, secret);
  }
  return secret;
}

/** True when {@link redact} would return a copy that serialises as `value` itself does. */
function needsNoCopy(value: unknown, depth: number): boolean {
  if (depth > 8) return false;
  if (value === null || (typeof value !== 'object' && typeof value !== 'bigint')) return true;
  if (typeof value === 'bigint') return false;
  if (Array.isArray(value)) return value.every((item) => needsNoCopy(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  // for…in allocates no key list; an inherited key can only send the record to the slow path.
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (key === 'toJSON' || key === '__proto__' || (isSecretKey(key) && item !== undefined && item !== null && item !== '')) return false;
    if (!needsNoCopy(item, depth + 1)) return false;
  }
  return true;
}

/** Returns a JSON-safe copy of `value` with secrets masked. Exported for reply bodies too. */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 8) return '[DEPTH]';
  if (typeof value === 'string') return maskValues(value, secrets);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name };
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, secrets, depth + 1);
  }
  return out;
}

function maskValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}
