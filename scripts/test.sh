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

count_trx() { # dir -> adds counters of every TRX file under dir
  local dir="$1" found=0 f p fl
  while IFS= read -r f; do
    found=1
    p=$(grep -o 'passed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*')
    fl=$(grep -o 'failed="[0-9]*"' "$f" | head -1 | grep -o '[0-9]*')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${fl:-0}))
  done < <(find "$dir" -name '*.trx' 2>/dev/null)
  return $((1 - found))
}

section() { printf '\n==== %s ====\n' "$*"; }

section "build"
if ! dotnet build Coffer.slnx -c Release -warnaserror -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

section "unit and integration tests (SQLite)"
dotnet test --solution Coffer.slnx -c Release --no-build --results-directory "$RESULTS/sqlite" --report-xunit-trx
count_trx "$RESULTS/sqlite" || { echo "no test results from the SQLite run"; failed=$((failed + 1)); }

section "integration tests (PostgreSQL)"
if pg_env="$(scripts/pg-test-server.sh start)"; then
  eval "$pg_env"
  trap 'scripts/pg-test-server.sh stop' EXIT
  COFFER_TEST_POSTGRES="$COFFER_TEST_POSTGRES" dotnet test --project tests/Coffer.IntegrationTests -c Release --no-build \
    --results-directory "$RESULTS/postgres" --report-xunit-trx
  count_trx "$RESULTS/postgres" || { echo "no test results from the PostgreSQL run"; failed=$((failed + 1)); }
else
  echo "could not start PostgreSQL"
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
    echo "npm ci failed"
    failed=$((failed + 1))
  fi
fi

if [ -x bench/run.sh ]; then
  section "benchmark smoke run (not a timing gate)"
  if bench/run.sh --quick >"$RESULTS/bench-quick.log" 2>&1; then
    passed=$((passed + 1)); echo "bench smoke: ok"
  else
    failed=$((failed + 1)); echo "bench smoke: FAILED"; tail -40 "$RESULTS/bench-quick.log"
  fi
fi

if [ -f "$RESULTS/hardening-report.txt" ]; then
  section "hardening suites"
  cat "$RESULTS/hardening-report.txt"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
