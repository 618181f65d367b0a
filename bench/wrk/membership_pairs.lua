-- B4: create, then delete, an identity's membership of the project, over and over. Each wrk thread runs exactly one
-- connection and owns one identity (BENCH_IDENTITY_IDS, comma-separated, one per thread), so its requests strictly
-- alternate POST, DELETE, POST... and each one is expected to succeed. A pair is two requests.
--
-- The next method follows from the last answer, not from a counter in request(): wrk calls request() once more on
-- the first thread to check the script, and that call must not skip a step. run.sh removes leftover memberships
-- between runs, so every run starts with a create.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local create_req, delete_req
local member = false
local sent_create = false

function init(args)
  local ids = {}
  for id in string.gmatch(os.getenv("BENCH_IDENTITY_IDS"), "[^,]+") do table.insert(ids, id) end
  local identity = ids[(thread_id % #ids) + 1]
  local path = "/api/v1/projects/" .. os.getenv("BENCH_PROJECT_ID") .. "/identity-memberships/" .. identity
  local auth = "Bearer " .. os.getenv("BENCH_ADMIN_TOKEN")
  create_req = wrk.format("POST", path, { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, '{"role":"member"}')
  delete_req = wrk.format("DELETE", path, { ["Authorization"] = auth }, nil)
end

function request()
  sent_create = not member
  return sent_create and create_req or delete_req
end

function response(status, headers, body)
  check(status, body)
  if status == 200 then member = sent_create end
end
