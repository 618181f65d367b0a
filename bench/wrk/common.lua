-- Shared by every scenario: counts responses whose status is not the expected one, and prints one JSON line with
-- the run's figures when wrk is done. Each wrk thread has its own Lua state, so the counters are per thread and
-- done() (which runs in yet another state) adds them up through the thread handles kept by setup().

local threads = {}
local next_thread_id = 0

function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
  table.insert(threads, thread)
end

unexpected = 0
first_unexpected = ""
responses = 0

-- Scenarios may override: called with the status; returns true when it is the one expected.
function expected_status(status)
  return status == 200
end

function check(status, body)
  responses = responses + 1
  if not expected_status(status) then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status) .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function response(status, headers, body)
  check(status, body)
end

-- Requests per second as a fraction of the connections: a "paced" run sleeps between requests on each connection so
-- that the whole run offers BENCH_RATE requests per second. wrk sleeps in whole milliseconds, so the fraction is
-- kept on average by rounding up at random.
local pace_ms = nil
local function init_pacing()
  local rate = tonumber(os.getenv("BENCH_RATE") or "0")
  local conns = tonumber(os.getenv("BENCH_CONNECTIONS") or "0")
  if rate > 0 and conns > 0 then pace_ms = conns * 1000.0 / rate end
end
init_pacing()

if pace_ms then
  function delay()
    local whole = math.floor(pace_ms)
    if math.random() < (pace_ms - whole) then whole = whole + 1 end
    return whole
  end
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("unexpected") or 0)
    if first == "" then first = t:get("first_unexpected") or "" end
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,"latency_ms":{"mean":%.3f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status_over_399":%d},"unexpected_status":%d,"first_unexpected":%s}\n',
    summary.requests, secs, summary.requests / secs,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status, bad, json_string(first)))
end
