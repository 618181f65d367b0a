#!/usr/bin/env bash
# Profiles one scenario: starts the server (Release, fresh SQLite or --postgres), seeds it as run.sh does, drives the
# scenario with wrk and records a dotnet-trace thread-time trace of the middle of the run, then prints the busiest
# frames (bench/profile/top.py). Needs the dotnet-trace global tool (dotnet tool install -g dotnet-trace). Builds the
# server in Release first, so the profile is of the tree as it is (a stale build profiles old code).
#   bench/profile/trace.sh B1|B2|B3|B4|B5 [seconds] [--postgres]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)" BENCH="$ROOT/bench" MODE=profile DB=sqlite
export BENCH_WRK_DIR="$BENCH/wrk" PATH="$PATH:$HOME/.dotnet/tools"
SCENARIO="${1:?scenario}" SECS="${2:-10}"
[ "${3:-}" = --postgres ] && DB=postgres
source "$BENCH/lib/common.sh"; source "$BENCH/lib/server.sh"; source "$BENCH/lib/seed.sh"; source "$BENCH/lib/scenarios.sh"
WORK="$(mktemp -d /tmp/coffer-profile.XXXXXX)"
trap cleanup EXIT
log "building Release"
dotnet build src/Coffer.Server -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; die "build failed"; }
[ "$DB" = postgres ] && prepare_postgres
start_server
seed
common=(BENCH_PROJECT_ID="$PROJECT_ID" BENCH_TOKEN="$TOKEN")
case "$SCENARIO" in
  B0) args=(status.lua 2 16) ;;
  B1) args=(secret_get.lua 2 16 "${common[@]}" BENCH_SECRET_NAME="$READ_NAME") ;;
  B2) args=(secret_list.lua 2 16 "${common[@]}") ;;
  B3) args=(login.lua 2 16 BENCH_CLIENT_ID="$CLIENT_ID" BENCH_CLIENT_SECRET="$CLIENT_SECRET") ;;
  B4) args=(membership_pairs.lua 4 4 BENCH_PROJECT_ID="$PROJECT_ID" BENCH_ADMIN_TOKEN="$ADMIN_TOKEN" BENCH_IDENTITY_IDS="$B4_IDS") ;;
  B5) args=(secret_update.lua 2 16 "${common[@]}" BENCH_WRITE_NAMES="$WRITE_NAMES") ;;
  *) die "unknown scenario $SCENARIO" ;;
esac
script="${args[0]}" threads="${args[1]}" conns="${args[2]}"
wrk_once warm "$script" "$threads" "$conns" 3 "${args[@]:3}" >/dev/null
[ "$SCENARIO" = B4 ] && b4_reset
wrk_once "$SCENARIO" "$script" "$threads" "$conns" $((SECS + 4)) "${args[@]:3}" >"$WORK/load.json" &
load_pid=$!
sleep 2
out="$ROOT/artifacts/profile/$SCENARIO-$(date +%H%M%S)"
mkdir -p "$(dirname "$out")"
dotnet-trace collect -p "$SERVER_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf '%02d' "$SECS")" \
  --format Speedscope -o "$out.nettrace" >"$WORK/trace.log" 2>&1 || { cat "$WORK/trace.log" >&2; }
wait "$load_pid"
jq -c '{rps, latency_ms, server_cpu_us_per_request, unexpected_status}' "$WORK/load.json"
python3 "$BENCH/profile/top.py" "$out.speedscope.json" 45
