# Starting and stopping the server under test, and the PostgreSQL database it may use (sourced by bench/run.sh).

SERVER_PID=""
PG_STARTED=""
PG_DB=""
PG_CS=""
PG_PORT=55432

free_port() { "$ROOT/scripts/free-port.sh" || die "no free port"; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

psql_on() { "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qAt -c "$2"; } # DATABASE SQL
psql_admin() { psql_on postgres "$1"; }

# Reuses a PostgreSQL already listening on 127.0.0.1:55432 (the test server), else starts a private one; either
# way the benchmark gets a database of its own, dropped at the end.
prepare_postgres() {
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
    PG_PORT="$(free_port)"
    log "starting a private PostgreSQL on port $PG_PORT"
    COFFER_PG_STATE="$WORK/pg.state" COFFER_PG_PORT=$PG_PORT "$ROOT/scripts/pg-test-server.sh" start >/dev/null
    PG_STARTED=1
  fi
  PG_DB="coffer_bench_$$"
  psql_admin "CREATE DATABASE $PG_DB" || die "could not create database $PG_DB"
  PG_CS="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB"
  PG_VERSION="$(psql_admin 'SHOW server_version')"
  PG_SETTINGS="$(psql_admin "SELECT string_agg(name || '=' || setting, ',') FROM pg_settings WHERE name IN ('fsync','synchronous_commit','max_connections')")"
}

start_server() {
  local port dll="$ROOT/src/Coffer.Server/bin/Release/net10.0/coffer-server.dll"
  [ -f "$dll" ] || die "$dll is missing (build first)"
  port="$(free_port)"
  BASE_URL="http://127.0.0.1:$port"
  mkdir -p "$WORK/data"
  # Kept for the run: a restart (bench/scale.sh) must still accept the tokens and decrypt the data of the first start.
  BENCH_AUTH_SECRET="${BENCH_AUTH_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
  BENCH_ROOT_KEY="${BENCH_ROOT_KEY:-$(head -c 32 /dev/urandom | base64)}"
  local env=(PORT="$port" HOST=127.0.0.1 COFFER_DATA_DIR="$WORK/data"
    AUTH_SECRET="$BENCH_AUTH_SECRET" ROOT_ENCRYPTION_KEY="$BENCH_ROOT_KEY"
    RATE_LIMIT_AUTH=0 RATE_LIMIT_READ=0 RATE_LIMIT_WRITE=0 RATE_LIMIT_SECRETS=0)
  # PostgreSQL runs in production mode, as deployed (JSON logs); the embedded SQLite default runs as a developer runs it,
  # so its numbers stay comparable with earlier runs.
  [ "$DB" = postgres ] && env+=(DB_CONNECTION_URI="$PG_CS" COFFER_ENV=production)
  local t0
  t0="$(now_ms)"
  env "${env[@]}" dotnet "$dll" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  # Polls as fast as curl starts (a few ms): the start-up figure is good to about 5 ms.
  while true; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/status" 2>/dev/null)" = 200 ]; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      # Another process may have taken the port between the choice and the bind: once more, on another port.
      if [ "${1:-}" != again ] && grep -q 'another process is using that port' "$WORK/server.log"; then
        log "port $port was taken before the server bound it; starting on another"
        start_server again
        return
      fi
      cat "$WORK/server.log" >&2
      die "server exited during start-up"
    fi
    [ $(($(now_ms) - t0)) -lt 60000 ] || die "server did not answer /api/status within 60 s"
  done
  STARTUP_MS=$(($(now_ms) - t0))
}

server_alive() { kill -0 "$SERVER_PID" 2>/dev/null; }

# A clean stop (SIGTERM) drains the audit queue; the run fails if the server does not exit cleanly.
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  server_alive || { cat "$WORK/server.log" >&2; SERVER_PID=""; die "server died during the run"; }
  kill -TERM "$SERVER_PID"
  local rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  [ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || fail "server exited with status $rc on SIGTERM"
}

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql_admin "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
  if [ -n "$PG_STARTED" ]; then COFFER_PG_STATE="$WORK/pg.state" "$ROOT/scripts/pg-test-server.sh" stop || true; fi
  if [ -n "${KEEP_WORK:-}" ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
