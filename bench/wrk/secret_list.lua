-- B2: GET /api/v3/secrets/raw, the folder's 100 secrets with ${...} references expanded. bench/scale.sh also lists
-- other folders (BENCH_SECRET_PATH) and whole trees (BENCH_LIST_EXTRA="&recursive=true").
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local folder = string.gsub(os.getenv("BENCH_SECRET_PATH") or "/", "/", "%%2F")
wrk.method = "GET"
wrk.path = "/api/v3/secrets/raw?workspaceId=" .. os.getenv("BENCH_PROJECT_ID") ..
  "&environment=dev&secretPath=" .. folder .. "&expandSecretReferences=true" .. (os.getenv("BENCH_LIST_EXTRA") or "")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
