-- KEYS[1] the lease hash, KEYS[2] the set of lease ids. ARGV[1] shard id, ARGV[2] parents (comma-separated),
-- ARGV[3] initial checkpoint ('' for none).
-- Returns 1 if created, 0 if the lease already existed.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'counter', 0, 'parents', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'checkpoint', ARGV[3]) end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
