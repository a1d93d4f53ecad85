-- Removes every record up to and including sequence ARGV[1] and takes their size off the byte count.
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
local length = redis.call('LLEN', KEYS[1])
local count = tonumber(ARGV[1]) - (last - length + 1) + 1
if count > length then
  count = length
end
if count <= 0 then
  return 0
end
local removed = 0
for _, record in ipairs(redis.call('LPOP', KEYS[1], count)) do
  removed = removed + string.len(record)
end
redis.call('HINCRBY', KEYS[2], 'bytes', -removed)
return count
