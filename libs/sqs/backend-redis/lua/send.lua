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
local msgs = {}
-- per entry: the message it added, or (a duplicate) {id, seq} of the one sent before, or the message an
-- earlier entry of this batch added with the same deduplication id
local answers = {}
local dks = {}
for i = 1, n do
  local o = i * 5 - 2
  local id, payload, delay, group, dedup = ARGV[o], ARGV[o + 1], tonumber(ARGV[o + 2]), ARGV[o + 3], ARGV[o + 4]
  if delay < 0 then
    delay = queue_delay
  end
  local e = { id = id, payload = payload, sent = now, at = now + delay, group = group }
  answers[i] = e
  if fifo then
    local dk = b .. 'dd:' .. gen .. ':'
    if by_group then
      dk = dk .. string.len(group) .. ':' .. group .. ':'
    end
    dks[i] = dk .. dedup
  else
    msgs[#msgs + 1] = e
  end
end
if fifo and n > 0 then
  local prevs = redis.call('MGET', unpack(dks))
  local added = {}
  for i = 1, n do
    local dk = dks[i]
    if added[dk] then
      answers[i] = { dup = added[dk] }
    else
      local pid, pseq, pexp
      if prevs[i] then
        pid, pseq, pexp = string.match(prevs[i], '^(%S+) (%S+) (%S+)$')
      end
      -- the window is judged by the caller's clock; Redis' TTL only collects the key later
      if pid and tonumber(pexp) > now then
        answers[i] = { dup = { id = pid, seq = pseq } }
      else
        added[dk] = answers[i]
        msgs[#msgs + 1] = answers[i]
      end
    end
  end
end
if #msgs > 0 then
  enqueue_many(b, fifo, msgs)
end
local out = { 'ok' }
for i = 1, n do
  local a = answers[i]
  if a.dup then
    out[#out + 1] = a.dup.id
    out[#out + 1] = a.dup.seq
    out[#out + 1] = 1
  else
    if fifo then
      redis.call('SET', dks[i], a.id .. ' ' .. a.seq .. ' ' .. (now + dedup_ms), 'PX', dedup_ms + 60000)
    end
    out[#out + 1] = a.id
    out[#out + 1] = a.seq
    out[#out + 1] = 0
  end
end
notify(b)
return out
