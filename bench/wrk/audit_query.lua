-- The audit trail's search: GET /api/v1/organization/audit-logs with BENCH_AUDIT_QUERY (the filters after "?"), read
-- with the admin identity's token (organization audit-logs read).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/api/v1/organization/audit-logs?" .. os.getenv("BENCH_AUDIT_QUERY")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
