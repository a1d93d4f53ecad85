-- Returns up to ARGV[2] records with a sequence of at least ARGV[1]. The list holds consecutive sequences ending
-- at the last one, so the position of a sequence is computed, not searched.
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
local length = redis.call('LLEN', KEYS[1])
local head = last - length + 1
local from = tonumber(ARGV[1])
if from < head then
  from = head
end
local start = from - head
if start >= length then
  return {}
end
return redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
