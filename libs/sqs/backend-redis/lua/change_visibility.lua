-- KEYS[1] queue base. ARGV: now, max total visibility ms (12 h from the receive), n, then per entry:
-- id, token, visibility ms. Returns {'ok', outcome...}: 'ok' | 'invalid' (not in flight under this
-- handle) | 'toolong', or {'nonexistent'}.
local b = KEYS[1]
if not queue_exists(b) then
  return { 'nonexistent' }
end
local now = tonumber(ARGV[1])
local max_total = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local fifo = is_fifo(b)
local out = { 'ok' }
local woke = false
for i = 0, n - 1 do
  local id, token, vis = ARGV[4 + i * 3], ARGV[5 + i * 3], tonumber(ARGV[6 + i * 3])
  local s = read_state(b, id)
  local deadline = s and redis.call('ZSCORE', b .. 'inflight', id)
  if not deadline or string.sub(s.tk, 1, string.len(token) + 1) ~= token .. ':' or tonumber(deadline) <= now then
    out[#out + 1] = 'invalid'
  else
    local received = tonumber(string.sub(s.tk, string.len(token) + 2))
    if now + vis > received + max_total then
      out[#out + 1] = 'toolong'
    elseif vis == 0 then
      release_inflight(b, fifo, id, now, now, s.g)
      woke = true
      out[#out + 1] = 'ok'
    else
      redis.call('ZADD', b .. 'inflight', now + vis, id)
      out[#out + 1] = 'ok'
    end
  end
end
if woke then
  notify(b)
end
return out
