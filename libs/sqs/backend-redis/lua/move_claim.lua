-- Recovery of cross-queue moves (lib.lua): claims this queue's staged moves whose lease ended.
-- KEYS[1] source queue base. ARGV: now, lease ms, max.
-- Returns {staged moves left, n claimed, then per claimed move: move id, meta, payload}.
local b = KEYS[1]
local now = tonumber(ARGV[1])
local out = { 0, 0 }
out[2] = claim_stale_moves(b, now, now + tonumber(ARGV[2]), tonumber(ARGV[3]), out)
out[1] = redis.call('ZCARD', b .. 'outz')
return out
