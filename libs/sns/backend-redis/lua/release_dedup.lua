-- KEYS[1] a FIFO dedup record (JSON with an `owner`). ARGV[1] the owner releasing it.
-- Returns 1 when the record was this owner's reservation and is gone, else 0 (another owner's record, or
-- none): a failed publish frees only its own reservation, never one a retry has taken since.
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).owner == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
