# Sourced by bench scripts. run_sampled LOG CMD...: runs CMD (stdout to LOG) under /usr/bin/time
# and samples its largest RssAnon every 20 ms; prints "wall user sys maxrss_kib anon_kib".
# RSS counts file pages mapped by the process too (none of the store's since it is read without a
# memory map); the anonymous figure only what the process allocated.
run_sampled() {
  local log=$1 stats_file
  stats_file=$(mktemp)
  shift
  /usr/bin/time -o "$stats_file" -f '%e %U %S %M' "$@" >"$log" &
  local pid=$! anon=0 now child
  while kill -0 "$pid" 2>/dev/null; do
    child=$(pgrep -P "$pid" | head -1 || true)
    if [ -n "$child" ]; then
      now=$(awk '/RssAnon/ {print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
      [ "${now:-0}" -gt "$anon" ] && anon=$now
    fi
    sleep 0.02
  done
  wait "$pid"
  echo "$(cat "$stats_file") $anon"
  rm -f "$stats_file"
}
