-- Compare-and-set of a stream's metadata document (create, and every change).
-- KEYS[1] the document, KEYS[2] its version (one slot: the stream's). The lists of streams live in another
-- slot; the caller updates them after this step.
-- ARGV: expected version ('' = the stream must not exist yet), new document, new version.
-- Returns 1 when written, 0 when the version was not the expected one (or the name is taken).
local current = redis.call('GET', KEYS[2])
if ARGV[1] == '' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
return 1
