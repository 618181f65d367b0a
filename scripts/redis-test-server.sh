#!/usr/bin/env bash
# A throw-away Redis (Debian packages) in a temporary directory on 127.0.0.1, for the dynamic-secret tests.
#   scripts/redis-test-server.sh start   -> prints "export COFFER_TEST_REDIS='127.0.0.1:PORT'"
#   scripts/redis-test-server.sh stop    -> stops it and deletes its directory
# COFFER_REDIS_PORT (default 56379), COFFER_REDIS_STATE (default /tmp/coffer-redis-test.state) and COFFER_REDIS_PASSWORD
# (the default user's password) select the instance. COFFER_REDIS_TLS_DIR, when set, names a folder holding ca.crt,
# server.crt and server.key: the port then speaks TLS only. Nothing is saved to disk. Installs Redis with apt-get when missing.
set -euo pipefail

STATE_FILE="${COFFER_REDIS_STATE:-/tmp/coffer-redis-test.state}"
PORT="${COFFER_REDIS_PORT:-56379}"
PASSWORD="${COFFER_REDIS_PASSWORD:-root-Pa55word-for-tests}"

ensure_installed() {
  if command -v redis-server >/dev/null; then return 0; fi
  echo "Redis not found; installing it from Debian packages..." >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >&2
}

start() {
  ensure_installed
  local dir
  dir="$(mktemp -d /tmp/coffer-redis.XXXXXX)"
  local listen=(--port "$PORT") cli=()
  if [ -n "${COFFER_REDIS_TLS_DIR:-}" ]; then
    listen=(--port 0 --tls-port "$PORT" --tls-cert-file "$COFFER_REDIS_TLS_DIR/server.crt" --tls-key-file "$COFFER_REDIS_TLS_DIR/server.key"
      --tls-ca-cert-file "$COFFER_REDIS_TLS_DIR/ca.crt" --tls-auth-clients no)
    cli=(--tls --cacert "$COFFER_REDIS_TLS_DIR/ca.crt")
  fi
  redis-server "${listen[@]}" --bind 127.0.0.1 --daemonize yes --pidfile "$dir/pid" --dir "$dir" --logfile "$dir/log" \
    --save "" --appendonly no --requirepass "$PASSWORD" >/dev/null
  local i
  for i in $(seq 1 100); do
    if redis-cli "${cli[@]}" -p "$PORT" --no-auth-warning -a "$PASSWORD" ping 2>/dev/null | grep -q PONG; then break; fi
    sleep 0.1
  done
  if ! redis-cli "${cli[@]}" -p "$PORT" --no-auth-warning -a "$PASSWORD" ping 2>/dev/null | grep -q PONG; then
    echo "Redis did not start on 127.0.0.1:$PORT; its log:" >&2
    tail -20 "$dir/log" >&2 || true
    exit 1
  fi
  echo "$dir $PORT" > "$STATE_FILE"
  echo "export COFFER_TEST_REDIS='127.0.0.1:$PORT'"
}

stop() {
  [ -f "$STATE_FILE" ] || return 0
  local dir port
  read -r dir port < "$STATE_FILE"
  if [ -f "$dir/pid" ]; then kill -9 "$(cat "$dir/pid")" 2>/dev/null || true; fi
  rm -rf "$dir" "$STATE_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
