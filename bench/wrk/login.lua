-- B3: POST /api/v1/auth/universal-auth/login with the machine identity's client id and secret.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.path = "/api/v1/auth/universal-auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"clientId":"' .. os.getenv("BENCH_CLIENT_ID") .. '","clientSecret":"' .. os.getenv("BENCH_CLIENT_SECRET") .. '"}'
