-- B7: GET /projects/{id}, the console's secrets overview (3 environments x 200 keys), signed in by cookie,
-- compressed as a browser receives it.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/projects/" .. os.getenv("BENCH_CONSOLE_PROJECT_ID")
wrk.headers["Cookie"] = "coffer_session=" .. os.getenv("BENCH_CONSOLE_COOKIE")
-- As a browser following a link asks (the console compresses pages only for the origin's own requests).
wrk.headers["Accept-Encoding"] = "br, gzip"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
