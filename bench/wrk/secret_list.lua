-- B2: GET /api/v3/secrets/raw, the folder's 100 secrets with ${...} references expanded.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/api/v3/secrets/raw?workspaceId=" .. os.getenv("BENCH_PROJECT_ID") ..
  "&environment=dev&secretPath=%2F&expandSecretReferences=true"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
