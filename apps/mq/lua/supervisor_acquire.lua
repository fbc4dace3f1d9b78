-- KEYS[1] the supervisor lease, KEYS[2] its generation counter (never expires).
-- ARGV: holder (this replica's id), lease time in ms.
-- Returns the new token "<generation>:<holder>" when the lease was free (and is now this holder's), else false.
-- The generation grows with every holder, so a token names one tenure: an old holder's token never matches again.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local token = redis.call('INCR', KEYS[2]) .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return token
