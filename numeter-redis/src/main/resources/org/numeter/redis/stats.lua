-- Returns {records, bytes, last sequence, dropped, header of the oldest record or ''} in one consistent view.
local meta = redis.call('HMGET', KEYS[2], 'bytes', 'last', 'dropped')
local oldest = redis.call('LINDEX', KEYS[1], 0)
local header = ''
if oldest then
  header = string.sub(oldest, 1, 48)
end
return {redis.call('LLEN', KEYS[1]), tonumber(meta[1] or '0'), tonumber(meta[2] or '0'), tonumber(meta[3] or '0'), header}
