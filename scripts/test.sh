#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit tests, the integration suite on SQLite and on PostgreSQL
# (installed from Debian packages and started in a temp dir if needed), and the official SDK end-to-end tests.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
export COFFER_TEST_REPORT_DIR="$RESULTS"
passed=0
failed=0

count_trx() { # label dir -> prints each test project's counts and the phase's, and adds them to the totals
  local label="$1" dir="$2" found=0 f p fl sk project phase_p=0 phase_f=0 phase_s=0
  while IFS= read -r f; do
    found=1
    p=$(grep -o ' passed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*')
    fl=$(grep -o ' failed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*')
    sk=$(grep -o 'outcome="NotExecuted"' "$f" | wc -l)
    # The project is the test names' namespace up to its first "...Tests" part (Coffer.IntegrationTests, ...).
    project=$(grep -o 'testName="[^"(]*' "$f" | head -1 | cut -d'"' -f2 \
      | awk -F. '{ out = $1; for (i = 2; i <= NF && $(i - 1) !~ /Tests$/; i++) out = out "." $i; print out }')
    echo "  ${project:-?}: ${p:-0} passed, ${fl:-0} failed, $sk skipped"
    phase_p=$((phase_p + ${p:-0}))
    phase_f=$((phase_f + ${fl:-0}))
    phase_s=$((phase_s + sk))
  done < <(find "$dir" -name '*.trx' 2>/dev/null)
  passed=$((passed + phase_p))
  failed=$((failed + phase_f))
  echo "$label: $phase_p passed, $phase_f failed, $phase_s skipped"
  return $((1 - found))
}

# Each failed test by name with the first lines of its message, gathered from every phase's results and printed last,
# beside the totals, so that a log shown only by its tail still says what failed.
print_failures() {
  local f
  while IFS= read -r f; do
    # A TRX file may hold every result on one line: split it into records at each result's opening tag instead.
    awk '
      function decode(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s); return s }
      BEGIN { RS = "<UnitTestResult " }
      NR > 1 {
        tag = substr($0, 1, index($0, ">"))
        if (tag !~ /outcome="Failed"/) next
        match(tag, /testName="[^"]*"/)
        print "FAILED " decode(substr(tag, RSTART + 10, RLENGTH - 11))
        start = index($0, "<Message>")
        if (!start) next
        message = substr($0, start + 9)
        end = index(message, "</Message>")
        if (end) message = substr(message, 1, end - 1)
        n = split(decode(message), lines, "\n")
        for (i = 1; i <= n && i <= 15; i++) print "    " lines[i]
      }
    ' "$f"
  done < <(find "$RESULTS" -name '*.trx' 2>/dev/null | sort)
  [ ! -f "$RESULTS/sdk-e2e.tap" ] || grep -E '^ *not ok ' "$RESULTS/sdk-e2e.tap" | sed 's/^ */FAILED sdk-e2e: /'
}

# A phase's failure that is not a failed test (a crash, a server that did not start), repeated in the final summary.
problems=()
problem() { echo "$*"; problems+=("$*"); }

# The benchmark's own words for why it failed (its "[bench] FAILED: ..." lines), for the summary at the end: CI's
# record keeps only the last lines of a run, so the reason must be there, not only in the log above it.
# Without such a line (a command failed under set -e), its last three lines.
bench_reasons() {
  local lines
  lines="$(grep -o 'FAILED: .*' "$1" 2>/dev/null | head -3)"
  [ -n "$lines" ] || lines="$(tail -3 "$1" 2>/dev/null)"
  cut -c1-400 <<<"$lines" | paste -sd'|' -
}

section() { printf '\n==== %s ====\n' "$*"; }

section "tools"
# The KMS tests check Coffer's signatures with the OpenSSL command line, an independent implementation; the
# dynamic-secret tests make leased users in real MariaDB and Redis servers (started by the tests themselves through
# scripts/mariadb-test-server.sh and scripts/redis-test-server.sh) and in PostgreSQL, in both phases; the LDAP auth tests
# log in against an OpenLDAP slapd (scripts/ldap-test-server.sh); the console tests run in Chromium. Installed here,
# once, so that test classes starting servers side by side never race each other to apt-get.
missing=()
command -v openssl >/dev/null || missing+=(openssl)
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v redis-server >/dev/null || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/slapd ] || missing+=(slapd)
command -v ldapwhoami >/dev/null || missing+=(ldap-utils)
# The console's browser tests drive Debian's Chromium through Playwright (no downloaded browser build).
[ -x /usr/bin/chromium ] || missing+=(chromium)
# bench/scale.sh's smoke run draws its charts with gnuplot and loads audit rows with the sqlite3 shell.
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
# The linux-arm64 release binaries are started under QEMU user-mode emulation (scripts/publish.sh): the emulator and
# the arm64 libraries a .NET single file needs, from Debian's multiarch packages.
if [ "$(uname -m)" = x86_64 ] && { ! command -v qemu-aarch64-static >/dev/null || [ ! -e /lib/ld-linux-aarch64.so.1 ]; }; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo dpkg --add-architecture arm64 && $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    qemu-user-static libc6:arm64 libstdc++6:arm64 libssl3:arm64 zlib1g:arm64 || echo "arm64 emulation not installed: its binaries will be built, not run"
fi

section "build"
if ! dotnet build Coffer.slnx -c Release -warnaserror -nologo -v quiet; then
  problem "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

section "unit and integration tests (SQLite)"
# A COFFER_TEST_POSTGRES left in the caller's environment would turn this phase into a second PostgreSQL run.
# One project at a time, each into its own folder: the TRX files are named by the second they start, so projects run
# together in one folder could overwrite each other's results (and hide a failure from the count). A project whose
# run fails without a failed test in its results (a crash, a hang cut short) still counts as a failure.
for project in tests/Coffer.Tests tests/Coffer.Cli.Tests tests/Coffer.IntegrationTests; do
  name="$(basename "$project")"
  env -u COFFER_TEST_POSTGRES dotnet test --project "$project" -c Release --no-build --results-directory "$RESULTS/sqlite/$name" --report-xunit-trx
  rc=$?
  before=$failed
  count_trx "$name on SQLite" "$RESULTS/sqlite/$name" || { problem "no test results from $name"; failed=$((failed + 1)); }
  if [ "$rc" -ne 0 ] && [ "$failed" -eq "$before" ]; then problem "$name: dotnet test exited $rc"; failed=$((failed + 1)); fi
done

section "integration tests (PostgreSQL)"
# The same integration suite, plus what only PostgreSQL can show: several server processes on one database, and
# the database going away and coming back under load (those tests skip, saying why, in the SQLite phase).
# Its complaints are kept for the summary: CI's record keeps only the end of a run.
pg_env="$(scripts/pg-test-server.sh start 2>"$RESULTS/pg-start.log")"
pg_rc=$?
cat "$RESULTS/pg-start.log" >&2
if [ "$pg_rc" -eq 0 ]; then
  COFFER_PG_REUSED=""
  eval "$pg_env"
  # Stop only a server this run started; one that was already running belongs to someone else.
  if [ -z "$COFFER_PG_REUSED" ]; then trap 'scripts/pg-test-server.sh stop' EXIT; fi
  COFFER_TEST_POSTGRES="$COFFER_TEST_POSTGRES" dotnet test --project tests/Coffer.IntegrationTests -c Release --no-build \
    --results-directory "$RESULTS/postgres" --report-xunit-trx
  rc=$?
  before=$failed
  count_trx "integration tests on PostgreSQL" "$RESULTS/postgres" || { problem "no test results from the PostgreSQL run"; failed=$((failed + 1)); }
  if [ "$rc" -ne 0 ] && [ "$failed" -eq "$before" ]; then problem "PostgreSQL run: dotnet test exited $rc"; failed=$((failed + 1)); fi
else
  problem "could not start PostgreSQL: $(tail -4 "$RESULTS/pg-start.log" | cut -c1-300 | paste -sd'|' -)"
  failed=$((failed + 1))
fi

if [ -f tests/sdk-e2e/package.json ]; then
  section "official @infisical/sdk end-to-end"
  if (cd tests/sdk-e2e && npm ci --no-audit --no-fund --loglevel=error); then
    (cd tests/sdk-e2e && node --test --test-reporter=tap 2>&1) | tee "$RESULTS/sdk-e2e.tap"
    p=$(grep -E '^# pass ' "$RESULTS/sdk-e2e.tap" | tail -1 | grep -o '[0-9]*')
    fl=$(grep -E '^# fail ' "$RESULTS/sdk-e2e.tap" | tail -1 | grep -o '[0-9]*')
    if [ -z "$p" ]; then failed=$((failed + 1)); fi
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${fl:-0}))
  else
    problem "npm ci failed"
    failed=$((failed + 1))
  fi
fi

if [ -x scripts/publish.sh ]; then
  section "release artefacts (self-contained single-file, linux-x64 and linux-arm64)"
  scripts/publish.sh --check linux-x64 linux-arm64 2>&1 | tee "$RESULTS/publish.log"
  p=$(grep -E '^release artefacts: ' "$RESULTS/publish.log" | tail -1 | sed -E 's/^release artefacts: ([0-9]+) passed, ([0-9]+) failed$/\1/')
  fl=$(grep -E '^release artefacts: ' "$RESULTS/publish.log" | tail -1 | sed -E 's/^release artefacts: ([0-9]+) passed, ([0-9]+) failed$/\2/')
  if [ -z "$p" ]; then failed=$((failed + 1)); fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${fl:-0}))
fi

if [ -x bench/run.sh ]; then
  section "benchmark smoke run (not a timing gate)"
  if bench/run.sh --quick >"$RESULTS/bench-quick.log" 2>&1; then
    passed=$((passed + 1)); echo "bench smoke: ok"
  else
    failed=$((failed + 1)); problem "bench smoke: FAILED $(bench_reasons "$RESULTS/bench-quick.log")"; tail -40 "$RESULTS/bench-quick.log"
  fi
  # Every scale curve at its first sizes, with its charts: checks the curves still run, measures nothing.
  if bench/scale.sh --smoke --no-build >"$RESULTS/scale-smoke.log" 2>&1; then
    passed=$((passed + 1)); echo "scale smoke: ok"
  else
    failed=$((failed + 1)); problem "scale smoke: FAILED $(bench_reasons "$RESULTS/scale-smoke.log")"; tail -40 "$RESULTS/scale-smoke.log"
  fi
fi

if [ -f "$RESULTS/hardening-report.txt" ]; then
  section "hardening suites"
  cat "$RESULTS/hardening-report.txt"
fi

if [ "$failed" -gt 0 ]; then
  section "failed"
  print_failures
  for p in "${problems[@]}"; do echo "FAILED $p"; done
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
