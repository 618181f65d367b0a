-- B7: GET /projects/{id}, the console's secrets overview (3 environments x 200 keys), signed in by cookie.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/projects/" .. os.getenv("BENCH_CONSOLE_PROJECT_ID")
wrk.headers["Cookie"] = "coffer_session=" .. os.getenv("BENCH_CONSOLE_COOKIE")
