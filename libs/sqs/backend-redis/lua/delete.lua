-- KEYS[1] queue base. ARGV: now, n, then per handle: id, token.
-- Returns {'ok', outcome...} with outcome 'ok' | 'stale' (a newer receive holds it: nothing deleted,
-- as AWS documents) | 'gone', or {'nonexistent'}.
local b = KEYS[1]
if not queue_exists(b) then
  return { 'nonexistent' }
end
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local fifo = is_fifo(b)
local out = { 'ok' }
local woke = false
for i = 0, n - 1 do
  local id, token = ARGV[3 + i * 2], ARGV[4 + i * 2]
  local tk = redis.call('HGET', b .. 'tk', id)
  if tk and string.sub(tk, 1, string.len(token) + 1) == token .. ':' then
    -- the usual case: remove's own HDEL says whether the message was still there
    local removed, w = remove(b, fifo, id, now)
    woke = woke or w
    out[#out + 1] = removed == 1 and 'ok' or 'gone'
  elseif redis.call('HEXISTS', b .. 'm', id) == 0 then
    out[#out + 1] = 'gone'
  else
    out[#out + 1] = 'stale'
  end
end
if woke then
  notify(b)
end
return out
