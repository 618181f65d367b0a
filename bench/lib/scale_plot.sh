# Draws bench/scale.sh's curves as SVG with gnuplot (Debian's gnuplot-nox), one chart per curve beside the JSON:
# requests per second and server CPU per request against the data's size, log-log (sizes grow by 10x). Sourced.

plot_curves() { # RESULTS_JSON -> RESULTS_JSON without .json + -<curve>.svg for every curve
  local file="$1" base="${1%.json}" db name title xlabel series data script i s off
  db="$(jq -r .database "$file")"
  for name in $(jq -r '.curves | keys[]' "$file"); do
    title="$(jq -r --arg n "$name" '.curves[$n].title' "$file")"
    xlabel="$(jq -r --arg n "$name" '.curves[$n].x_label' "$file")"
    mapfile -t series < <(jq -r --arg n "$name" '.curves[$n].points[0].series | keys_unsorted[]' "$file")
    [ "${#series[@]}" -gt 0 ] || continue
    data="$WORK/plot-$name.dat"
    jq -r --arg n "$name" '.curves[$n].points[] | [.x] + ([.series[] | .rps, .server_cpu_us_per_request]) | @tsv' "$file" >"$data"
    script="$WORK/plot-$name.gp"
    {
      echo "set terminal svg size 960,460 dynamic noenhanced font 'sans,11' background rgb 'white'"
      echo "set output '$base-$name.svg'"
      echo "set multiplot layout 1,2 title \"$title ($db)\""
      echo "set logscale xy; set grid; set key below; set format x '%.0s%c'"
      echo "set xlabel \"$xlabel\""
      for off in 0 1; do
        if [ "$off" = 0 ]; then echo "set ylabel 'requests per second'"; else echo "set ylabel 'server CPU µs per request'"; fi
        printf 'plot '
        i=0
        for s in "${series[@]}"; do
          [ "$i" -eq 0 ] || printf ', '
          printf "'%s' using 1:%d with linespoints pointtype 7 title '%s'" "$data" $((2 + 2 * i + off)) "$s"
          i=$((i + 1))
        done
        echo
      done
      echo "unset multiplot"
    } >"$script"
    gnuplot "$script" 2>"$WORK/plot-$name.err" || { cat "$WORK/plot-$name.err" >&2; fail "plotting $name failed"; }
  done
}
