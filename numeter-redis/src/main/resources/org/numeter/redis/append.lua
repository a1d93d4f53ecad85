-- Appends ARGV[3..] as records, numbering them after the last sequence, then drops the oldest records while the
-- list holds more than ARGV[1] bytes (never the newest). KEYS[1] is the list, KEYS[2] the meta hash, ARGV[2]
-- the append time in epoch milliseconds. Returns the last sequence.
local max = tonumber(ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
local added = 0
for i = 3, #ARGV do
  last = last + 1
  local record = string.format('%d %s ', last, ARGV[2]) .. ARGV[i]
  redis.call('RPUSH', KEYS[1], record)
  added = added + string.len(record)
end
redis.call('HSET', KEYS[2], 'last', string.format('%d', last))
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', added)
local dropped = 0
while bytes > max and redis.call('LLEN', KEYS[1]) > 1 do
  bytes = bytes - string.len(redis.call('LPOP', KEYS[1]))
  dropped = dropped + 1
end
if dropped > 0 then
  redis.call('HSET', KEYS[2], 'bytes', string.format('%d', bytes))
  redis.call('HINCRBY', KEYS[2], 'dropped', dropped)
end
return last
