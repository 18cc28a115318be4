import { globalRegistry, type z } from 'zod';
import { InvalidInputError, type FieldIssue } from './errors';

/** Converts zod issues to field issues: a dotted path and a message, never the offending value. */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return { path, message: issue.message };
  });
}

/** Parses `input` with `schema`, throwing {@link InvalidInputError} that names each failing field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInputError(toFieldIssues(result.error, prefix));
  return result.data;
}

/**
 * A hand-written check of a hot shape: `{ value }` exactly when the schema would accept `input`
 * and produce `value`, otherwise undefined (then zod runs, and produces the error). A property
 * test per fast path shows that it and its schema agree on arbitrary inputs.
 */
export type FastPath<T> = (input: unknown) => { value: T } | undefined;

let builtSchemas = 0;

/** How many lazy schemas have been built so far in this process: what a cold start paid for zod. */
export const builtLazySchemaCount = (): number => builtSchemas;

// zod keys metadata (describe, meta, ids) by schema object; a lazy schema's proxy gets the same entry.
// Read when a schema is built, not at import: loading this module must not load zod.
const registryEntries = () => (globalRegistry as unknown as { _map: WeakMap<object, unknown> })._map;

/**
 * A schema that is built on first use: importing its module costs nothing, and a cold start builds
 * only the schemas its requests touch. It behaves as the schema `build` returns (methods, `shape`,
 * metadata, nesting in other schemas). With `fast`, a direct `safeParse`/`parse` tries the fast
 * path first and builds the schema only when it declines.
 * @param build called at most once, on the first use.
 * @param fast optional: see {@link FastPath}.
 */
export function lazySchema<S extends z.ZodType>(build: () => S, fast?: FastPath<z.output<S>>): S {
  let built: S | undefined;
  const schema = (): S => {
    if (built === undefined) {
      built = build();
      builtSchemas += 1;
      const entries = registryEntries();
      const entry = entries.get(built);
      if (entry !== undefined) entries.set(proxy, entry);
    }
    return built;
  };
  const overrides = new Map<PropertyKey, unknown>();
  if (fast) {
    overrides.set('safeParse', (input: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) => {
      const hit = fast(input);
      return hit ? { success: true, data: hit.value } : schema().safeParse(input, params);
    });
    overrides.set('parse', (input: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) => {
      const hit = fast(input);
      return hit ? hit.value : schema().parse(input, params);
    });
  }
  const proxy: S = new Proxy({} as S, {
    get: (_, key) => (overrides.has(key) ? overrides.get(key) : Reflect.get(schema(), key)),
    has: (_, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      // A proxy may not report a property its (empty) target lacks as non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(schema(), key),
  });
  return proxy;
}

/** A fast path's verdict on one field: absent (no key in the output, as zod omits it). */
export const OMIT: unique symbol = Symbol('omit');
/** A fast path's verdict on one field: zod would report an issue. */
export const REJECT: unique symbol = Symbol('reject');
/** One field as a fast path checked it: its output value, {@link OMIT} or {@link REJECT}. */
export type FastField<T> = T | typeof OMIT | typeof REJECT;

/**
 * The object a fast path checked field by field, keys in the schema's order; undefined when a field
 * was rejected. Typed so that every key of the schema's output must be listed: a field added to
 * the schema does not compile until its fast path checks it.
 */
export function fastObject<T extends object>(fields: { [K in keyof Required<T>]: FastField<T[K]> }): { value: T } | undefined {
  const value: Record<string, unknown> = {};
  for (const key in fields) {
    const field = fields[key];
    if (field === REJECT) return undefined;
    if (field !== OMIT) value[key] = field;
  }
  return { value: value as T };
}

/**
 * zod's plain-object test for records (`util.isPlainObject`), for the objects JSON.parse makes:
 * a prototype of Object or none, and no own `constructor` (which zod would read as a class).
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !Object.hasOwn(value, 'constructor');
}

/** zod's object test: any non-array object. */
export const isObjectRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A strict object's key check: true when every own key of `record` is one of `keys`. */
export function hasOnlyKeys(record: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const key of Object.keys(record)) if (!keys.has(key)) return false;
  return true;
}

/** The fast path of an `.optional()` field: {@link OMIT} when absent, undefined when undefined, else `check`. */
export function fastOptional<T>(record: Record<string, unknown>, key: string, check: (value: unknown) => FastField<T>): FastField<T | undefined> {
  if (!(key in record)) return OMIT;
  const value = record[key];
  return value === undefined ? undefined : check(value);
}

/** The fast path of `z.array(item)`: a new array of the checked items. */
export function fastArray<T>(value: unknown, check: (item: unknown) => FastField<T>): FastField<T[]> {
  if (!Array.isArray(value)) return REJECT;
  const out: T[] = [];
  for (const item of value) {
    const checked = check(item);
    if (checked === REJECT || checked === OMIT) return REJECT;
    out.push(checked);
  }
  return out;
}

/** The fast path of `z.string().regex(pattern)` (and its length bounds). */
export const fastMatch =
  (pattern: RegExp, min = 0, max = Number.POSITIVE_INFINITY) =>
  (value: unknown): FastField<string> =>
    typeof value === 'string' && value.length >= min && value.length <= max && pattern.test(value) ? value : REJECT;

/** The fast path of `z.string()`. */
export const fastString = (value: unknown): FastField<string> => (typeof value === 'string' ? value : REJECT);
