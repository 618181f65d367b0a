#!/usr/bin/env bash
# Starts a throw-away PostgreSQL (Debian packages) in a temporary directory on 127.0.0.1, for the test suite.
#   scripts/pg-test-server.sh start   -> prints "export COFFER_TEST_POSTGRES=..." (eval it)
#   scripts/pg-test-server.sh stop
# Installs PostgreSQL with apt-get when it is missing. fsync is off: the data is thrown away afterwards.
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

start() {
  ensure_installed
  local bin dir
  bin="$(find_bin)"
  dir="$(mktemp -d /tmp/coffer-pg.XXXXXX)"
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  echo "$bin $dir" > "$STATE_FILE"
  echo "export COFFER_TEST_POSTGRES='Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres'"
}

stop() {
  [ -f "$STATE_FILE" ] || return 0
  local bin dir
  read -r bin dir < "$STATE_FILE"
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir" "$STATE_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
