-- KEYS[1] the lease hash. ARGV[1] owner, ARGV[2] the counter it holds the lease at, ARGV[3] the worker to hand
-- it to ('' frees it).
-- Returns 1 if released, 0 if the caller no longer held it.
local lease = redis.call('HMGET', KEYS[1], 'owner', 'counter')
if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], 'owner') else redis.call('HSET', KEYS[1], 'owner', ARGV[3]) end
redis.call('HSET', KEYS[1], 'counter', lease[2] + 1)
redis.call('HDEL', KEYS[1], 'requestedBy')
return 1
