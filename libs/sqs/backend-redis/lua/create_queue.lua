-- KEYS[1] queue base. ARGV: now, generation, n attributes, pairs..., n compared, pairs..., n tags, pairs...
-- Returns {'created'} | {'exists'} | {'mismatch', attribute} | {'deletedRecently'}.
local b = KEYS[1]
local now = ARGV[1]
local gen = ARGV[2]
local i = 3
local function pairs_at()
  local n = tonumber(ARGV[i])
  local t = {}
  for j = 0, n - 1 do
    t[#t + 1] = { ARGV[i + 1 + j * 2], ARGV[i + 2 + j * 2] }
  end
  i = i + 1 + n * 2
  return t
end
local attrs = pairs_at()
local compare = pairs_at()
local tags = pairs_at()
if queue_exists(b) then
  for _, p in ipairs(compare) do
    if (redis.call('HGET', b .. 'meta', p[1]) or '') ~= p[2] then
      return { 'mismatch', p[1] }
    end
  end
  return { 'exists' }
end
if redis.call('EXISTS', b .. 'deleted') == 1 then
  return { 'deletedRecently' }
end
for _, p in ipairs(attrs) do
  redis.call('HSET', b .. 'meta', p[1], p[2])
end
redis.call('HSET', b .. 'meta', '_created', now, '_modified', now, '_gen', gen)
for _, p in ipairs(tags) do
  redis.call('HSET', b .. 'tags', p[1], p[2])
end
return { 'created' }
