-- KEYS[1] the lease hash. ARGV[1] owner, ARGV[2] sequence number (or SHARD_END), ARGV[3] sub-sequence ('' for none).
-- Returns 1 if recorded, 0 if the caller no longer owns the lease.
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'checkpoint', ARGV[2])
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], 'subSequence') else redis.call('HSET', KEYS[1], 'subSequence', ARGV[3]) end
return 1
