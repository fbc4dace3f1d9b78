-- Put admission: checks the routing version a put was routed with, then counts its entries per shard.
-- KEYS[1] the stream's version key.
-- ARGV: expected version, second (epoch s), enforce (0/1), records/s, bytes/s, counter prefix (per stream),
-- n, then n pairs (shard, bytes).
-- Returns {-1} stream gone, {-2} routing version changed, else one 0/1 per entry (1 = admitted).
-- Admitted entries are counted per shard and second (kept 30 s). A shard with nothing admitted yet in the
-- second always takes one record (a record larger than the per-second byte budget would otherwise never pass).
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
