-- Compare-and-set of a stream's metadata document (create, and every change).
-- KEYS[1] the document, KEYS[2] its version, KEYS[3] the account+region's names (sorted set),
-- KEYS[4] the watched set (streams the background tick looks at).
-- ARGV: expected version ('' = the stream must not exist yet), new document, new version, stream name,
-- watched flag ('1' = add to the watched set, else remove), watched member.
-- Returns 1 when written, 0 when the version was not the expected one (or the name is taken).
local current = redis.call('GET', KEYS[2])
if ARGV[1] == '' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[4])
if ARGV[5] == '1' then redis.call('SADD', KEYS[4], ARGV[6]) else redis.call('SREM', KEYS[4], ARGV[6]) end
return 1
