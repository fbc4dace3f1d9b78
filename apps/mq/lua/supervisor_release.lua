-- KEYS[1] the supervisor lease. ARGV: the holder's token.
-- Returns 1 when the lease was this token's and is now free (a standby takes it at once), 0 otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
