#!/usr/bin/env bash
# Steady-state footprint: the agent vs keepalived, each running the same INSTANCES VRRP instances (default 10) at
# VRRPv3 50 ms adverts (20 adverts/s each) on a master (n1, priority 100) and a backup (n2, priority 90).
# RSS: VmRSS from /proc/PID/status at the end of the window; PSS and anon: Pss and Anonymous of /proc/PID/smaps_rollup
# then. CPU: utime+stime from /proc/PID/stat over SECONDS
# (default 20) after a WARMUP (default 5 s). keepalived is its parent plus its VRRP child, summed.
#
# usage: sudo bench/footprint.sh [--keepalived-only] [--seconds N] [--instances N]
#   AGENT=path  a keepoperator-agent.dll (run with dotnet) or an executable (e.g. NativeAOT build);
#               default: dotnet build -c Release of src/NodeAgent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tools/lab/lib.sh
source "$here/../tools/lab/lib.sh"

WINDOW=${SECONDS_WINDOW:-20}
WARMUP=${WARMUP:-5}
INSTANCES=10
ONLY_KA=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --keepalived-only) ONLY_KA=1 ;;
    --seconds) WINDOW=$2; shift ;;
    --instances) INSTANCES=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

lab_require_root
command -v keepalived >/dev/null || { echo "keepalived is not installed" >&2; exit 1; }
if [[ $ONLY_KA == 0 ]]; then agent_resolve; fi
HZ=$(getconf CLK_TCK)

trap lab_down EXIT
lab_up 2

vip() { echo "10.77.0.$((200 + $1))"; }

all_vips_on() { # NODE -> 0 if NODE holds every VIP
  local i addrs
  addrs=$(ip -n "$(lab_ns "$1")" -o addr show dev eth0)
  for ((i = 1; i <= INSTANCES; i++)); do [[ $addrs == *" $(vip "$i")/"* ]] || return 1; done
}

no_vip_on() {
  local i addrs
  addrs=$(ip -n "$(lab_ns "$1")" -o addr show dev eth0)
  for ((i = 1; i <= INSTANCES; i++)); do [[ $addrs != *" $(vip "$i")/"* ]] || return 1; done
}

adverts_per_second() { # counts VRRP packets seen by the client over 2 s
  local n
  n=$(timeout 2 ip netns exec "$(lab_ns client)" tcpdump --immediate-mode -n -i eth0 'ip proto 112' 2>/dev/null | wc -l) || true
  echo $((n / 2))
}

declare -a ROWS

measure() { # KIND
  local kind=$1 node f pids_n1 pids_n2 i deadline c0m c0b c1m c1b rate
  local -A pids
  for node in n1 n2; do
    f=$LAB_TMP/$node-$kind
    if [[ $kind == keepalived ]]; then
      prio=100; [[ $node == n2 ]] && prio=90
      {
        keepalived_global
        for ((i = 1; i <= INSTANCES; i++)); do keepalived_instance "vip$i" "$i" "$prio" 0.05 3 - "$(vip "$i")"; done
      } >"$f.conf"
      keepalived_start "$node" "$f.conf" "$f.log"
      pids[$node]="$STARTED_PID $(keepalived_vrrp_pid "$f.conf")"
    else
      for ((i = 1; i <= INSTANCES; i++)); do
        ((i == 1)) || echo ---
        agent_doc "vip$i" "$i" 3 50ms - "$(vip "$i")"
      done >"$f.yaml"
      agent_start "$node" "$f.yaml" "$f.log"
      pids[$node]=$STARTED_PID
    fi
    if [[ $node == n1 ]]; then
      deadline=$((SECONDS + 15))
      until all_vips_on n1; do
        if ((SECONDS > deadline)); then echo "$kind on n1 did not take all $INSTANCES VIPs" >&2; tail -5 "$f.log" >&2; return 1; fi
        sleep 0.05
      done
    fi
  done
  sleep "$WARMUP"
  if ! all_vips_on n1 || ! no_vip_on n2; then echo "$kind: VIPs not steady (master n1 all, backup n2 none)" >&2; return 1; fi
  rate=$(adverts_per_second)
  # shellcheck disable=SC2086
  { c0m=$(proc_cpu_ticks ${pids[n1]}); c0b=$(proc_cpu_ticks ${pids[n2]}); }
  sleep "$WINDOW"
  # shellcheck disable=SC2086
  { c1m=$(proc_cpu_ticks ${pids[n1]}); c1b=$(proc_cpu_ticks ${pids[n2]}); }
  if ! all_vips_on n1 || ! no_vip_on n2; then echo "$kind: VIPs moved during the window" >&2; return 1; fi
  # shellcheck disable=SC2086
  ROWS+=("$kind master ${pids[n1]// /+} $(proc_rss_kb ${pids[n1]}) $(proc_smaps_kb Pss ${pids[n1]}) $(proc_smaps_kb Anonymous ${pids[n1]}) $((c1m - c0m)) $rate")
  # shellcheck disable=SC2086
  ROWS+=("$kind backup ${pids[n2]// /+} $(proc_rss_kb ${pids[n2]}) $(proc_smaps_kb Pss ${pids[n2]}) $(proc_smaps_kb Anonymous ${pids[n2]}) $((c1b - c0b)) -")
  # stop: SIGKILL everything of this kind, drop the VIPs it left
  for node in n1 n2; do
    # shellcheck disable=SC2086
    for pid in $(printf '%s\n' ${pids[$node]} | tac); do kill -9 "$pid" 2>/dev/null || true; done
    { wait "${pids[$node]%% *}"; } 2>/dev/null || true
    for ((i = 1; i <= INSTANCES; i++)); do ip -n "$(lab_ns "$node")" addr del "$(vip "$i")/32" dev eth0 2>/dev/null || true; done
  done
}

echo "footprint: $INSTANCES instances, VRRPv3, 50 ms adverts; warm-up ${WARMUP}s, window ${WINDOW}s; agent: ${AGENT_CMD[*]:-(not run)}"
ANY_FAIL=0
measure keepalived || { ROWS+=("keepalived FAILED - - - - - -"); ANY_FAIL=1; }
if [[ $ONLY_KA == 0 ]]; then measure agent || { ROWS+=("agent FAILED - - - - - -"); ANY_FAIL=1; }; fi

echo
printf '%-11s %-7s %-13s %9s %9s %9s %9s %10s %12s\n' impl role pids "RSS MiB" "PSS MiB" "anon MiB" "CPU %" "CPU ms/s" "adverts/s"
for row in "${ROWS[@]}"; do
  read -r impl role pids rss pss anon ticks rate <<<"$row"
  if [[ $role == FAILED ]]; then printf '%-11s %s\n' "$impl" "FAILED (see above)"; continue; fi
  awk -v i="$impl" -v r="$role" -v p="$pids" -v rss="$rss" -v pss="$pss" -v anon="$anon" -v t="$ticks" -v hz="$HZ" -v w="$WINDOW" -v a="$rate" 'BEGIN {
    cpu = t / hz / w
    printf "%-11s %-7s %-13s %9.1f %9.1f %9.1f %9.2f %10.2f %12s\n", i, r, p, rss / 1024, pss / 1024, anon / 1024, cpu * 100, cpu * 1000, a }'
done
echo "(CPU % of one core over the window; adverts/s: VRRP packets the client saw, all instances; a pid list a+b is keepalived's parent+VRRP child."
echo " RSS sums VmRSS, so keepalived's two processes count the shared libraries they share twice; PSS splits shared pages"
echo " among their users; anon is memory no file backs: heaps, stacks, and for NativeAOT the runtime's rehydrated type data)"
exit "$ANY_FAIL"
