#!/usr/bin/env bash
# Coffer's load benchmark (issue 6). Builds Release, starts the server on a fresh database, seeds a project, drives
# load with wrk from this machine, prints a table and writes bench/results/<date>[-n].json.
#
#   bench/run.sh               full run on SQLite (15 s per scenario after a 3 s warm-up)
#   bench/run.sh --postgres    the same on PostgreSQL (reuses a server on 127.0.0.1:55432, else starts one)
#   bench/run.sh --quick       CI smoke: 2 s per scenario; fails only on an unexpected status or a server failure
#   options: --duration S, --warmup S, --no-build, --out FILE
#
# Every response's status is checked; any unexpected one (or a socket error or timeout) fails the run. Timing
# targets are reported beside each figure, never enforced: absolute speed depends on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
BENCH="$ROOT/bench"
export BENCH_WRK_DIR="$BENCH/wrk"

MODE=full DB=sqlite DURATION=15 WARMUP=3 BUILD=1 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick DURATION=2 WARMUP=1 ;;
    --postgres) DB=postgres ;;
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --out) OUT="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--postgres] [--duration S] [--warmup S] [--no-build] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

source "$BENCH/lib/common.sh"
source "$BENCH/lib/server.sh"
source "$BENCH/lib/seed.sh"
source "$BENCH/lib/scenarios.sh"
source "$BENCH/lib/console.sh"
source "$BENCH/lib/report.sh"

ensure_tools
WORK="$(mktemp -d /tmp/coffer-bench.XXXXXX)"
trap cleanup EXIT

if [ "$BUILD" = 1 ]; then
  log "building Release"
  dotnet build src/Coffer.Server -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; die "build failed"; }
fi

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
[ "$DB" = postgres ] && prepare_postgres
# Start-up is one process start, the noisiest figure of a run on a shared VM: on SQLite take the median of three lone
# starts on fresh databases (the third is the server under test); every sample is kept in the JSON.
STARTUP_SAMPLES=()
if [ "$DB" = sqlite ]; then
  for _ in 1 2; do
    start_server
    STARTUP_SAMPLES+=("$STARTUP_MS")
    stop_server
    rm -rf "$WORK/data"
  done
fi
start_server
STARTUP_SAMPLES+=("$STARTUP_MS")
STARTUP_MS="$(printf '%s\n' "${STARTUP_SAMPLES[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
sleep 2
RSS_IDLE_KB="$(proc_status_kb VmRSS)"
log "server up in ${STARTUP_MS} ms (median of ${STARTUP_SAMPLES[*]}), idle RSS $((RSS_IDLE_KB / 1024)) MB"

seed
RSS_SEEDED_KB="$(proc_status_kb VmRSS)"

run_scenarios
# The API scenarios' peak alone, before the console's (B7 renders 600-cell pages, a different memory profile).
RSS_PEAK_API_KB="$(proc_status_kb VmHWM)"
log "peak RSS through B0-B6: $((RSS_PEAK_API_KB / 1024)) MB"
seed_console
measure_console
RSS_PEAK_KB="$(proc_status_kb VmHWM)"
RSS_END_KB="$(proc_status_kb VmRSS)"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
stop_server

write_report
[ "$FAILURES" -eq 0 ] || die "$FAILURES check(s) failed (see above)"
log "ok"
