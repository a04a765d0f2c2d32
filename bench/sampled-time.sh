# Sourced by bench scripts. run_sampled LOG CMD...: runs CMD (stdout to LOG) under /usr/bin/time
# and samples its largest RssAnon every 20 ms; prints "wall user sys maxrss_kib anon_kib".
# RSS counts file pages mapped by the process too (none of the store's since it is read without a
# memory map); the anonymous figure only what the process allocated.
#
# The sampling loop starts no process (builtins only: /proc files read with `read`, the pause a
# timed `read` on a private FIFO): a loop that ran pgrep, awk and sleep 50 times a second took
# enough of a 2-core machine to add ~20 % to the wall time of a two-thread export it measured.
run_sampled() {
  local log=$1 stats_file fifo pause
  stats_file=$(mktemp)
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  exec {pause}<>"$fifo"
  rm -f "$fifo"
  shift
  /usr/bin/time -o "$stats_file" -f '%e %U %S %M' "$@" >"$log" &
  local pid=$! anon=0 child="" key value
  while kill -0 "$pid" 2>/dev/null; do
    [ -n "$child" ] || read -r child _ <"/proc/$pid/task/$pid/children" 2>/dev/null || true
    if [ -n "$child" ]; then
      while read -r key value _; do
        if [ "$key" = RssAnon: ]; then
          [ "$value" -gt "$anon" ] && anon=$value
          break
        fi
      done <"/proc/$child/status" 2>/dev/null || true
    fi
    read -r -t 0.02 -u "$pause" _ || true
  done
  wait "$pid"
  exec {pause}>&-
  echo "$(cat "$stats_file") $anon"
  rm -f "$stats_file"
}
