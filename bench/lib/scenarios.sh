# The scenarios (sourced by bench/run.sh). Each one: a warm-up run, then the measured run; both check every status.
# Results land in $WORK/results/<name>.json, one wrk summary each, plus the server's CPU time per request.

THREADS=2
CONNECTIONS=16
HALF_RATE_CONNECTIONS=32
declare -A AUDITED_MIN=() AUDITED_SLACK=()

# Runs wrk once: NAME SCRIPT THREADS CONNECTIONS SECONDS [VAR=VALUE...]; prints the summary JSON.
wrk_once() {
  local name="$1" script="$2" threads="$3" conns="$4" secs="$5"
  shift 5
  local out="$WORK/wrk-$name.out" ticks0 ticks1 line
  ticks0="$(server_cpu_ticks)"
  env BENCH_CONNECTIONS="$conns" "$@" wrk -t "$threads" -c "$conns" -d "${secs}s" --timeout 5s \
    -s "$BENCH_WRK_DIR/$script" "$BASE_URL" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed in $name"; }
  ticks1="$(server_cpu_ticks)"
  line="$(grep '^BENCH_JSON ' "$out" | tail -1 | cut -d' ' -f2-)"
  [ -n "$line" ] || { cat "$out" >&2; die "no summary from wrk in $name"; }
  # Server CPU per request (µs) tells cost independently of how the two cores were shared with wrk.
  jq -c --arg t "$threads" --arg c "$conns" --arg ticks "$((ticks1 - ticks0))" --arg hz "$(getconf CLK_TCK)" \
    '. + {threads: ($t|tonumber), connections: ($c|tonumber),
          server_cpu_us_per_request: (if .requests > 0 then (($ticks|tonumber) * 1e6 / ($hz|tonumber) / .requests) else null end)}' <<<"$line"
}

# Fails the run on anything but the expected statuses, socket errors or timeouts.
check_run() {
  local name="$1" json="$2" bad
  bad="$(jq '.unexpected_status + .errors.connect + .errors.read + .errors.write + .errors.timeout' <<<"$json")"
  if [ "$bad" -ne 0 ]; then fail "$name: $bad unexpected response(s); first: $(jq -r .first_unexpected <<<"$json")"; fi
  [ "$(jq .requests <<<"$json")" -gt 0 ] || fail "$name: no request completed"
  server_alive || { cat "$WORK/server.log" >&2; die "server died during $name"; }
}

# Counts what audit events a run must have produced: at least every counted response, at most one more per connection
# (a request the server answered after wrk stopped counting).
expect_audited() {
  local event="$1" json="$2"
  AUDITED_MIN[$event]=$((${AUDITED_MIN[$event]:-0} + $(jq .requests <<<"$json")))
  AUDITED_SLACK[$event]=$((${AUDITED_SLACK[$event]:-0} + $(jq .connections <<<"$json")))
}

scenario() { # NAME SCRIPT THREADS CONNECTIONS AUDIT_EVENT|- [VAR=VALUE...]
  local name="$1" script="$2" threads="$3" conns="$4" event="$5" json
  shift 5
  [ -z "${BEFORE_EACH_RUN:-}" ] || "$BEFORE_EACH_RUN"
  log "$name: warm-up ${WARMUP}s"
  json="$(wrk_once "$name-warmup" "$script" "$threads" "$conns" "$WARMUP" "$@")"
  check_run "$name warm-up" "$json"
  if [ "$event" != - ]; then expect_audited "$event" "$json"; fi
  [ -z "${BEFORE_EACH_RUN:-}" ] || "$BEFORE_EACH_RUN"
  log "$name: ${DURATION}s, $threads thread(s), $conns connection(s)"
  json="$(wrk_once "$name" "$script" "$threads" "$conns" "$DURATION" "$@")"
  check_run "$name" "$json"
  if [ "$event" != - ]; then expect_audited "$event" "$json"; fi
  echo "$json" >"$WORK/results/$name.json"
}

# A run can stop between a create and its delete: start the next one with no B4 identity in the project.
b4_reset() {
  local id status
  for id in ${B4_IDS//,/ }; do
    status="$(api_status DELETE "/api/v1/projects/$PROJECT_ID/identity-memberships/$id" "$ADMIN_TOKEN")"
    [ "$status" = 200 ] || [ "$status" = 404 ] || fail "B4 reset: DELETE answered $status"
  done
}

secret_path() { echo "/api/v3/secrets/raw/$READ_NAME?workspaceId=$PROJECT_ID&environment=dev&secretPath=%2F"; }

# Decision 8 under load: while B1 runs, revoke a warm token and delete a warm membership; the very next request of
# each must be refused. Also counts its own successful reads (they are audited too).
revocation_checks() {
  local path status ok=true
  path="$(secret_path)"
  CHECK_READS=0
  for _ in 1 2 3; do
    [ "$(api_status GET "$path" "$REVOKED_TOKEN")" = 200 ] || { fail "revocation check: token not usable before revocation"; ok=false; }
    [ "$(api_status GET "$path" "$DROPPED_TOKEN")" = 200 ] || { fail "membership check: identity not a member before deletion"; ok=false; }
    CHECK_READS=$((CHECK_READS + 2))
  done
  api POST /api/v1/auth/token/revoke - "{\"accessToken\":\"$REVOKED_TOKEN\"}" >/dev/null
  status="$(api_status GET "$path" "$REVOKED_TOKEN")"
  [ "$status" = 401 ] || { fail "revoked token answered $status on the next request (want 401)"; ok=false; }
  api DELETE "/api/v1/projects/$PROJECT_ID/identity-memberships/$DROPPED_ID" "$ADMIN_TOKEN" - >/dev/null
  status="$(api_status GET "$path" "$DROPPED_TOKEN")"
  [ "$status" = 403 ] || { fail "identity with deleted membership answered $status on the next request (want 403)"; ok=false; }
  status="$(api_status GET "$path" "$TOKEN")"
  [ "$status" = 200 ] || { fail "the load's own token answered $status after the revocations (want 200)"; ok=false; }
  CHECK_READS=$((CHECK_READS + 1))
  REVOCATION_OK=$ok
}

run_scenarios() {
  mkdir -p "$WORK/results"
  local common=(BENCH_PROJECT_ID="$PROJECT_ID" BENCH_TOKEN="$TOKEN")

  scenario B0 status.lua "$THREADS" "$CONNECTIONS" -

  # B1 with the revocation checks in the middle of the measured run.
  log "B1: warm-up ${WARMUP}s"
  local json
  json="$(wrk_once B1-warmup secret_get.lua "$THREADS" "$CONNECTIONS" "$WARMUP" "${common[@]}" BENCH_SECRET_NAME="$READ_NAME")"
  check_run "B1 warm-up" "$json"
  expect_audited get-secret "$json"
  log "B1: ${DURATION}s, $THREADS thread(s), $CONNECTIONS connection(s), revocation checks half-way"
  wrk_once B1 secret_get.lua "$THREADS" "$CONNECTIONS" "$DURATION" "${common[@]}" BENCH_SECRET_NAME="$READ_NAME" >"$WORK/results/B1.json" &
  local wrk_pid=$!
  sleep "$(awk -v d="$DURATION" 'BEGIN { print d / 2 }')"
  revocation_checks
  wait "$wrk_pid" || die "B1 load failed"
  json="$(cat "$WORK/results/B1.json")"
  check_run B1 "$json"
  expect_audited get-secret "$json"
  AUDITED_MIN[get-secret]=$((${AUDITED_MIN[get-secret]} + CHECK_READS))

  # B1 again at half the rate it just reached, for its latency when not saturated.
  local half
  half="$(jq '.rps / 2 | floor' <<<"$json")"
  log "B1-half: ${DURATION}s paced at $half req/s over $HALF_RATE_CONNECTIONS connections"
  json="$(wrk_once B1-half secret_get.lua "$THREADS" "$HALF_RATE_CONNECTIONS" "$DURATION" "${common[@]}" \
    BENCH_SECRET_NAME="$READ_NAME" BENCH_RATE="$half")"
  check_run B1-half "$json"
  expect_audited get-secret "$json"
  jq -c --arg target "$half" '. + {target_rps: ($target|tonumber)}' <<<"$json" >"$WORK/results/B1-half.json"

  scenario B2 secret_list.lua "$THREADS" "$CONNECTIONS" get-secrets "${common[@]}"
  scenario B3 login.lua "$THREADS" "$CONNECTIONS" - BENCH_CLIENT_ID="$CLIENT_ID" BENCH_CLIENT_SECRET="$CLIENT_SECRET"
  # One connection per thread, one identity per thread: creates and deletes strictly alternate.
  BEFORE_EACH_RUN=b4_reset
  scenario B4 membership_pairs.lua "$B4_THREADS" "$B4_THREADS" - BENCH_PROJECT_ID="$PROJECT_ID" \
    BENCH_ADMIN_TOKEN="$ADMIN_TOKEN" BENCH_IDENTITY_IDS="$B4_IDS"
  BEFORE_EACH_RUN=""
  scenario B5 secret_update.lua "$THREADS" "$CONNECTIONS" - "${common[@]}" BENCH_WRITE_NAMES="$WRITE_NAMES"
  scenario B6 kms_encrypt.lua "$THREADS" "$CONNECTIONS" cmek-encrypt "${common[@]}" BENCH_KMS_KEY_ID="$KMS_KEY_ID" \
    BENCH_KMS_PLAINTEXT="$KMS_PLAINTEXT"
}

# After the clean shutdown: every read answered must have its audit event on disk (the batcher drains on stop).
count_audit_events() { # EVENT -> count
  if [ "$DB" = postgres ]; then
    "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -qAt \
      -c "SELECT count(*) FROM audit_logs WHERE event_type = '$1'"
  else
    python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM audit_logs WHERE event_type = ?", (sys.argv[2],)).fetchone()[0])' \
      "$WORK/data/coffer.db" "$1"
  fi
}

check_audit_completeness() {
  AUDIT_JSON="{}"
  local event n min max
  for event in "${!AUDITED_MIN[@]}"; do
    n="$(count_audit_events "$event")"
    min="${AUDITED_MIN[$event]}"
    max=$((min + ${AUDITED_SLACK[$event]}))
    if [ "$n" -lt "$min" ] || [ "$n" -gt "$max" ]; then
      fail "audit: $n '$event' events on disk, expected between $min and $max"
    fi
    AUDIT_JSON="$(jq -c --arg e "$event" --arg n "$n" --arg min "$min" --arg max "$max" \
      '. + {($e): {on_disk: ($n|tonumber), expected_min: ($min|tonumber), expected_max: ($max|tonumber)}}' <<<"$AUDIT_JSON")"
  done
}
