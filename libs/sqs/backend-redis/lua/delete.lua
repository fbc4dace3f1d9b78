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
  local s = read_state(b, id)
  if not s then
    out[#out + 1] = 'gone'
  elseif string.sub(s.tk, 1, string.len(token) + 1) == token .. ':' then
    local _, w = remove(b, fifo, id, now, s)
    woke = woke or w
    out[#out + 1] = 'ok'
  else
    out[#out + 1] = 'stale'
  end
end
if woke then
  notify(b)
end
return out
