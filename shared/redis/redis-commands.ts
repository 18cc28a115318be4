/** A Lua script with its SHA-1, so that it is sent whole only when the server does not know it yet. */
export interface LuaScript {
  source: string;
  sha1: string;
}

/**
 * The few Redis commands mqtrace uses, over one connection. The ioredis adapter
 * (`ioredis-client.ts`) implements it; everything else in `shared/redis/` sees only this port.
 */
export interface RedisCommands {
  /** EVALSHA, falling back to EVAL when the server answers NOSCRIPT. */
  evalScript(script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown>;
  get(key: string): Promise<string | null>;
  /** PTTL: milliseconds the key has left; negative when it has none or does not exist. */
  pttl(key: string): Promise<number>;
  /** SET with PX; with `onlyIfAbsent`, NX: true when it was set. */
  set(key: string, value: string, ttlMs: number, onlyIfAbsent?: boolean): Promise<boolean>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  /** Closes the connection and stops reconnecting. */
  close(): Promise<void>;
}
