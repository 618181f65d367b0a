-- B1: GET /api/v3/secrets/raw/{name}, one secret read with a machine identity's token.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/api/v3/secrets/raw/" .. os.getenv("BENCH_SECRET_NAME") .. "?workspaceId=" .. os.getenv("BENCH_PROJECT_ID") ..
  "&environment=dev&secretPath=%2F&expandSecretReferences=true"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
