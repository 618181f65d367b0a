# Growing the data for bench/scale.sh through the public API (sourced). Small steps go through curl; large ones
# through wrk with bench/wrk/load.lua, which writes at the server's speed.

LOAD_THREADS=4
LOAD_OFFSET=1
IDS_FILE=""
IDENTITIES_LOADED=0

# A project made by the admin, with the bench's reader identity as a member: -> project id
new_project() {
  local id
  id="$(api POST /api/v2/workspace "$ADMIN_TOKEN" "{\"projectName\":\"$1\"}" | jq -r .project.id)"
  api POST "/api/v1/projects/$id/identity-memberships/$IDENTITY_ID" "$ADMIN_TOKEN" '{"role":"member"}' >/dev/null
  echo "$id"
}

new_folder() { # PROJECT PARENT NAME
  api POST /api/v1/folders "$ADMIN_TOKEN" \
    "{\"workspaceId\":\"$1\",\"environment\":\"dev\",\"name\":\"$3\",\"path\":\"$2\"}" >/dev/null
}

# COUNT secrets named PREFIX_<from..> into one folder, 1 000 per batch request.
fill_folder() { # PROJECT PATH PREFIX FROM COUNT
  local project="$1" path="$2" prefix="$3" from="$4" count="$5" n batch
  while [ "$count" -gt 0 ]; do
    n=$((count < 1000 ? count : 1000))
    batch="$(jq -c -n --arg p "$prefix" --argjson from "$from" --argjson n "$n" \
      '[range($from; $from + $n) | {secretKey: "\($p)_\(.)", secretValue: "value-\(.)-of-\($p)"}]')"
    api POST /api/v3/secrets/batch/raw "$ADMIN_TOKEN" \
      "{\"workspaceId\":\"$project\",\"environment\":\"dev\",\"secretPath\":\"$path\",\"secrets\":$batch}" >/dev/null
    from=$((from + n))
    count=$((count - n))
  done
}

# COUNT requests from a template (see bench/wrk/load.lua), repeated for any shortfall; LOADED_COUNT says how many
# succeeded. (Not printed: the offset must survive, so this never runs in a subshell.)
# Extra VAR=VALUE arguments go to the script (BENCH_LOAD_BODY, BENCH_LOAD_IDS_IN, BENCH_LOAD_IDS_OUT, ...).
load_many() { # COUNT PATH [VAR=VALUE...]
  local want="$1" path="$2" done_count=0 remaining secs out line created bad
  shift 2
  while [ "$done_count" -lt "$want" ]; do
    remaining=$((want - done_count))
    secs=$((remaining / 300 + 3))
    [ "$secs" -le 300 ] || secs=300
    out="$WORK/load.out"
    env BENCH_TOKEN="$ADMIN_TOKEN" BENCH_LOAD_PATH="$path" BENCH_LOAD_COUNT="$remaining" BENCH_LOAD_OFFSET="$LOAD_OFFSET" \
      BENCH_LOAD_THREADS="$LOAD_THREADS" "$@" \
      wrk -t "$LOAD_THREADS" -c "$LOAD_THREADS" -d "${secs}s" --timeout 30s -s "$BENCH_WRK_DIR/load.lua" "$BASE_URL" >"$out" 2>&1 \
      || { cat "$out" >&2; die "wrk failed while loading $path"; }
    line="$(grep '^BENCH_JSON ' "$out" | tail -1 | cut -d' ' -f2-)"
    bad="$(jq '.unexpected_status + .errors.connect + .errors.read + .errors.write + .errors.timeout' <<<"$line")"
    [ "$bad" -eq 0 ] || die "loading $path: $bad failed request(s); first: $(jq -r .first_unexpected <<<"$line")"
    created="$(grep '^BENCH_LOAD ' "$out" | tail -1 | cut -d' ' -f2- | jq .created)"
    [ "$created" -gt 0 ] || { cat "$out" >&2; die "loading $path: nothing written in ${secs} s"; }
    LOAD_OFFSET=$((LOAD_OFFSET + remaining))
    done_count=$((done_count + created))
  done
  LOADED_COUNT="$done_count"
}

# Grows the organization's loaded identities (org members, no auth method) to COUNT; their ids in $IDS_FILE, in order.
ensure_identities() { # COUNT
  local want="$1" t0
  IDS_FILE="${IDS_FILE:-$WORK/identity-ids}"
  [ "$IDENTITIES_LOADED" -lt "$want" ] || return 0
  t0="$(now_ms)"
  rm -f "$WORK"/new-ids.*
  load_many $((want - IDENTITIES_LOADED)) /api/v1/identities \
    BENCH_LOAD_BODY="{\"name\":\"loaded-{n}\",\"organizationId\":\"$ORG_ID\",\"role\":\"member\"}" \
    BENCH_LOAD_IDS_OUT="$WORK/new-ids"
  cat "$WORK"/new-ids.* >>"$IDS_FILE"
  IDENTITIES_LOADED="$(wc -l <"$IDS_FILE")"
  log "organization holds $IDENTITIES_LOADED loaded identities (grown in $(($(now_ms) - t0)) ms)"
}

# Grows the organization's projects to COUNT (counting those the other curves made), each made by the admin through
# the API with its default environments, roles and key.
ensure_projects() { # COUNT
  local want="$1" t0
  PROJECTS_HELD="$(api GET /api/v1/workspace "$ADMIN_TOKEN" - | jq '.workspaces | length')"
  [ "$PROJECTS_HELD" -lt "$want" ] || return 0
  t0="$(now_ms)"
  load_many $((want - PROJECTS_HELD)) /api/v2/workspace BENCH_LOAD_BODY='{"projectName":"loaded-{n}"}'
  PROJECTS_HELD=$((PROJECTS_HELD + LOADED_COUNT))
  log "organization holds $PROJECTS_HELD projects (grown in $(($(now_ms) - t0)) ms)"
}
