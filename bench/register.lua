-- wrk script: POST /households with a unique household and valid, unique resident IDs per request.
-- Usage: wrk -t2 -c32 -d15s -s bench/register.lua http://host/households -- <token> <offset>
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
local threads = {}

local function resident_id(n)
  local day = os.date("!%Y%m%d", os.time({year = 1940, month = 1, day = 1, hour = 12}) + math.floor(n / 500) * 86400)
  local body = string.format("532504%s%03d", day, n % 500 * 2 + 1)
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(body:sub(i, i)) * weights[i] end
  local k = sum % 11 + 1
  return body .. checks:sub(k, k)
end

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  token, offset, counter = args[1], tonumber(args[2] or "0"), 0
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local n = offset + (counter * 16 + tid) * 2
  local body = string.format(
    '{"region_code":"532504102001","household_no":"w%d","address":"1组","category":"lifted","members":[' ..
    '{"name":"张三","resident_id":"%s","relation":"head","labour_capacity":"full","phone":"138%08d"},' ..
    '{"name":"李四","resident_id":"%s","relation":"spouse","labour_capacity":"partial"}]}',
    n, resident_id(n), n % 100000000, resident_id(n + 1))
  return wrk.format("POST", nil, nil, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "non_2xx": %d, ' ..
    '"socket_errors": %d}\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, non2xx, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
