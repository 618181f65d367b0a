-- B0: GET /api/status, no auth, no database: the in-process ceiling.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/api/status"
