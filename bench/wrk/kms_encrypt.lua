-- B6: POST /api/v1/kms/keys/{keyId}/encrypt with a 1 KB plaintext: a KMS key's material opened, AES-GCM, audited.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local body, path, auth

function init(args)
  auth = "Bearer " .. os.getenv("BENCH_TOKEN")
  path = "/api/v1/kms/keys/" .. os.getenv("BENCH_KMS_KEY_ID") .. "/encrypt"
  body = '{"plaintext":"' .. os.getenv("BENCH_KMS_PLAINTEXT") .. '"}'
end

function request()
  return wrk.format("POST", path, { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end
