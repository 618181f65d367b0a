# The curves of bench/scale.sh (sourced). Each grows its own data step by step and measures at every step; points
# are added to $CURVES (JSON) with the server's RSS at that moment.

CURVES='{}'

curve() { # NAME TITLE X_LABEL
  CURVES="$(jq -c --arg n "$1" --arg t "$2" --arg x "$3" '.[$n] = {title: $t, x_label: $x, points: []}' <<<"$CURVES")"
}

point() { # CURVE X SERIES_JSON ({"name": wrk summary, ...})
  CURVES="$(jq -c --arg n "$1" --argjson x "$2" --argjson s "$3" --arg rss "$(proc_status_kb VmRSS)" --arg hwm "$(proc_status_kb VmHWM)" \
    '.[$n].points += [{x: $x, rss_mb: (($rss|tonumber) / 1024), peak_rss_mb: (($hwm|tonumber) / 1024), series: $s}]' <<<"$CURVES")"
}

upto() { # SIZE... -> those not above $MAX
  local s
  for s in "$@"; do [ "$s" -le "$MAX" ] && echo "$s"; done
  return 0
}

# The curves whose targets are ratios of two points (secrets, logins) measure each point $REPEATS times and keep the
# run with the median req/s (all runs' req/s in .rps_runs): one disturbed window on a shared 2-core machine then no
# longer decides a ratio, in either direction.
REPEATS=1

measure() { # NAME SCRIPT [VAR=VALUE...] -> the measured run's JSON, after a warm-up
  local name="$1" script="$2" json i
  local -a runs=()
  shift 2
  json="$(wrk_once "$name-warmup" "$script" "$THREADS" "$CONNECTIONS" "$WARMUP" "$@")"
  check_run "$name warm-up" "$json"
  for ((i = 1; i <= REPEATS; i++)); do
    json="$(wrk_once "$name" "$script" "$THREADS" "$CONNECTIONS" "$DURATION" "$@")"
    check_run "$name" "$json"
    runs+=("$json")
  done
  printf '%s\n' "${runs[@]}" | jq -s -c '(map(.rps)) as $all | sort_by(.rps) | .[length / 2 | floor] + {rps_runs: $all}'
}

ratio_repeats() { if [ "$SMOKE" = 1 ]; then echo 1; else echo 3; fi; }

want() { [[ ",$CURVE_LIST," == *",$1,"* ]]; }

# B1 and B2 while the project grows: the 100 read stay at "/", the rest go 1 000 per folder under /bulk.
curve_secrets() {
  curve secrets "B1 (one secret) and B2 (list of 100) as the project grows" "secrets in the project"
  local held=$SECRET_COUNT folders=0 size count folder t0 b1 b2
  local REPEATS
  REPEATS="$(ratio_repeats)"
  for size in $(upto 100 1000 10000 100000); do
    t0="$(now_ms)"
    while [ "$held" -lt "$size" ]; do
      count=$((size - held < 1000 ? size - held : 1000))
      folders=$((folders + 1))
      folder="$(printf 'f%04d' "$folders")"
      [ "$folders" -gt 1 ] || new_folder "$PROJECT_ID" / bulk
      new_folder "$PROJECT_ID" /bulk "$folder"
      fill_folder "$PROJECT_ID" "/bulk/$folder" "BULK_$folder" 1 "$count"
      held=$((held + count))
    done
    log "secrets: project holds $held secrets (grown in $(($(now_ms) - t0)) ms)"
    b1="$(measure "B1-$size" secret_get.lua BENCH_PROJECT_ID="$PROJECT_ID" BENCH_TOKEN="$TOKEN" BENCH_SECRET_NAME="$READ_NAME")"
    b2="$(measure "B2-$size" secret_list.lua BENCH_PROJECT_ID="$PROJECT_ID" BENCH_TOKEN="$TOKEN")"
    point secrets "$held" "{\"B1\":$b1,\"B2\":$b2}"
  done
}

# One folder's list of 100, 1 000 and 10 000 secrets: cost should follow what is returned.
curve_lists() {
  curve lists "List a folder of N secrets" "secrets returned"
  local project size json
  project="$(new_project scale-lists)"
  for size in $(upto 100 1000 10000); do
    new_folder "$project" / "n$size"
    fill_folder "$project" "/n$size" "L$size" 1 "$size"
    json="$(measure "list-$size" secret_list.lua BENCH_PROJECT_ID="$project" BENCH_TOKEN="$TOKEN" BENCH_SECRET_PATH="/n$size")"
    point lists "$size" "{\"list\":$json}"
  done
}

# A recursive list of a tree (4 children per folder, breadth first, so 1 000 folders are 5 levels deep), a secret in each.
curve_tree() {
  curve tree "Recursive list of a folder tree, one secret per folder" "folders in the tree"
  local project size made=0 parent json
  local -a paths=("/")
  project="$(new_project scale-tree)"
  for size in $(upto 10 100 1000); do
    while [ "$made" -lt "$size" ]; do
      made=$((made + 1))
      parent="${paths[$(((made - 1) / 4))]}"
      new_folder "$project" "$parent" "d$made"
      paths[made]="${parent%/}/d$made"
      fill_folder "$project" "${paths[made]}" "T$made" 1 1
    done
    json="$(measure "tree-$size" secret_list.lua BENCH_PROJECT_ID="$project" BENCH_TOKEN="$TOKEN" BENCH_LIST_EXTRA="&recursive=true")"
    point tree "$size" "{\"recursive\":$json}"
  done
}

# B1 and B2 by an identity whose custom role has N rules, each with a glob; only the last one matches.
curve_rules() {
  curve rules "B1 and B2 by an identity whose role has N glob rules" "rules in the role"
  local project role_id identity client secret token size rules b1 b2
  project="$(new_project scale-rules)"
  fill_folder "$project" / RULE 1 100
  role_id="$(api POST "/api/v1/projects/$project/roles" "$ADMIN_TOKEN" \
    '{"slug":"globbed","name":"globbed","permissions":[]}' | jq -r .role.id)"
  identity="$(new_member_identity scale-rules-reader)"
  read -r client secret <<<"$(with_universal_auth "$identity")"
  api POST "/api/v1/projects/$project/identity-memberships/$identity" "$ADMIN_TOKEN" '{"role":"globbed"}' >/dev/null
  token="$(login "$client" "$secret")"
  for size in $(upto 1 10 100); do
    rules="$(jq -c -n --argjson n "$size" '[range(1; $n) | {subject: "secrets", action: ["describeSecret", "readValue"],
        conditions: {environment: "dev", secretPath: {"$glob": "/team-\(.)/**"}}}]
      + [{subject: "secrets", action: ["describeSecret", "readValue"], conditions: {environment: "dev", secretName: {"$glob": "RULE_*"}}}]')"
    api PATCH "/api/v1/projects/$project/roles/$role_id" "$ADMIN_TOKEN" "{\"permissions\":$rules}" >/dev/null
    b1="$(measure "rules-B1-$size" secret_get.lua BENCH_PROJECT_ID="$project" BENCH_TOKEN="$token" BENCH_SECRET_NAME=RULE_1)"
    b2="$(measure "rules-B2-$size" secret_list.lua BENCH_PROJECT_ID="$project" BENCH_TOKEN="$token")"
    point rules "$size" "{\"B1\":$b1,\"B2\":$b2}"
  done
}

# Universal-auth login of one identity while the organization holds more and more identities.
curve_logins() {
  curve logins "Universal-auth login as the organization grows" "identities in the organization"
  local size json
  local REPEATS
  REPEATS="$(ratio_repeats)"
  for size in $(upto 10 100 1000 10000 100000); do
    ensure_identities "$size"
    json="$(measure "login-$size" login.lua BENCH_CLIENT_ID="$CLIENT_ID" BENCH_CLIENT_SECRET="$CLIENT_SECRET")"
    point logins "$IDENTITIES_LOADED" "{\"login\":$json}"
  done
}

# The founding DELETE (with the POST that puts the membership back) while the project has more and more members.
curve_members() {
  curve members "Delete identity membership (paired with its re-creation) as the project grows" "identity members of the project"
  local project size members json next=1 offset
  project="$(new_project scale-members)"
  members=2 # its creator (the admin identity) and the reader
  for size in $(upto 10 100 1000 10000); do
    # Loads may skip an id when wrk stops a thread mid-share, so a little more than needed is loaded.
    ensure_identities $((size + size / 10 + 20))
    if [ "$members" -lt "$size" ]; then
      # Here the request number is a line of the id file: its own sequence, apart from the names' one.
      offset=$LOAD_OFFSET
      LOAD_OFFSET=$next
      load_many $((size - members)) "/api/v1/projects/$project/identity-memberships/{id}" \
        BENCH_LOAD_BODY='{"role":"viewer"}' BENCH_LOAD_IDS_IN="$IDS_FILE"
      next=$LOAD_OFFSET
      LOAD_OFFSET=$offset
      members=$((members + LOADED_COUNT))
    fi
    json="$(wrk_once "members-$size-warmup" membership_pairs.lua 2 2 "$WARMUP" \
      BENCH_PROJECT_ID="$project" BENCH_ADMIN_TOKEN="$ADMIN_TOKEN" BENCH_IDENTITY_IDS="$B4_IDS")"
    check_run "members-$size warm-up" "$json"
    leave_project "$project"
    json="$(wrk_once "members-$size" membership_pairs.lua 2 2 "$DURATION" \
      BENCH_PROJECT_ID="$project" BENCH_ADMIN_TOKEN="$ADMIN_TOKEN" BENCH_IDENTITY_IDS="$B4_IDS")"
    check_run "members-$size" "$json"
    leave_project "$project"
    point members "$members" "{\"delete_and_add\":$json}"
  done
}

# B1 and the reader's project list (it is a member of a few) while the organization holds 10 -> 10 000 projects; and
# the list of every project by the admin, a member of all of them (one connection: its answer grows with the size).
curve_projects() {
  curve projects "B1 and project lists as the organization grows" "projects in the organization"
  local size b1 mine all
  for size in $(upto 10 100 1000 10000); do
    ensure_projects "$size"
    b1="$(measure "projects-B1-$size" secret_get.lua BENCH_PROJECT_ID="$PROJECT_ID" BENCH_TOKEN="$TOKEN" BENCH_SECRET_NAME="$READ_NAME")"
    mine="$(measure "projects-mine-$size" get.lua BENCH_TOKEN="$TOKEN" BENCH_GET_PATH=/api/v1/workspace)"
    all="$(THREADS=1 CONNECTIONS=1 measure "projects-all-$size" get.lua BENCH_TOKEN="$ADMIN_TOKEN" BENCH_GET_PATH=/api/v1/workspace)"
    point projects "$PROJECTS_HELD" "{\"B1\":$b1,\"reader_list\":$mine,\"admin_list_all\":$all}"
  done
}

# Removes B4's identities from a project if a run stopped between a create and its delete.
leave_project() {
  local id
  for id in ${B4_IDS//,/ }; do api_status DELETE "/api/v1/projects/$1/identity-memberships/$id" "$ADMIN_TOKEN" >/dev/null; done
}

# Start-up and idle memory with everything the curves loaded.
restart_with_data() {
  stop_server
  start_server
  sleep 5
  RESTART_JSON="$(jq -c -n --arg ms "$STARTUP_MS" --arg rss "$(proc_status_kb VmRSS)" \
    '{startup_ms: ($ms|tonumber), idle_rss_mb: (($rss|tonumber) / 1024)}')"
  log "restarted with the data in $STARTUP_MS ms"
}
