# The console's secrets overview (sourced by bench/run.sh): a project of 3 environments x 200 keys, the bench user signed
# in through the console's form, then (1) 20 lone page loads timed by curl — first byte (the server's time on loopback)
# and the bytes of the page (compressed, as a browser following a link receives it) and of its stylesheet and scripts
# (ours and ASP.NET's enhanced-navigation script, Brotli) — and (2) B7, wrk on the page with the session cookie.

CONSOLE_KEYS=200
CONSOLE_SAMPLES=20

seed_console() {
  log "seeding the console project: 3 environments x $CONSOLE_KEYS keys"
  CONSOLE_PROJECT_ID="$(api POST /api/v2/workspace "$ADMIN_TOKEN" '{"projectName":"console"}' | jq -r .project.id)"
  api POST "/api/v2/workspace/$CONSOLE_PROJECT_ID/memberships" "$ADMIN_TOKEN" \
    '{"emails":["bench@example.com"],"roleSlugs":["admin"]}' >/dev/null
  local env i secrets
  for env in dev staging prod; do
    # Every tenth key differs in production, as the overview marks.
    secrets="$(jq -c -n --arg env "$env" --argjson n "$CONSOLE_KEYS" \
      '[range(1; $n + 1) | {secretKey: ("CONSOLE_KEY_\(. | tostring)"), secretValue: (if $env == "prod" and (. % 10 == 0) then "prod-\(.)" else "value-\(.)" end)}]')"
    api POST /api/v3/secrets/batch/raw "$ADMIN_TOKEN" \
      "{\"workspaceId\":\"$CONSOLE_PROJECT_ID\",\"environment\":\"$env\",\"secretPath\":\"/\",\"secrets\":$secrets}" >/dev/null
  done
  # Signing in as a browser does: the form's antiforgery token with its cookie, then the session cookie.
  local jar="$WORK/console.jar" token status
  token="$(curl -sS -c "$jar" -b "$jar" "$BASE_URL/login" | grep -o 'name="__RequestVerificationToken" value="[^"]*' | sed 's/.*value="//')"
  [ -n "$token" ] || die "console: no antiforgery token on /login"
  status="$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "_handler=signin" \
    --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "Input.Email=bench@example.com" \
    --data-urlencode "Input.Password=bench-password-1234" "$BASE_URL/login")"
  [ "$status" = 302 ] || die "console: sign-in answered $status"
  CONSOLE_COOKIE="$(awk '$6 == "coffer_session" { print $7 }' "$jar")"
  [ -n "$CONSOLE_COOKIE" ] || die "console: no session cookie after sign-in"
}

asset_bytes() { # page name -> bytes transferred for the asset the page links to
  local url
  url="$(grep -o "/console/$2?v=[0-9a-f]*" <<<"$1")"
  [ -n "$url" ] || fail "console: the page does not link $2"
  curl -sS -o /dev/null -H 'Accept-Encoding: br, gzip' -w '%{size_download}' "$BASE_URL$url"
}

measure_console() {
  local url="$BASE_URL/projects/$CONSOLE_PROJECT_ID" i line ttfb=() total=() bytes css js page
  page="$(curl -sS -H "Cookie: coffer_session=$CONSOLE_COOKIE" "$url")"
  grep -q 'CONSOLE_KEY_200' <<<"$page" || fail "console: the overview does not list the project's keys"
  [ "$(grep -o 'cell-differs' <<<"$page" | wc -l)" -eq $((CONSOLE_KEYS / 10)) ] || fail "console: expected $((CONSOLE_KEYS / 10)) differing cells"
  for i in $(seq 1 "$CONSOLE_SAMPLES"); do
    # As a browser following a link asks: compressed, and marked as this origin's own request.
    line="$(curl -sS -o /dev/null -w '%{http_code} %{time_starttransfer} %{time_total} %{size_download}' \
      -H "Cookie: coffer_session=$CONSOLE_COOKIE" -H 'Accept-Encoding: br, gzip' -H 'Sec-Fetch-Site: same-origin' "$url")"
    [ "${line%% *}" = 200 ] || fail "console: page load answered ${line%% *}"
    read -r _ t1 t2 bytes <<<"$line"
    ttfb+=("$t1"); total+=("$t2")
  done
  # The assets as a browser fetches them: Brotli-compressed (the page itself is sent as is).
  css="$(asset_bytes "$page" console.css)"
  js="$(( $(asset_bytes "$page" console.js) + $(asset_bytes "$page" blazor.web.js) ))"
  # Each page view lists the three environments (one get-secrets event each).
  AUDITED_MIN[get-secrets]=$((${AUDITED_MIN[get-secrets]:-0} + 3 * (CONSOLE_SAMPLES + 1)))
  AUDITED_SLACK[get-secrets]=${AUDITED_SLACK[get-secrets]:-0}
  jq -n --arg ttfb "$(printf '%s\n' "${ttfb[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)] * 1000}')" \
    --arg total "$(printf '%s\n' "${total[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)] * 1000}')" \
    --arg html "$bytes" --arg css "$css" --arg js "$js" --arg keys "$CONSOLE_KEYS" --arg n "$CONSOLE_SAMPLES" \
    '{keys_per_environment: ($keys|tonumber), environments: 3, samples: ($n|tonumber),
      first_byte_ms_median: ($ttfb|tonumber), full_page_ms_median: ($total|tonumber),
      html_bytes: ($html|tonumber), css_bytes: ($css|tonumber), js_bytes: ($js|tonumber),
      full_load_bytes: (($html|tonumber) + ($css|tonumber) + ($js|tonumber))}' >"$WORK/results/console.json"
  log "console overview: first byte $(jq .first_byte_ms_median "$WORK/results/console.json") ms (median), $(jq .full_load_bytes "$WORK/results/console.json") bytes with its assets"

  local json
  log "B7: warm-up ${WARMUP}s"
  json="$(wrk_once B7-warmup console_overview.lua "$THREADS" 4 "$WARMUP" BENCH_CONSOLE_PROJECT_ID="$CONSOLE_PROJECT_ID" BENCH_CONSOLE_COOKIE="$CONSOLE_COOKIE")"
  check_run "B7 warm-up" "$json"
  console_audited "$json"
  log "B7: ${DURATION}s, $THREADS thread(s), 4 connection(s)"
  json="$(wrk_once B7 console_overview.lua "$THREADS" 4 "$DURATION" BENCH_CONSOLE_PROJECT_ID="$CONSOLE_PROJECT_ID" BENCH_CONSOLE_COOKIE="$CONSOLE_COOKIE")"
  check_run B7 "$json"
  console_audited "$json"
  echo "$json" >"$WORK/results/B7.json"
}

console_audited() { # one run's page views, three list events each
  AUDITED_MIN[get-secrets]=$((${AUDITED_MIN[get-secrets]:-0} + 3 * $(jq .requests <<<"$1")))
  AUDITED_SLACK[get-secrets]=$((${AUDITED_SLACK[get-secrets]:-0} + 3 * $(jq .connections <<<"$1")))
}
