-- KEYS[1] the lease hash. ARGV[1] owner, ARGV[2] the counter it holds the lease at.
-- Returns {new counter, requestedBy or ''}, or false if the lease was lost (other owner or counter).
local lease = redis.call('HMGET', KEYS[1], 'owner', 'counter', 'requestedBy')
if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then return false end
redis.call('HSET', KEYS[1], 'counter', lease[2] + 1)
return {lease[2] + 1, lease[3] or ''}
