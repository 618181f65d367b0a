-- One GET, repeated: BENCH_GET_PATH (with its query) read with BENCH_TOKEN. bench/scale.sh reads the audit trail's
-- searches and the caller's project list with it.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = os.getenv("BENCH_GET_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
