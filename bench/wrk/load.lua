-- Data for bench/scale.sh, written through the public API at wrk's speed. Each thread runs one connection and sends its
-- share of BENCH_LOAD_COUNT requests built from a template: in BENCH_LOAD_PATH and BENCH_LOAD_BODY, "{n}" becomes a
-- number unique to the request (from BENCH_LOAD_OFFSET on) and "{id}" the n-th line of BENCH_LOAD_IDS_IN. After its
-- share, a thread only reads /api/status until wrk's time is up. With BENCH_LOAD_IDS_OUT, the first "id" of each
-- answer is appended to that file plus ".<thread>". done() prints how many requests succeeded: the caller runs again
-- for any shortfall (wrk may stop a thread mid-share), with the offset moved on so names never repeat.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local path_template = os.getenv("BENCH_LOAD_PATH")
local body_template = os.getenv("BENCH_LOAD_BODY") or ""
local method = os.getenv("BENCH_LOAD_METHOD") or "POST"
local auth = "Bearer " .. os.getenv("BENCH_TOKEN")
local ids_in = {}
local next_n, last_n, out, in_flight
created = 0

function init(args)
  local count = tonumber(os.getenv("BENCH_LOAD_COUNT"))
  local threads = tonumber(os.getenv("BENCH_LOAD_THREADS"))
  local offset = tonumber(os.getenv("BENCH_LOAD_OFFSET") or "1")
  local share = math.ceil(count / threads)
  next_n = offset + thread_id * share
  last_n = math.min(offset + count - 1, next_n + share - 1)
  local file = os.getenv("BENCH_LOAD_IDS_IN")
  if file then for line in io.lines(file) do table.insert(ids_in, line) end end
  local ids_out = os.getenv("BENCH_LOAD_IDS_OUT")
  if ids_out then out = io.open(ids_out .. "." .. thread_id, "a") end
end

local function fill(template, n)
  return (string.gsub(string.gsub(template, "{n}", tostring(n)), "{id}", function() return ids_in[n] or "missing" end))
end

function request()
  if next_n > last_n then
    in_flight = false
    return wrk.format("GET", "/api/status")
  end
  -- The number moves on only when its answer comes: wrk calls request() once more than it sends, to check the script.
  in_flight = true
  local n = next_n
  local headers = { ["Authorization"] = auth }
  local body = nil
  if body_template ~= "" then
    headers["Content-Type"] = "application/json"
    body = fill(body_template, n)
  end
  return wrk.format(method, fill(path_template, n), headers, body)
end

function response(status, headers, body)
  check(status, body)
  if in_flight then next_n = next_n + 1 end
  if in_flight and status == 200 then
    created = created + 1
    if out then
      local id = string.match(body, '"id":"([^"]+)"')
      if id then out:write(id, "\n"); out:flush() end
    end
  end
end

local common_done = done
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads_seen) do total = total + (t:get("created") or 0) end
  io.write(string.format('BENCH_LOAD {"created":%d}\n', total))
  common_done(summary, latency, requests)
end

threads_seen = {}
local common_setup = setup
function setup(thread)
  common_setup(thread)
  table.insert(threads_seen, thread)
end
