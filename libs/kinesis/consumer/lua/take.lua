-- KEYS[1] the lease hash. ARGV[1] new owner, ARGV[2] the counter the taker saw.
-- Returns the new counter, or -1 if the lease is gone or changed since (someone renewed or took it).
local counter = redis.call('HGET', KEYS[1], 'counter')
if not counter or counter ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'counter', counter + 1)
redis.call('HDEL', KEYS[1], 'requestedBy')
return counter + 1
