# The results JSON and the table printed from it (sourced by bench/run.sh).

results_file() {
  if [ -n "$OUT" ]; then echo "$OUT"; return; fi
  if [ "$MODE" = quick ]; then mkdir -p "$ROOT/artifacts/bench"; echo "$ROOT/artifacts/bench/quick-$DB.json"; return; fi
  local base="$BENCH/results/$(date -u +%Y-%m-%d)" f n=1
  f="$base.json"
  while [ -e "$f" ]; do n=$((n + 1)); f="$base-$n.json"; done
  echo "$f"
}

machine_json() {
  jq -n --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" --arg cores "$(nproc)" \
    --arg mem "$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)" --arg kernel "$(uname -r)" \
    --arg dotnet "$(dotnet --version 2>/dev/null)" --arg wrk "$(wrk -v 2>&1 | head -1 | cut -d' ' -f2)" \
    --arg lb "$LOAD_BEFORE" --arg la "$LOAD_AFTER" \
    '{cpu: $cpu, cores: ($cores|tonumber), memory_gib: ($mem|tonumber), kernel: $kernel, dotnet_sdk: $dotnet, wrk: $wrk,
      load_average_before: $lb, load_average_after: $la}'
}

write_report() {
  check_audit_completeness
  local file scenarios="{}" name
  for name in B0 B1 B1-half B2 B3 B4 B5 B6 B7; do
    scenarios="$(jq -c --arg n "$name" --slurpfile r "$WORK/results/$name.json" '. + {($n): $r[0]}' <<<"$scenarios")"
  done
  file="$(results_file)"
  mkdir -p "$(dirname "$file")"
  jq -n --argjson s "$scenarios" --argjson machine "$(machine_json)" --argjson audit "$AUDIT_JSON" \
    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" \
    --arg dirty "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l)" \
    --arg db "$DB" --arg mode "$MODE" --arg dur "$DURATION" --arg warm "$WARMUP" --arg pg "${PG_VERSION:-}" --arg pgs "${PG_SETTINGS:-}" \
    --arg startup "$STARTUP_MS" --arg startup_samples "${STARTUP_SAMPLES[*]:-$STARTUP_MS}" --arg idle "$RSS_IDLE_KB" --arg seeded "$RSS_SEEDED_KB" --arg peak "$RSS_PEAK_KB" --arg peak_api "${RSS_PEAK_API_KB:-$RSS_PEAK_KB}" --arg rss_end "$RSS_END_KB" \
    --arg revocation "$REVOCATION_OK" --slurpfile consolefile "$WORK/results/console.json" \
    '
    def ratio($x): ($x / $s.B0.rps);
    $consolefile[0] as $console |
    {
      date: $date, commit: $commit, uncommitted_server_changes: (($dirty|tonumber) > 0), database: $db,
      postgres: (if $db == "postgres" then {version: $pg, settings: $pgs} else null end),
      mode: $mode, seconds_per_scenario: ($dur|tonumber), warmup_seconds: ($warm|tonumber), machine: $machine,
      startup_ms: ($startup|tonumber), startup_samples_ms: ($startup_samples | split(" ") | map(tonumber)),
      memory_mb: {idle: (($idle|tonumber) / 1024), after_seed: (($seeded|tonumber) / 1024), peak: (($peak|tonumber) / 1024), peak_before_console: (($peak_api|tonumber) / 1024), "end": (($rss_end|tonumber) / 1024)},
      scenarios: $s,
      b4_pairs_per_second: ($s.B4.rps / 2),
      revocation_under_load_ok: ($revocation == "true"),
      audit_events: $audit,
      console_overview: $console,
      targets: [
        {name: "B1 / B0", value: ratio($s.B1.rps), target: 0.50, kind: "min"},
        {name: "B2 / B0", value: ratio($s.B2.rps), target: 0.15, kind: "min"},
        {name: "B3 / B0", value: ratio($s.B3.rps), target: 0.25, kind: "min"},
        {name: "B4 pairs / B0", value: ratio($s.B4.rps / 2), target: 0.02, kind: "min"},
        {name: "B5 / B0", value: ratio($s.B5.rps), target: 0.04, kind: "min"},
        {name: "B6 / B0", value: ratio($s.B6.rps), target: 0.25, kind: "min"},
        {name: "B1 p99 at half rate (ms)", value: $s["B1-half"].latency_ms.p99, target: 5, kind: "max"},
        {name: "idle RSS (MB)", value: (($idle|tonumber) / 1024), target: 80, kind: "max"},
        {name: "peak RSS (MB)", value: (($peak|tonumber) / 1024), target: 250, kind: "max"},
        {name: "start-up to first 200 (ms)", value: ($startup|tonumber), target: 1000, kind: "max"},
        {name: "console overview 3x200, first byte (ms)", value: $console.first_byte_ms_median, target: 100, kind: "max"},
        {name: "console overview 3x200, transferred (KB)", value: ($console.full_load_bytes / 1024), target: 150, kind: "max"}
      ] | map(. + {met: (if .kind == "min" then .value >= .target else .value <= .target end)})
    }' >"$file"
  print_table "$file"
  log "results written to ${file#"$ROOT/"}"
}

print_table() {
  local file="$1"
  echo
  jq -r '"Coffer benchmark — \(.database), \(.mode) run, \(.seconds_per_scenario) s per scenario, \(.machine.cores) cores (\(.machine.cpu)), load before \(.machine.load_average_before)"' "$file"
  echo
  printf '%-28s %10s %9s %9s %7s %10s %9s %8s  %s\n' scenario "req/s" "p50 ms" "p99 ms" errors "cpu µs/req" "vs B0" target met
  jq -r '
    .scenarios as $s | $s.B0.rps as $b0 |
    def pct($x): (($x * 1000 | round) / 10 | tostring) + "%";
    def row($title; $r; $rps; $target):
      [$title, ($rps | floor | tostring), ($r.latency_ms.p50 | tostring), ($r.latency_ms.p99 | tostring),
       (($r.unexpected_status + $r.errors.connect + $r.errors.read + $r.errors.write + $r.errors.timeout) | tostring),
       (($r.server_cpu_us_per_request // 0) | round | tostring),
       pct($rps / $b0), (if $target then "≥ " + pct($target) else "" end),
       (if $target then (if $rps / $b0 >= $target then "yes" else "NO" end) else "" end)] | @tsv;
    row("B0 GET /api/status"; $s.B0; $s.B0.rps; null),
    row("B1 GET one secret"; $s.B1; $s.B1.rps; 0.50),
    row("B1 at half rate (paced)"; $s["B1-half"]; $s["B1-half"].rps; null),
    row("B2 GET list of 100"; $s.B2; $s.B2.rps; 0.15),
    row("B3 universal-auth login"; $s.B3; $s.B3.rps; 0.25),
    row("B4 membership pairs/s"; $s.B4; ($s.B4.rps / 2); 0.02),
    row("B5 PATCH secret"; $s.B5; $s.B5.rps; 0.04),
    row("B6 KMS encrypt 1 KB"; $s.B6; $s.B6.rps; 0.25),
    row("B7 console overview 3x200"; $s.B7; $s.B7.rps; null)
  ' "$file" | while IFS=$'\t' read -r a b c d e f g h i; do
    printf '%-28s %10s %9.3f %9.3f %7s %10s %9s %8s  %s\n' "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i"
  done
  echo
  jq -r '.targets[] | select(.kind == "max") |
    "\(.name | . + " " * (40 - length)) \(.value * 100 | round / 100)  (target ≤ \(.target))  \(if .met then "yes" else "NO" end)"' "$file"
  jq -r '"revocation and membership deletion under B1 load honoured on the next request: \(if .revocation_under_load_ok then "yes" else "NO" end)"' "$file"
  jq -r '.audit_events | to_entries[] | "audit events \(.key): \(.value.on_disk) on disk after shutdown, \(.value.expected_min)–\(.value.expected_max) expected"' "$file"
  echo
}
