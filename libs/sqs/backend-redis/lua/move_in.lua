-- Step 2 of a cross-queue move (lib.lua): adds staged messages to this queue, each once per move id.
-- KEYS[1] target queue base. ARGV: now, source base, n, then per move: move id, meta, payload.
-- Returns one outcome per move: 'ok' (added), 'dup' (added before: nothing done) or 'nonexistent' (no
-- such queue: the source takes it back).
local d = KEYS[1]
local now = tonumber(ARGV[1])
local src = ARGV[2]
local n = tonumber(ARGV[3])
local out = {}
local exists = queue_exists(d)
local dfifo = exists and is_fifo(d)
local added = false
-- remembered an hour: far longer than any lease, so a late repeat of a step still finds its move id
redis.call('ZREMRANGEBYSCORE', d .. 'mvin', '-inf', now - 3600000)
for i = 0, n - 1 do
  local mid, meta, payload = ARGV[4 + i * 3], ARGV[5 + i * 3], ARGV[6 + i * 3]
  local seen = src .. '|' .. mid
  if redis.call('ZSCORE', d .. 'mvin', seen) then
    out[#out + 1] = 'dup'
  elseif not exists then
    out[#out + 1] = 'nonexistent'
  else
    local f = {}
    for field in string.gmatch(meta .. '\n', '([^\n]*)\n') do
      f[#f + 1] = field
    end
    -- f: target, id, sent, rc, fr, group, seq, keep, dead-letter source ARN
    local id = f[2]
    local group = f[6] ~= '' and f[6] or 'default'
    local keep = f[8] == '1'
    local s = { rc = keep and tonumber(f[4]) or 0, fr = keep and f[5] or '', dl = f[9] }
    enqueue(d, dfifo, id, payload, tonumber(f[3]) or now, now, group, s)
    redis.call('ZADD', d .. 'mvin', now, seen)
    added = true
    out[#out + 1] = 'ok'
  end
end
if added then
  notify(d)
end
return out
