/**
 * The Redis scripts of the kinesis backend (each one atomic step). Keys are passed in; prefixes are built by
 * the caller so the scripts stay free of naming rules.
 */

/** Compare-and-set of a stream document: KEYS doc, version, names zset, watched set; ARGV expected version ('' = must not exist), doc, new version, name, watched flag, watched member. */
export const CAS_STREAM = `
local current = redis.call('GET', KEYS[2])
if ARGV[1] == '' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[4])
if ARGV[5] == '1' then redis.call('SADD', KEYS[4], ARGV[6]) else redis.call('SREM', KEYS[4], ARGV[6]) end
return 1
`;

/**
 * Put admission. KEYS version key. ARGV expected version, second, enforce (0/1), records/s, bytes/s,
 * counter prefix, n, then n pairs (shard, bytes). Returns {-1} stream gone, {-2} routing version changed, else
 * one 0/1 per entry (1 = admitted). Admitted entries are counted per shard and second (kept 30 s).
 * A shard with nothing admitted yet in the second always takes one record (a record larger than the
 * per-second byte budget would otherwise never pass).
 */
export const ADMIT_PUT = `
local v = redis.call('GET', KEYS[1])
if not v then return {-1} end
if v ~= ARGV[1] then return {-2} end
local sec = ARGV[2]
local enforce = ARGV[3] == '1'
local recLimit = tonumber(ARGV[4])
local byteLimit = tonumber(ARGV[5])
local prefix = ARGV[6]
local n = tonumber(ARGV[7])
local counts = {}
local order = {}
local out = {}
for i = 1, n do
  local shard = ARGV[6 + 2 * i]
  local bytes = tonumber(ARGV[7 + 2 * i])
  local c = counts[shard]
  if not c then
    local vals = redis.call('HMGET', prefix .. shard .. ':' .. sec, 'r', 'b')
    c = { tonumber(vals[1]) or 0, tonumber(vals[2]) or 0, 0, 0 }
    counts[shard] = c
    order[#order + 1] = shard
  end
  local r = c[1] + c[3]
  local b = c[2] + c[4]
  if enforce and r > 0 and (r + 1 > recLimit or b + bytes > byteLimit) then
    out[i] = 0
  else
    c[3] = c[3] + 1
    c[4] = c[4] + bytes
    out[i] = 1
  end
end
for _, shard in ipairs(order) do
  local c = counts[shard]
  if c[3] > 0 then
    local k = prefix .. shard .. ':' .. sec
    redis.call('HINCRBY', k, 'r', c[3])
    redis.call('HINCRBY', k, 'b', c[4])
    redis.call('EXPIRE', k, 30)
  end
end
return out
`;

/**
 * GetRecords admission. ARGV prefix (per shard), second, calls/s, bytes/s. Counts the call; refuses it past
 * the calls per second, or when the last five seconds read more than five seconds' worth of bytes (so one
 * 10 MiB read holds the shard for about five seconds, as AWS does).
 */
export const ADMIT_GET = `
local prefix = ARGV[1]
local sec = tonumber(ARGV[2])
local k = prefix .. sec
local calls = redis.call('HINCRBY', k, 'c', 1)
redis.call('EXPIRE', k, 10)
if calls > tonumber(ARGV[3]) then return 0 end
local total = 0
for s = sec - 4, sec do
  total = total + (tonumber(redis.call('HGET', prefix .. s, 'b')) or 0)
end
if total > 5 * tonumber(ARGV[4]) then return 0 end
return 1
`;

/** Lease: KEYS lease key; ARGV owner, ttl ms. Taken when free or already ours (then extended). */
export const LEASE = `
local owner = redis.call('GET', KEYS[1])
if not owner or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
`;
