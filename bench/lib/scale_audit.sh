# The audit curve of bench/scale.sh (sourced): the trail's searches, and the write cost of auditing (B1 writes a row per
# read), as the audit_logs table grows 10 000 -> 10 000 000 rows.
#
# The direct loader: writing millions of audit rows through the API would take hours, so the rows the API has already
# written (bootstrap, projects, identities, 100 secrets, reads) are copied, column for column, by one INSERT ... SELECT
# in the database itself. Only the id (unique, random) and created_at (spread evenly over the last 365 days, so time
# filters select a known share) differ from rows the server wrote; org, project, actor, event type and metadata are the
# API's own. On SQLite the server is stopped while the loader writes (one process per database file) and started
# again after; on PostgreSQL it keeps running.

audit_rows() {
  if [ "$DB" = postgres ]; then psql_db "SELECT count(*) FROM audit_logs"
  else sqlite3 "$WORK/data/coffer.db" "SELECT count(*) FROM audit_logs"; fi
}

psql_db() { psql_on "$PG_DB" "$1"; }

# Adds COUNT copies of the organization's API-written rows, created over the year before NOW_MS.
copy_audit_rows() { # COUNT
  local count="$1" now step
  now="$(now_ms)"
  step=$((31536000000 / (count > 0 ? count : 1)))
  if [ "$DB" = postgres ]; then
    psql_db "CREATE TEMP TABLE tmpl AS SELECT row_number() OVER (ORDER BY created_at, id) - 1 AS k, * FROM audit_logs WHERE org_id = '$ORG_ID' AND id NOT LIKE 'copy-%';
      INSERT INTO audit_logs (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, event_metadata,
                              ip_address, user_agent, user_agent_type, created_at)
      SELECT 'copy-' || gen_random_uuid(), t.org_id, t.project_id, t.actor_type, t.actor_id, t.actor_metadata, t.event_type,
             t.event_metadata, t.ip_address, t.user_agent, t.user_agent_type, $now - i::bigint * $step
      FROM generate_series(1, $count) AS i JOIN tmpl t ON t.k = i % (SELECT count(*) FROM tmpl);
      ANALYZE audit_logs;"
  else
    stop_server
    sqlite3 "$WORK/data/coffer.db" "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
      CREATE TEMP TABLE tmpl AS SELECT row_number() OVER (ORDER BY created_at, id) - 1 AS k, * FROM audit_logs WHERE org_id = '$ORG_ID' AND id NOT LIKE 'copy-%';
      CREATE INDEX temp.tmpl_k ON tmpl (k);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
      INSERT INTO audit_logs (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, event_metadata,
                              ip_address, user_agent, user_agent_type, created_at)
      SELECT 'copy-' || lower(hex(randomblob(16))), t.org_id, t.project_id, t.actor_type, t.actor_id, t.actor_metadata, t.event_type,
             t.event_metadata, t.ip_address, t.user_agent, t.user_agent_type, $now - n.i * $step
      FROM n JOIN tmpl t ON t.k = n.i % (SELECT count(*) FROM tmpl);
      PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    start_server
  fi
}

curve_audit() {
  curve audit "Audit log searches, and B1 (which writes a row per read), as the trail grows" "rows in audit_logs"
  local size rows t0 from to series json name query
  from="$(date -u -d '30 days ago' +%Y-%m-%dT%H:%M:%SZ)"
  to="$(date -u -d '29 days ago' +%Y-%m-%dT%H:%M:%SZ)"
  local -a queries=(
    "project=projectId=$PROJECT_ID&limit=20"
    "event_type=eventType=create-secret&limit=20"
    "time_range=startDate=$from&endDate=$to&limit=20"
    "project_and_time=projectId=$PROJECT_ID&startDate=$from&endDate=$to&limit=20"
    "offset_10000=offset=10000&limit=20"
  )
  for size in $(upto_audit 10000 100000 1000000 10000000); do
    rows="$(audit_rows)"
    if [ "$rows" -lt "$size" ]; then
      t0="$(now_ms)"
      copy_audit_rows $((size - rows))
      rows="$(audit_rows)"
      log "audit: $rows rows (copied in $(($(now_ms) - t0)) ms)"
    fi
    series="{}"
    # One connection: the latency is then the search's own time, PostgreSQL's part included (CPU per request is
    # Coffer's process only).
    local THREADS=1 CONNECTIONS=1
    for query in "${queries[@]}"; do
      name="${query%%=*}"
      json="$(measure "audit-$name-$size" get.lua BENCH_TOKEN="$ADMIN_TOKEN" BENCH_GET_PATH="/api/v1/organization/audit-logs?${query#*=}")"
      series="$(jq -c --arg n "$name" --argjson j "$json" '.[$n] = $j' <<<"$series")"
    done
    THREADS=2 CONNECTIONS=16
    json="$(measure "audit-B1-$size" secret_get.lua BENCH_PROJECT_ID="$PROJECT_ID" BENCH_TOKEN="$TOKEN" BENCH_SECRET_NAME="$READ_NAME")"
    point audit "$rows" "$(jq -c --argjson j "$json" '.B1 = $j' <<<"$series")"
  done
}

upto_audit() { # SIZE... -> those not above $MAX_AUDIT
  local s
  for s in "$@"; do [ "$s" -le "$MAX_AUDIT" ] && echo "$s"; done
  return 0
}
