-- B5: PATCH /api/v3/secrets/raw/{name}: each request writes a new value to one of the plain secrets, in turn.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local names = {}
local counter = 0
local auth, project

function init(args)
  for name in string.gmatch(os.getenv("BENCH_WRITE_NAMES"), "[^,]+") do table.insert(names, name) end
  auth = "Bearer " .. os.getenv("BENCH_TOKEN")
  project = os.getenv("BENCH_PROJECT_ID")
end

function request()
  counter = counter + 1
  local name = names[(counter % #names) + 1]
  local body = '{"workspaceId":"' .. project .. '","environment":"dev","secretPath":"/","secretValue":"v-' ..
    thread_id .. "-" .. counter .. '"}'
  return wrk.format("PATCH", "/api/v3/secrets/raw/" .. name, { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end
