-- KEYS[1] queue base. ARGV: now, n, then per message: id, payload, delay ms (-1 = queue's), group, dedup id.
-- Returns {'ok', id, seq, duplicate(0|1), ...} or {'nonexistent'}.
local b = KEYS[1]
if not queue_exists(b) then
  return { 'nonexistent' }
end
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local meta = redis.call('HMGET', b .. 'meta', 'FifoQueue', 'DelaySeconds', 'DeduplicationScope', '_gen')
local fifo = meta[1] == 'true'
local queue_delay = tonumber(meta[2] or '0') * 1000
local by_group = meta[3] == 'messageGroup'
local gen = meta[4] or ''
-- senders also collect messages past the retention period, so a queue nobody reads stays bounded
expire_retention(b, fifo, now)
local dedup_ms = 300000
local out = { 'ok' }
for i = 0, n - 1 do
  local o = 3 + i * 5
  local id, payload, delay, group, dedup = ARGV[o], ARGV[o + 1], tonumber(ARGV[o + 2]), ARGV[o + 3], ARGV[o + 4]
  if delay < 0 then
    delay = queue_delay
  end
  if fifo then
    local dk = b .. 'dd:' .. gen .. ':'
    if by_group then
      dk = dk .. string.len(group) .. ':' .. group .. ':'
    end
    dk = dk .. dedup
    local prev = redis.call('GET', dk)
    local pid, pseq, pexp
    if prev then
      pid, pseq, pexp = string.match(prev, '^(%S+) (%S+) (%S+)$')
    end
    -- the window is judged by the caller's clock; Redis' TTL only collects the key later
    if pid and tonumber(pexp) > now then
      out[#out + 1] = pid
      out[#out + 1] = pseq
      out[#out + 1] = 1
    else
      local seq = enqueue(b, true, id, payload, now, now + delay, group)
      redis.call('SET', dk, id .. ' ' .. seq .. ' ' .. (now + dedup_ms), 'PX', dedup_ms + 60000)
      out[#out + 1] = id
      out[#out + 1] = seq
      out[#out + 1] = 0
    end
  else
    enqueue(b, false, id, payload, now, now + delay, nil)
    out[#out + 1] = id
    out[#out + 1] = ''
    out[#out + 1] = 0
  end
end
notify(b)
return out
