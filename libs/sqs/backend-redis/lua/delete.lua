-- KEYS[1] queue base. ARGV: now, n, then per handle: id, token.
-- Returns {'ok', outcome...} with outcome 'ok' | 'stale' (a newer receive holds it: nothing deleted,
-- as AWS documents) | 'gone', or {'nonexistent'}.
local b = KEYS[1]
local meta = queue_meta(b)
if not meta then
  return { 'nonexistent' }
end
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local fifo = meta.fifo
local ids, tokens = {}, {}
for i = 1, n do
  ids[i], tokens[i] = ARGV[1 + i * 2], ARGV[2 + i * 2]
end
local out = { 'ok' }
if n == 0 then
  return out
end
local states = read_states(b, ids)
-- the messages whose handle is the latest receive's, each once (a handle given twice: 'gone' the second time)
local doomed, doomed_states, seen = {}, {}, {}
for i, id in ipairs(ids) do
  local s = states[i]
  if not s or seen[id] then
    out[#out + 1] = 'gone'
  elseif string.sub(s.tk, 1, string.len(tokens[i]) + 1) == tokens[i] .. ':' then
    seen[id] = true
    doomed[#doomed + 1] = id
    doomed_states[#doomed_states + 1] = s
    out[#out + 1] = 'ok'
  else
    out[#out + 1] = 'stale'
  end
end
if #doomed > 0 and remove_many(b, fifo, doomed, doomed_states, now) then
  notify(b)
end
return out
