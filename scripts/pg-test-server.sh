#!/usr/bin/env bash
# A throw-away PostgreSQL (Debian packages) in a temporary directory on 127.0.0.1, for the test suite and developers.
#   scripts/pg-test-server.sh start    -> prints "export COFFER_TEST_POSTGRES=..." (eval it)
#   scripts/pg-test-server.sh stop     -> stops it and deletes its directory
#   scripts/pg-test-server.sh pause    -> stops the server but keeps its data (an outage)
#   scripts/pg-test-server.sh resume   -> starts the same data directory again (the restart after an outage)
#   scripts/pg-test-server.sh freeze   -> SIGSTOPs the server's processes: connections stay open, nothing answers
#   scripts/pg-test-server.sh thaw     -> SIGCONTs them
# COFFER_PG_PORT (default 55432) and COFFER_PG_STATE (default /tmp/coffer-pg-test.state) select the instance, so
# a test can run its own server next to the suite's. Without COFFER_PG_PORT, a default port held by another socket
# means another free port: the printed connection string always names the port the server got. When a PostgreSQL already answers on the port, `start` reuses it,
# prints "export COFFER_PG_REUSED=1" as well, and writes no state: `stop` then leaves that server alone.
# COFFER_PG_PASSWORD set: TCP connections need that password for user postgres (scram-sha-256), as a real server's do —
# for tests that log in as other users and must see a wrong password refused.
# Installs PostgreSQL with apt-get when it is missing. fsync is off: the data is thrown away afterwards. As root,
# initdb and pg_ctl run as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

STATE_FILE="${COFFER_PG_STATE:-/tmp/coffer-pg-test.state}"
PORT="${COFFER_PG_PORT:-55432}"

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

ensure_installed() {
  if find_bin >/dev/null; then return 0; fi
  echo "PostgreSQL not found; installing it from Debian packages..." >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

connection_string() {
  echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=postgres${COFFER_PG_PASSWORD:+;Password=$COFFER_PG_PASSWORD}"
}

# pg_ctl start with the suite's settings; $1 bin dir, $2 instance dir, $3 port.
pg_start() {
  as_postgres "$1/pg_ctl" -D "$2/data" -l "$2/log" -w -t 60 \
    -o "-h 127.0.0.1 -p $3 -k $2 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
}

read_state() {
  [ -f "$STATE_FILE" ] || { echo "no server recorded in $STATE_FILE" >&2; exit 1; }
  read -r BIN DIR STATE_PORT < "$STATE_FILE"
  STATE_PORT="${STATE_PORT:-$PORT}"
}

start() {
  ensure_installed
  local bin dir
  bin="$(find_bin)"
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; then
    echo "A PostgreSQL server already answers on 127.0.0.1:$PORT; reusing it." >&2
    echo "export COFFER_PG_REUSED=1"
    echo "export COFFER_TEST_POSTGRES='$(connection_string "$PORT")'"
    return 0
  fi
  dir="$(mktemp -d /tmp/coffer-pg.XXXXXX)"
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  if [ -n "${COFFER_PG_PASSWORD:-}" ]; then
    printf '%s\n' "$COFFER_PG_PASSWORD" > "$dir/pwfile"
    chmod 644 "$dir/pwfile"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile="$dir/pwfile" \
      -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$dir/pwfile"
  else
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local port="$PORT" attempt
  for attempt in 1 2 3; do
    if pg_start "$bin" "$dir" "$port"; then break; fi
    # The default port lies in the kernel's ephemeral range, where a client socket (even one in TIME_WAIT after a
    # busy test run) can hold it; unless the caller chose the port, take one below that range (free-port.sh).
    if [ "$attempt" -lt 3 ] && [ -z "${COFFER_PG_PORT:-}" ] && grep -q "Address already in use" "$dir/log" 2>/dev/null; then
      echo "Port $port is taken by another socket; trying another port." >&2
      port="$("$(dirname "$0")/free-port.sh")"
      rm -f "$dir/log"
      continue
    fi
    echo "PostgreSQL did not start on 127.0.0.1:$port; its log:" >&2
    tail -20 "$dir/log" >&2 || true
    rm -rf "$dir"
    exit 1
  done
  echo "$bin $dir $port" > "$STATE_FILE"
  echo "export COFFER_TEST_POSTGRES='$(connection_string "$port")'"
}

stop() {
  [ -f "$STATE_FILE" ] || return 0
  read_state
  as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR" "$STATE_FILE"
}

pause() {
  read_state
  as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null
}

resume() {
  read_state
  pg_start "$BIN" "$DIR" "$STATE_PORT"
}

# Signals each listed process; one that exited since it was listed (a backend whose client hung up) is no error.
signal_each() {
  local pid
  while read -r pid; do
    kill "-$1" "$pid" 2>/dev/null || true
  done
}

# The postmaster and its children (backends, checkpointer, ...), by process id from this instance's pid file.
server_pids() {
  local postmaster
  [ -f "$DIR/data/postmaster.pid" ] || return 0
  postmaster="$(head -1 "$DIR/data/postmaster.pid")"
  echo "$postmaster"
  ps -o pid= --ppid "$postmaster" || true
}

freeze() {
  read_state
  # Children first, so none is mid-way through talking to a stopped postmaster when it stops.
  server_pids | tac | signal_each STOP
}

thaw() {
  read_state
  server_pids | signal_each CONT
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  freeze) freeze ;;
  thaw) thaw ;;
  *) echo "usage: $0 start|stop|pause|resume|freeze|thaw" >&2; exit 2 ;;
esac
