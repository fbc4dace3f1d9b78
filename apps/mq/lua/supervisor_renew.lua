-- KEYS[1] the supervisor lease. ARGV: the holder's token, lease time in ms.
-- Returns 1 when the lease is still this token's and now runs for another lease time, 0 when it is lost.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
