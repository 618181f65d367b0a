# Helpers shared by bench/run.sh's parts (sourced, not run).

FAILURES=0

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
fail() { log "FAILED: $*"; FAILURES=$((FAILURES + 1)); }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs with apt-get, without recommended extras, the packages whose command is missing: COMMAND:PACKAGE ...
ensure_commands() {
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} with apt-get"
  as_root apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || die "could not install ${missing[*]}"
}

# wrk (Debian package), curl and jq.
ensure_tools() { ensure_commands wrk:wrk curl:curl jq:jq; }

# One API call: METHOD PATH TOKEN|- BODY|- ; prints the response body, fails unless the status is 200.
api() {
  local method="$1" path="$2" token="$3" body="$4"
  local args=(-sS -X "$method" -o "$WORK/api.out" -w '%{http_code}')
  [ "$token" != - ] && args+=(-H "Authorization: Bearer $token")
  [ "$body" != - ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local status
  status="$(curl "${args[@]}" "$BASE_URL$path")" || die "$method $path: curl failed"
  [ "$status" = 200 ] || die "$method $path: HTTP $status $(head -c 400 "$WORK/api.out")"
  cat "$WORK/api.out"
}

# The status of one call, for checks that expect a failure.
api_status() {
  local method="$1" path="$2" token="$3"
  curl -sS -o /dev/null -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token" "$BASE_URL$path"
}

# A field of the server's /proc status, in kB (VmRSS: resident now; VmHWM: resident peak).
proc_status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }

# User + system CPU time of the server so far, in clock ticks.
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }
