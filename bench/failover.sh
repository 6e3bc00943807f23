#!/usr/bin/env bash
# Failover time: kill -9 of the master -> the VIP present on the backup, for
#   keepalived->keepalived, agent->keepalived (agent master killed), keepalived->agent, agent->agent,
# at VRRPv2 1 s adverts and VRRPv3 50 ms adverts (IPv4), RUNS runs each, in one namespace lab.
# Prints medians (ms), the ratio to keepalived->keepalived and the RFC bound (Master_Down_Interval of the backup, priority 90).
#
# --service: a Service of type LoadBalancer instead, as a user gets it: LocalCluster in the lab, the real kubectl applies
# a VirtualIpPool (VRRPv3, 50 ms adverts, ipMode Proxy), the Service and its EndpointSlice (two endpoints), the operator
# gives it a VirtualIp and a VirtualServer, cluster-mode agents on n1 and n2 hold the one and program the other (the
# pool gives both priority 100); kill -9 of the master's agent, timed to the address on the backup. Beside it
# keepalived at the same settings (v3, 50 ms, both 100). Ends with one line: both medians and their ratio.
#
# --interval D (e.g. 10ms): VRRPv3 at that advert interval only, instead of the two defaults. --pairs same: only
# keepalived->keepalived and agent->agent. With --runs 50 this is issue 15's "50 failovers at 10 ms" (p50 and p99 printed).
#
# Timer precision: a tcpdump on n2 records every VRRP packet in and out around each kill; "advert gap" is the backup's
# first advert minus the killed master's last one (kernel timestamps on n2's eth0), and "timer error" is that gap minus
# RFC 5798's Master_Down_Interval: how late the backup's Master_Down_Timer fired, plus its takeover's first send.
#
# usage: sudo bench/failover.sh [--keepalived-only | --service] [--runs N] [--interval D] [--pairs all|same]
#   AGENT=path  the agent to run: a keepoperator-agent.dll (run with dotnet) or an executable (e.g. NativeAOT);
#               default: dotnet build -c Release of src/NodeAgent. --service also takes OPERATOR and LOCALCLUSTER alike
#               (default: builds of src/Operator and tools/LocalCluster) and needs kubectl.
#
# How: n1 (priority 100) is started first and takes the VIP, then n2 (priority 90) joins as backup. The kill is
# synchronised to just after one of n1's adverts (tcpdump --immediate-mode on n2), so the time measured is the
# backup's Master_Down_Interval plus its reaction, not a random phase of the advert cycle. The VIP's arrival on n2
# is timed with `ip -n NS monitor address` (a netlink event), both ends with bash's $EPOCHREALTIME.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tools/lab/lib.sh
source "$here/../tools/lab/lib.sh"

RUNS=${RUNS:-5}
ONLY_KA=0
SERVICE=0
INTERVAL=
PAIR_SET=all
while [[ $# -gt 0 ]]; do
  case $1 in
    --keepalived-only) ONLY_KA=1 ;;
    --service) SERVICE=1 ;;
    --runs) RUNS=$2; shift ;;
    --interval) INTERVAL=$2; shift ;;
    --pairs) PAIR_SET=$2; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

lab_require_root
command -v keepalived >/dev/null || { echo "keepalived is not installed" >&2; exit 1; }
if [[ $ONLY_KA == 0 ]]; then agent_resolve; fi
SYNC=1
command -v tcpdump >/dev/null || { SYNC=0; echo "tcpdump not found: kills are not synchronised to adverts (more spread)" >&2; }

trap 'stop_peers; lab_down' EXIT
lab_up 2
VIP=10.77.0.250
N1=$(lab_ns n1)
N2=$(lab_ns n2)

# version, agent advertInterval, keepalived advert_int, label
VARIANTS=("2 1s 1 v2-1s" "3 50ms 0.05 v3-50ms")
if [[ -n $INTERVAL ]]; then
  [[ $INTERVAL =~ ^([0-9]+)ms$ ]] && ((BASH_REMATCH[1] % 10 == 0 && BASH_REMATCH[1] >= 10)) || { echo "--interval: a multiple of 10ms, e.g. 10ms" >&2; exit 2; }
  VARIANTS=("3 $INTERVAL $(awk -v m="${BASH_REMATCH[1]}" 'BEGIN { printf "%g", m / 1000 }') v3-$INTERVAL")
fi
BACKUP_PRIO=90
if [[ $ONLY_KA == 1 ]]; then
  PAIRS=(keepalived:keepalived)
elif [[ $SERVICE == 1 ]]; then
  PAIRS=(keepalived:keepalived service:service)
  VARIANTS=("3 50ms 0.05 v3-50ms")
  BACKUP_PRIO=100 # what the pool's VirtualIp gives every node
elif [[ $PAIR_SET == same ]]; then
  PAIRS=(keepalived:keepalived agent:agent)
else
  PAIRS=(keepalived:keepalived agent:keepalived keepalived:agent agent:agent)
fi

declare -A PEER_PID PEER_CONF PEER_KIND
declare -A RESULTS ADVERT_RESULTS GAP_RESULTS
ANY_FAIL=0

start_peer() { # KIND NODE PRIO VERSION ADV_YAML ADV_KA
  local kind=$1 node=$2 prio=$3 version=$4 advy=$5 advk=$6 f
  f=$LAB_TMP/$node-$kind
  if [[ $kind == keepalived ]]; then
    keepalived_conf "$f.conf" 51 "$prio" "$advk" "$version" lll "$VIP"
    keepalived_start "$node" "$f.conf" "$f.log"
    keepalived_vrrp_pid "$f.conf" >/dev/null || { echo "keepalived on $node did not start" >&2; cat "$f.log" >&2; return 1; }
    PEER_CONF[$node]=$f.conf
  elif [[ $kind == service ]]; then
    cluster_agent_start "$node" "$f.log" # its VirtualIp is the operator's, for the Service
  else
    agent_doc web 51 "$version" "$advy" lll "$VIP" >"$f.yaml"
    agent_start "$node" "$f.yaml" "$f.log"
  fi
  PEER_PID[$node]=$STARTED_PID
  PEER_KIND[$node]=$kind
}

kill9_peer() { # NODE
  local node=$1
  [[ -n ${PEER_PID[$node]:-} ]] || return 0
  if [[ ${PEER_KIND[$node]} == keepalived ]]; then
    keepalived_kill9 "${PEER_PID[$node]}" "${PEER_CONF[$node]}"
  else
    kill -9 "${PEER_PID[$node]}" 2>/dev/null || true
    { wait "${PEER_PID[$node]}"; } 2>/dev/null || true
  fi
  unset "PEER_PID[$node]"
}

stop_peers() {
  local node
  for node in n1 n2; do kill9_peer "$node"; done
  for ns in "$N1" "$N2"; do ip -n "$ns" addr del "$VIP/32" dev eth0 2>/dev/null || true; done
}

wait_vip() { # NODE TIMEOUT_S -> 0 when NODE holds the VIP
  local node=$1 deadline=$((SECONDS + $2))
  until lab_has_addr "$node" "$VIP"; do
    ((SECONDS <= deadline)) || return 1
    sleep 0.02
  done
}

us() { local t=${1/./}; echo $((10#$t)); }

# one_run MASTER_KIND BACKUP_KIND VARIANT -> sets RUN_MS to the failover time in ms (or returns 1)
# (not in $(...): the peers must be this shell's children)
one_run() {
  local mk=$1 bk=$2 version advy advk label line t0 t1 settle
  read -r version advy advk label <<<"$3"
  stop_peers
  start_peer "$mk" n1 100 "$version" "$advy" "$advk" || return 1
  wait_vip n1 15 || { echo "  $mk on n1 never took the VIP" >&2; tail -5 "$LAB_TMP/n1-$mk.log" >&2; return 1; }
  start_peer "$bk" n2 "$BACKUP_PRIO" "$version" "$advy" "$advk" || return 1
  if [[ $bk == service ]]; then # it reads its config from the API server first: wait until it is a backup
    local i
    for ((i = 0; i < 300; i++)); do grep -qs 'event=transition .*to=Backup' "$LAB_TMP/n2-$bk.log" && break; sleep 0.1; done
  fi
  settle=$(awk -v a="$advk" -v k="$bk" 'BEGIN {s = 3 * a + 0.5; if (k != "keepalived") s += 1.5; print s}')
  sleep "$settle"
  if lab_has_addr n2 "$VIP"; then echo "  $bk on n2 holds the VIP while $mk on n1 lives" >&2; tail -5 "$LAB_TMP/n2-$bk.log" >&2; return 1; fi
  if ! kill -0 "${PEER_PID[n2]}" 2>/dev/null; then echo "  $bk on n2 died" >&2; tail -5 "$LAB_TMP/n2-$bk.log" >&2; return 1; fi

  coproc MON { exec ip -n "$N2" monitor address dev eth0; }
  local wire=$LAB_TMP/wire.txt
  [[ $SYNC == 1 ]] && { ip netns exec "$N2" tcpdump --immediate-mode -tt -n -l -i eth0 'ip proto 112' >"$wire" 2>/dev/null & }
  local wire_pid=$!
  sleep 0.2
  local ta=
  if [[ $SYNC == 1 ]]; then
    ta=$(timeout 5 ip netns exec "$N2" tcpdump --immediate-mode -tt -c 1 -n -i eth0 -Q in 'ip proto 112' 2>/dev/null | awk 'NR == 1 {print $1}') || true
  fi
  t0=$EPOCHREALTIME
  kill9_peer n1
  t1=
  while IFS= read -r -t 10 line <&"${MON[0]}"; do
    if [[ $line != Deleted* && $line == *" inet $VIP/"* ]]; then t1=$EPOCHREALTIME; break; fi
  done
  kill "$MON_PID" 2>/dev/null || true
  { wait "$MON_PID"; } 2>/dev/null || true
  [[ -n $t1 ]] || { echo "  $bk on n2 never took the VIP" >&2; tail -5 "$LAB_TMP/n2-$bk.log" >&2; return 1; }
  RUN_MS=$((($(us "$t1") - $(us "$t0")) / 1000))
  RUN_ADV_MS=-
  [[ $ta =~ ^[0-9]+\.[0-9]{6}$ ]] && RUN_ADV_MS=$((($(us "$t1") - $(us "$ta")) / 1000))
  RUN_GAP_US=-
  if [[ $SYNC == 1 ]]; then
    sleep "$(awk -v a="$advk" 'BEGIN { print 2 * a + 0.05 }')" # the new master's first advert is on the wire
    kill "$wire_pid" 2>/dev/null || true
    { wait "$wire_pid"; } 2>/dev/null || true
    RUN_GAP_US=$(advert_gap_us "$wire" 10.77.0.11 10.77.0.12)
  fi
}

# advert_gap_us FILE OLD NEW: the first advert from NEW after the last one from OLD, in µs (tcpdump -tt lines), or -
advert_gap_us() {
  awk -v old="$2" -v new="$3" '
    $3 == old { last = $1; next }
    $3 == new && last != "" { printf "%d\n", ($1 - last) * 1000000; found = 1; exit }
    END { if (!found) print "-" }' "$1"
}

mdi_us() { # VERSION ADVERT_S PRIO: RFC 5798's Master_Down_Interval (v3's Skew_Time in whole centiseconds, as sent)
  awk -v v="$1" -v a="$2" -v p="$3" 'BEGIN {
    if (v == 2) skew = (256 - p) / 256; else skew = (256 - p) * (a * 100) / 256 / 100
    printf "%d\n", (3 * a + skew) * 1000000 }'
}

mdi_ms() { echo $(($(mdi_us "$@") / 1000)); }

# service_up: the cluster, the pool, the Service and its EndpointSlice (--service)
service_up() {
  lab_cluster_up
  for ns in "$N1" "$N2"; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; done # Kubernetes nodes forward
  lab_kubectl apply -f - >/dev/null <<YAML
apiVersion: keepoperator.io/v1alpha1
kind: VirtualIpPool
metadata:
  name: bench
spec:
  addresses: ["$VIP"]
  ipMode: Proxy
  virtualIp:
    advertInterval: 50ms
    interface: eth0
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  type: LoadBalancer
  loadBalancerClass: keepoperator.io/vrrp
  ports:
  - port: 80
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  namespace: default
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports:
- port: 80
endpoints:
- addresses: ["10.77.0.21"]
- addresses: ["10.77.0.22"]
YAML
}

if [[ $SERVICE == 1 ]]; then service_up; fi
echo "failover bench: $RUNS runs per cell; lab $LAB_PREFIX; agent: ${AGENT_CMD[*]:-(not run)}"
for v in "${VARIANTS[@]}"; do
  read -r _ _ _ label <<<"$v"
  for pair in "${PAIRS[@]}"; do
    mk=${pair%%:*}; bk=${pair##*:}
    times=()
    advs=()
    gaps=()
    for ((r = 1; r <= RUNS; r++)); do
      if one_run "$mk" "$bk" "$v"; then times+=("$RUN_MS"); advs+=("$RUN_ADV_MS"); gaps+=("$RUN_GAP_US"); else times+=(FAIL); ANY_FAIL=1; fi
    done
    RESULTS["$label|$pair"]="${times[*]}"
    ADVERT_RESULTS["$label|$pair"]="${advs[*]}"
    GAP_RESULTS["$label|$pair"]="${gaps[*]}"
    printf '  %-8s %-24s kill->VIP %s   last advert->VIP %s   advert gap (us) %s\n' "$label" "$mk -> $bk" "${times[*]}" "${advs[*]}" "${gaps[*]}"
  done
done
stop_peers

echo
printf '%-8s %-26s %5s %8s %6s %6s %6s %12s %9s %8s %16s\n' advert "failover (killed -> new)" ok median p99 min max "from advert" "RFC MDI" "ratio" "timer error p50/p99"
for v in "${VARIANTS[@]}"; do
  read -r version _ advk label <<<"$v"
  bound=$(mdi_ms "$version" "$advk" "$BACKUP_PRIO")
  base=
  for pair in "${PAIRS[@]}"; do
    read -r -a all <<<"${RESULTS[$label|$pair]}"
    ok=()
    for x in "${all[@]}"; do [[ $x == FAIL ]] || ok+=("$x"); done
    if ((${#ok[@]} == 0)); then
      printf '%-8s %-26s %5s %8s\n' "$label" "${pair/:/ -> }" "0/${#all[@]}" "-"
      continue
    fi
    med=$(median "${ok[@]}")
    p99=$(percentile 99 "${ok[@]}")
    min=$(printf '%s\n' "${ok[@]}" | sort -n | head -1)
    max=$(printf '%s\n' "${ok[@]}" | sort -n | tail -1)
    [[ $pair == keepalived:keepalived ]] && base=$med
    ratio=$(awk -v m="$med" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "%.2f", m / b; else print "-" }')
    read -r -a advs <<<"${ADVERT_RESULTS[$label|$pair]}"
    advok=()
    for x in "${advs[@]}"; do [[ $x == - ]] || advok+=("$x"); done
    advmed=$(median "${advok[@]}")
    read -r -a gaps <<<"${GAP_RESULTS[$label|$pair]}"
    errs=()
    for x in "${gaps[@]}"; do [[ $x == - ]] || errs+=("$((x - $(mdi_us "$version" "$advk" "$BACKUP_PRIO")))"); done
    err="-"
    ((${#errs[@]} > 0)) && err=$(awk -v a="$(median "${errs[@]}")" -v b="$(percentile 99 "${errs[@]}")" 'BEGIN { printf "%.2f/%.2f ms", a / 1000, b / 1000 }')
    printf '%-8s %-26s %5s %8s %6s %6s %6s %12s %9s %8s %16s\n' "$label" "${pair/:/ -> }" "${#ok[@]}/${#all[@]}" "$med" "$p99" "$min" "$max" "$advmed" "$bound" "$ratio" "$err"
  done
done
echo "(ms. median/min/max: kill -9 of the master -> VIP on the backup; the kill follows one of the master's adverts by the"
echo " few ms tcpdump takes to exit. from advert: median time from that last advert (tcpdump's packet timestamp) to the VIP,"
echo " to compare with RFC MDI = 3*Advert_Interval + Skew_Time for the backup's priority $BACKUP_PRIO. ratio = median / keepalived->keepalived"
echo " median at the same advert interval. p99: nearest rank. timer error: the backup's first advert - the master's last"
echo " advert - RFC MDI, from tcpdump on n2, p50/p99 over the runs.)"
if [[ $SERVICE == 1 ]]; then
  read -r -a ka <<<"${RESULTS[v3-50ms|keepalived:keepalived]//FAIL/}"
  read -r -a sv <<<"${RESULTS[v3-50ms|service:service]//FAIL/}"
  kam=$(median "${ka[@]}")
  svm=$(median "${sv[@]}")
  echo "SERVICE-FAILOVER v3 50ms, kill -9 of the master: agent (Proxy-mode Service of type LoadBalancer) median ${svm} ms of ${#sv[@]}/$RUNS (${sv[*]}), keepalived median ${kam} ms of ${#ka[@]}/$RUNS (${ka[*]}), ratio $(awk -v a="$svm" -v b="$kam" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }') (RFC MDI $(mdi_ms 3 0.05 "$BACKUP_PRIO") ms)"
fi
exit "$ANY_FAIL"
