import { createHash } from 'node:crypto';
import type { LuaScript } from './redis-commands';

/**
 * The shared limiter's reservation, in Lua so that Redis runs it atomically: the algorithm of
 * `createRateLimiter` (`shared/upstream/rate-limiter.ts`), a sliding window over the last `count`
 * grants plus a GCRA over the grants that left it, each taken as spent its margin late. Times are
 * whole microseconds, exact in Lua's doubles up to 2^53 µs (285 years after 1970).
 *
 * KEYS[1]: the state, `tat|at:late,at:late,…` (the theoretical arrival time of the folded grants,
 * then the grants still in the window, oldest first). ARGV: count, window (µs), emission interval
 * (µs), this grant's margin (µs), the longest wait the caller can afford (µs). Returns
 * `{1, wait}` with the slot reserved `wait` µs from now, or `{0, wait}` with nothing reserved when
 * the slot would come later than the caller can wait. The key expires once an idle limiter would
 * be full again, so an expired key and an empty one mean the same.
 */
const BODY = `
local count = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local late = tonumber(ARGV[4])
local maxWait = tonumber(ARGV[5])
local tat = nil
local ats, lates = {}, {}
local raw = redis.call('GET', KEYS[1])
if raw then
  local head, rest = string.match(raw, '^([^|]*)|(.*)$')
  if head and head ~= '' then tat = tonumber(head) end
  for a, l in string.gmatch(rest or '', '(%d+):(%d+)') do
    ats[#ats + 1] = tonumber(a)
    lates[#lates + 1] = tonumber(l)
  end
end
local n = #ats
local slot = now
if n > 0 and ats[n] > slot then slot = ats[n] end
local folded = 0
local nextTat = tat
while true do
  while folded < n and ats[folded + 1] + window <= slot do
    local base = ats[folded + 1] + lates[folded + 1]
    if nextTat ~= nil and nextTat > base then base = nextTat end
    nextTat = base + interval
    folded = folded + 1
  end
  local inWindow = n - folded
  local target = slot
  if inWindow >= count then
    local w = ats[n - count + 1] + window
    if w > target then target = w end
  end
  if nextTat ~= nil then
    local b = nextTat - (count - 1 - inWindow) * interval
    if b > target then target = b end
  end
  if target == slot then break end
  slot = target
end
local wait = slot - now
if wait > maxWait then return {0, wait} end
local parts = {}
for i = folded + 1, n do parts[#parts + 1] = string.format('%.0f:%.0f', ats[i], lates[i]) end
parts[#parts + 1] = string.format('%.0f:%.0f', slot, late)
local head = ''
if nextTat ~= nil then head = string.format('%.0f', nextTat) end
redis.call('SET', KEYS[1], head .. '|' .. table.concat(parts, ','), 'PX', math.ceil((wait + window + late) / 1000) + 1000)
return {1, wait}
`;

// Redis' own clock: every instance's reservation is measured on one clock, whatever its own says.
// Before Redis 5 a script that reads TIME may write only under effects replication.
const SERVER_CLOCK = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
`;

// For the model tests only: the same body on a clock the test controls (ARGV[6], µs).
const GIVEN_CLOCK = `
local now = tonumber(ARGV[6])
`;

const script = (source: string): LuaScript => ({ source, sha1: createHash('sha1').update(source).digest('hex') });

/** The script the shared limiter runs. */
export const GCRA_SCRIPT = script(SERVER_CLOCK + BODY);

/** The same algorithm, reading "now" from ARGV[6]: what the property tests compare with the TS limiter. */
export const GCRA_SCRIPT_GIVEN_CLOCK = script(GIVEN_CLOCK + BODY);

/** The script's arguments, from the limit in milliseconds. */
export function gcraArgs(input: { count: number; windowMs: number; lateMs: number; maxWaitMs: number }): number[] {
  const windowUs = Math.round(input.windowMs * 1000);
  // Rounded up: a grant a fraction of a microsecond late is safe, early is not.
  const intervalUs = Math.ceil(windowUs / input.count);
  return [input.count, windowUs, intervalUs, Math.ceil(input.lateMs * 1000), Math.max(0, Math.floor(input.maxWaitMs * 1000))];
}

/** The script's answer: reserved (with the wait), or refused (with the wait it would have needed). */
export function parseGcraReply(reply: unknown): { granted: boolean; waitMs: number } {
  if (!Array.isArray(reply) || reply.length !== 2) throw new TypeError('unexpected reply from the limiter script');
  const [granted, waitUs] = reply.map(Number) as [number, number];
  if (!Number.isFinite(waitUs)) throw new TypeError('unexpected reply from the limiter script');
  return { granted: granted === 1, waitMs: waitUs / 1000 };
}
