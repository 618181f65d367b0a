#!/usr/bin/env bash
# How Coffer's cost grows with the data (issue 22), first curve: B1 (one secret by name) and B2 (the folder's list of
# 100, references expanded) while the project holds 100, 1 000, 10 000 and 100 000 secrets. The 100 read are at "/";
# the rest go, 1 000 per folder, into /bulk/fNNNN of the same environment, written through the public batch route as a
# client would. At each size: req/s, p99 and the server's CPU per request, printed as a table and written as JSON.
#
#   bench/scale.sh                  SQLite, up to 100 000 secrets, 10 s per measurement after a 2 s warm-up
#   bench/scale.sh --postgres       the same on PostgreSQL (a server on 127.0.0.1:55432 is reused, else one is started)
#   bench/scale.sh --max 10000      stop at that many secrets (quick runs)
#   options: --duration S, --warmup S, --no-build, --out FILE
#
# The answer of B1 and B2 does not change as the project grows, so neither should their cost: the target is each at
# the largest size within 80 % of its throughput at 100 secrets (reported, never enforced).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
BENCH="$ROOT/bench"
export BENCH_WRK_DIR="$BENCH/wrk"

MODE=scale DB=sqlite DURATION=10 WARMUP=2 BUILD=1 OUT="" MAX=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) DB=postgres ;;
    --max) MAX="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --out) OUT="$2"; shift ;;
    *) echo "usage: $0 [--postgres] [--max N] [--duration S] [--warmup S] [--no-build] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

source "$BENCH/lib/common.sh"
source "$BENCH/lib/server.sh"
source "$BENCH/lib/seed.sh"
source "$BENCH/lib/scenarios.sh"

FOLDER_SIZE=1000
SIZES=(100 1000 10000 100000)

ensure_tools
WORK="$(mktemp -d /tmp/coffer-scale.XXXXXX)"
trap cleanup EXIT
mkdir -p "$WORK/results"

if [ "$BUILD" = 1 ]; then
  log "building Release"
  dotnet build src/Coffer.Server -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; die "build failed"; }
fi
[ "$DB" = postgres ] && prepare_postgres
start_server
seed

# Grows the project to $1 secrets: folders of up to FOLDER_SIZE under /bulk, each written in one batch.
HELD=$SECRET_COUNT
FOLDERS=0
grow_to() {
  local target="$1" folder batch count
  while [ "$HELD" -lt "$target" ]; do
    count=$((target - HELD < FOLDER_SIZE ? target - HELD : FOLDER_SIZE))
    FOLDERS=$((FOLDERS + 1))
    folder="$(printf 'f%04d' "$FOLDERS")"
    [ "$FOLDERS" -gt 1 ] || api POST /api/v1/folders "$ADMIN_TOKEN" \
      "{\"workspaceId\":\"$PROJECT_ID\",\"environment\":\"dev\",\"name\":\"bulk\",\"path\":\"/\"}" >/dev/null
    api POST /api/v1/folders "$ADMIN_TOKEN" \
      "{\"workspaceId\":\"$PROJECT_ID\",\"environment\":\"dev\",\"name\":\"$folder\",\"path\":\"/bulk\"}" >/dev/null
    batch="$(jq -c -n --arg f "$folder" --argjson n "$count" \
      '[range(1; $n + 1) | {secretKey: ("BULK_\($f)_\(.)"), secretValue: ("bulk-value-\(.)-\($f)")}]')"
    api POST /api/v3/secrets/batch/raw "$ADMIN_TOKEN" \
      "{\"workspaceId\":\"$PROJECT_ID\",\"environment\":\"dev\",\"secretPath\":\"/bulk/$folder\",\"secrets\":$batch}" >/dev/null
    HELD=$((HELD + count))
  done
}

measure() { # NAME SCRIPT [VAR=VALUE...] -> the measured run's JSON, after a warm-up
  local name="$1" script="$2" json
  shift 2
  json="$(wrk_once "$name-warmup" "$script" "$THREADS" "$CONNECTIONS" "$WARMUP" "$@")"
  check_run "$name warm-up" "$json"
  json="$(wrk_once "$name" "$script" "$THREADS" "$CONNECTIONS" "$DURATION" "$@")"
  check_run "$name" "$json"
  echo "$json"
}

POINTS="[]"
common=(BENCH_PROJECT_ID="$PROJECT_ID" BENCH_TOKEN="$TOKEN")
for size in "${SIZES[@]}"; do
  [ "$size" -le "$MAX" ] || break
  t0="$(now_ms)"
  grow_to "$size"
  log "project holds $HELD secrets (grown in $(($(now_ms) - t0)) ms); measuring B1 and B2"
  b1="$(measure "B1-$size" secret_get.lua "${common[@]}" BENCH_SECRET_NAME="$READ_NAME")"
  b2="$(measure "B2-$size" secret_list.lua "${common[@]}")"
  POINTS="$(jq -c --argjson held "$HELD" --argjson b1 "$b1" --argjson b2 "$b2" --arg rss "$(proc_status_kb VmRSS)" \
    '. + [{secrets: $held, rss_mb: (($rss|tonumber) / 1024), B1: $b1, B2: $b2}]' <<<"$POINTS")"
done
stop_server

file="${OUT:-$BENCH/results/scale-$(date -u +%Y-%m-%d)-$DB.json}"
mkdir -p "$(dirname "$file")"
jq -n --argjson points "$POINTS" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg db "$DB" \
  --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" --arg dur "$DURATION" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  '{date: $date, commit: $commit, database: $db, seconds_per_measurement: ($dur|tonumber),
    machine: {cores: '"$(nproc)"', cpu: $cpu, load_average_after: $load},
    points: $points,
    targets: ($points | if length > 1 then [
      {name: "B1 at \(last.secrets) / at \(first.secrets) secrets", value: (last.B1.rps / first.B1.rps), target: 0.8},
      {name: "B2 at \(last.secrets) / at \(first.secrets) secrets", value: (last.B2.rps / first.B2.rps), target: 0.8}
    ] | map(. + {met: (.value >= .target)}) else [] end)}' >"$file"

echo
echo "Coffer scale — $DB, $DURATION s per measurement, secrets in the project vs B1 (one secret) and B2 (list of 100)"
echo
printf '%10s %10s %10s %12s %10s %10s %12s %8s\n' secrets "B1 req/s" "B1 p99 ms" "B1 µs/req" "B2 req/s" "B2 p99 ms" "B2 µs/req" "RSS MB"
jq -r '.points[] | [.secrets, (.B1.rps|floor), .B1.latency_ms.p99, (.B1.server_cpu_us_per_request|floor),
  (.B2.rps|floor), .B2.latency_ms.p99, (.B2.server_cpu_us_per_request|floor), (.rss_mb|floor)] | @tsv' "$file" |
  while IFS=$'\t' read -r n r1 p1 c1 r2 p2 c2 rss; do
    printf '%10s %10s %10s %12s %10s %10s %12s %8s\n' "$n" "$r1" "$p1" "$c1" "$r2" "$p2" "$c2" "$rss"
  done
echo
jq -r '.targets[] | "\(.name): \((.value * 100 | floor))% (target ≥ \((.target * 100 | floor))%) \(if .met then "yes" else "NO" end)"' "$file"
log "results written to ${file#"$ROOT/"}"
[ "$FAILURES" -eq 0 ] || die "$FAILURES check(s) failed (see above)"
