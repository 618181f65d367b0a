#!/usr/bin/env bash
# How Coffer's cost grows with the data (issue 22). Every curve grows its own data step by step (10x) through the
# public API and measures at each step: req/s, p99 and the server's CPU per request, with its RSS. Curves:
#   secrets  B1 (one secret by name) and B2 (list of 100) while the project holds 100 -> 100 000 secrets
#   lists    one folder's list of 100, 1 000 and 10 000 secrets
#   tree     recursive list of a tree of 10 -> 1 000 folders (4 per folder: 1 000 are 5 levels deep)
#   rules    B1 and B2 by an identity whose custom role has 1 -> 100 glob rules
#   logins   universal-auth login while the organization holds 10 -> 100 000 identities
#   members  the founding DELETE identity membership (paired with the re-create) at 10 -> 10 000 members
#   projects B1, the reader's project list and the admin's list of all while the organization holds 10 -> 10 000 projects
#   audit    audit-log searches (by project, event type, time range, both, a deep page) and B1's audited reads while
#            audit_logs grows 10 000 -> 10 000 000 rows (copies of the API's rows: see bench/lib/scale_audit.sh);
#            it runs first, so the other curves run against the large trail, as a server with years of history does
# then a restart with all of it: start-up time and idle RSS. JSON in bench/results/scale-<date>-<db>.json, an SVG
# chart per curve beside it (gnuplot), the targets of issue 22 reported (never enforced).
#
#   bench/scale.sh                  SQLite, every curve at full size, 10 s per measurement after a 2 s warm-up
#   bench/scale.sh --postgres       the same on PostgreSQL (a server on 127.0.0.1:55432 is reused, else one is started)
#   bench/scale.sh --max 10000      no step above that size (quick runs); --max-audit N likewise for audit rows
#   bench/scale.sh --smoke          every curve at its first sizes (--max 100), 1 s measurements: a check, not a result
#   bench/scale.sh --plot FILE      only draw FILE's charts again
#   options: --curves a,b  --duration S  --warmup S  --no-build  --out FILE
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
BENCH="$ROOT/bench"
export BENCH_WRK_DIR="$BENCH/wrk"

DB=sqlite DURATION=10 WARMUP=2 BUILD=1 OUT="" MAX=100000 MAX_AUDIT=10000000 SMOKE=0
CURVE_LIST=audit,secrets,lists,tree,rules,logins,members,projects
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) DB=postgres ;;
    --max) MAX="$2"; shift ;;
    --max-audit) MAX_AUDIT="$2"; shift ;;
    --curves) CURVE_LIST="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --out) OUT="$2"; shift ;;
    --smoke) SMOKE=1 MAX=100 MAX_AUDIT=10000 DURATION=1 WARMUP=1 ;;
    --plot) PLOT_ONLY="$2"; shift ;;
    *) echo "usage: $0 [--postgres] [--max N] [--curves a,b] [--smoke] [--duration S] [--warmup S] [--no-build] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

source "$BENCH/lib/common.sh"
source "$BENCH/lib/server.sh"
source "$BENCH/lib/seed.sh"
source "$BENCH/lib/scenarios.sh"
source "$BENCH/lib/scale_data.sh"
source "$BENCH/lib/scale_curves.sh"
source "$BENCH/lib/scale_audit.sh"
source "$BENCH/lib/scale_plot.sh"

ensure_commands gnuplot:gnuplot-nox
if [ -n "${PLOT_ONLY:-}" ]; then
  WORK="$(mktemp -d /tmp/coffer-scale.XXXXXX)"
  trap 'rm -rf "$WORK"' EXIT
  plot_curves "$PLOT_ONLY"
  exit 0
fi
ensure_tools
# The audit loader writes SQLite files with the sqlite3 shell (psql on PostgreSQL).
[ "$DB" = postgres ] || ensure_commands sqlite3:sqlite3
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
FIRST_STARTUP_MS=$STARTUP_MS

started="$(now_ms)"
for c in audit secrets lists tree rules logins members projects; do
  if want "$c"; then
    log "curve $c"
    "curve_$c"
  fi
done
restart_with_data
log "curves measured in $((($(now_ms) - started) / 1000)) s"
if [ "$DB" = postgres ]; then
  DATA_MB="$(psql_admin "SELECT pg_database_size('$PG_DB') / 1048576")"
else
  DATA_MB="$(du -sm "$WORK/data" | cut -f1)"
fi
stop_server

file="${OUT:-$BENCH/results/scale-$(date -u +%Y-%m-%d)-$DB.json}"
[ "$SMOKE" = 0 ] || file="${OUT:-$WORK/scale-smoke.json}"
mkdir -p "$(dirname "$file")"
jq -n --argjson curves "$CURVES" --argjson restart "$RESTART_JSON" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg db "$DB" \
  --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" --arg dur "$DURATION" --arg max "$MAX" --arg data "$DATA_MB" \
  --arg first "$FIRST_STARTUP_MS" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  '{date: $date, commit: $commit, database: $db, seconds_per_measurement: ($dur|tonumber), max_size: ($max|tonumber),
    machine: {cores: '"$(nproc)"', cpu: $cpu, load_average_after: $load},
    curves: $curves,
    restart: ($restart + {empty_startup_ms: ($first|tonumber), data_mb: ($data|tonumber)}),
    targets: ([
      ($curves.secrets.points // [] | select(length > 1) |
        {name: "B1 at \(last.x) / at \(first.x) secrets (req/s)", value: (last.series.B1.rps / first.series.B1.rps), target: 0.8, at_least: true},
        {name: "B2 at \(last.x) / at \(first.x) secrets (req/s)", value: (last.series.B2.rps / first.series.B2.rps), target: 0.8, at_least: true}),
      ($curves.lists.points // [] | map(select(.x == 10000)) | .[] |
        {name: "list of 10 000 secrets, server ms per request", value: (.series.list.server_cpu_us_per_request / 1000), target: 100, at_least: false}),
      ($curves.audit.points // [] | select(length > 0) | last |
        {name: "audit search by project and time range at \(.x) rows, ms (one connection, p50)", value: .series.project_and_time.latency_ms.p50, target: 50, at_least: false}),
      ($curves.logins.points // [] | select(length > 1) |
        {name: "login at \(last.x) / at \(first.x) identities (req/s)", value: (last.series.login.rps / first.series.login.rps), target: 0.8, at_least: true}),
      {name: "start-up with the data (ms)", value: $restart.startup_ms, target: 1500, at_least: false},
      {name: "idle RSS with the data (MB)", value: $restart.idle_rss_mb, target: 120, at_least: false}
    ] | map(. + {met: (if .at_least then .value >= .target else .value <= .target end)}))}' >"$file"
plot_curves "$file"

echo
echo "Coffer scale — $DB, $DURATION s per measurement (server CPU per request is the cost; req/s shares 2 cores with wrk)"
for name in $(jq -r '.curves | keys_unsorted[]' "$file"); do
  echo
  echo "$(jq -r --arg n "$name" '.curves[$n].title' "$file") — x: $(jq -r --arg n "$name" '.curves[$n].x_label' "$file")"
  jq -r --arg n "$name" '.curves[$n].points[] | "\(.x)\t" + ([.series | to_entries[] |
      "\(.key): \(.value.rps | floor) req/s, p99 \(.value.latency_ms.p99) ms, \(.value.server_cpu_us_per_request | floor) µs"] | join("   "))
      + "   RSS \(.rss_mb | floor) MB"' "$file" | while IFS=$'\t' read -r x rest; do printf '%10s  %s\n' "$x" "$rest"; done
done
echo
jq -r '.restart | "restart with the data (\(.data_mb) MB on disk): start-up \(.startup_ms) ms (empty: \(.empty_startup_ms) ms), idle RSS \(.idle_rss_mb | floor) MB"' "$file"
jq -r '.targets[] | "\(.name): \(.value * 100 | round / 100) (target \(if .at_least then "≥" else "≤" end) \(.target)) \(if .met then "yes" else "NO" end)"' "$file"
log "results written to ${file#"$ROOT/"} and its charts to ${file%.json}-*.svg"
[ "$FAILURES" -eq 0 ] || die "$FAILURES check(s) failed (see above)"
