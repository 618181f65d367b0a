#!/usr/bin/env bash
# A throw-away MariaDB (Debian packages) in a temporary directory on 127.0.0.1, for the dynamic-secret tests.
#   scripts/mariadb-test-server.sh start   -> prints "export COFFER_TEST_MARIADB='Server=...;Port=...;User=root;Password=...'"
#   scripts/mariadb-test-server.sh stop    -> stops it and deletes its directory
# COFFER_MARIADB_PORT (default 53306), COFFER_MARIADB_STATE (default /tmp/coffer-mariadb-test.state) and
# COFFER_MARIADB_PASSWORD (root's password over TCP) select the instance. Installs MariaDB with apt-get when missing.
set -euo pipefail

STATE_FILE="${COFFER_MARIADB_STATE:-/tmp/coffer-mariadb-test.state}"
PORT="${COFFER_MARIADB_PORT:-53306}"
PASSWORD="${COFFER_MARIADB_PASSWORD:-root-Pa55word-for-tests}"

ensure_installed() {
  if [ -x /usr/sbin/mariadbd ] && command -v mariadb-install-db >/dev/null; then return 0; fi
  echo "MariaDB not found; installing it from Debian packages..." >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq mariadb-server >&2
}

start() {
  ensure_installed
  local dir user_args=()
  dir="$(mktemp -d /tmp/coffer-mariadb.XXXXXX)"
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown mysql:mysql "$dir"; user_args=(--user=mysql); fi
  mariadb-install-db --no-defaults "${user_args[@]}" --datadir="$dir/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1
  /usr/sbin/mariadbd --no-defaults "${user_args[@]}" --datadir="$dir/data" --socket="$dir/sock" --port="$PORT" \
    --bind-address=127.0.0.1 --pid-file="$dir/pid" --log-error="$dir/log" --skip-log-bin --innodb-buffer-pool-size=32M \
    --innodb-flush-log-at-trx-commit=0 >/dev/null 2>&1 &
  local i
  for i in $(seq 1 120); do
    if mariadb-admin --no-defaults --socket="$dir/sock" -uroot ping >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  if ! mariadb-admin --no-defaults --socket="$dir/sock" -uroot ping >/dev/null 2>&1; then
    echo "MariaDB did not start on 127.0.0.1:$PORT; its log:" >&2
    tail -20 "$dir/log" >&2 || true
    exit 1
  fi
  mariadb --no-defaults --socket="$dir/sock" -uroot -e "
    CREATE USER 'root'@'%' IDENTIFIED BY '$PASSWORD';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
    CREATE DATABASE app;
    CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20));
    INSERT INTO app.items VALUES (1, 'one');
    ALTER USER 'root'@'localhost' IDENTIFIED BY '$PASSWORD';"
  echo "$dir $PORT" > "$STATE_FILE"
  echo "export COFFER_TEST_MARIADB='Server=127.0.0.1;Port=$PORT;User=root;Password=$PASSWORD'"
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
