#!/usr/bin/env bash
# The agent alone, without Kubernetes: two nodes share a virtual IP with keepoperator-agent --config; a client curls
# it; kill -9 the master's agent and the client lands on the other node (tools/lab/demo.sh is the whole stack).
# Everything happens in throw-away network namespaces (nothing is changed in the root namespace), removed on exit.
#
# Needs root (network namespaces, raw VRRP sockets). Uses: iproute2, curl, and python3's built-in http.server as the
# web server in each node (nothing to install beyond Debian's python3). The agent: $AGENT (a keepoperator-agent.dll
# or an executable) or, by default, `dotnet build -c Release` of src/NodeAgent.
#
# usage: sudo tools/lab/agent-demo.sh
#        sudo DEMO_PEER=keepalived tools/lab/agent-demo.sh   (the same demo with keepalived in place of the agent: a reference)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

if [[ $(id -u) -ne 0 ]]; then
  echo "agent-demo.sh needs root (it makes network namespaces and the agent opens raw VRRP sockets): sudo $0" >&2
  exit 1
fi
PEER=${DEMO_PEER:-agent}
need=(ip curl python3)
if [[ $PEER == agent ]]; then need+=(dotnet); else need+=(keepalived); fi
for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null || { echo "agent-demo.sh needs $tool" >&2; exit 1; }
done

VIP=10.77.0.250

run() { # echo the command, then run it
  printf '$ %s\n' "$*"
  "$@"
}

cleanup() {
  local rc=$?
  say "cleaning up (namespaces and everything started in them)"
  lab_down
  exit "$rc"
}
trap cleanup EXIT

if [[ $PEER == agent ]]; then
  say "building the agent"
  agent_resolve
  echo "agent: ${AGENT_CMD[*]}"
fi

say "a lab: nodes n1 (10.77.0.11) and n2 (10.77.0.12), a client (10.77.0.100), on one bridge"
LAB_PREFIX=kodemo$$-
lab_up 2
N1=$(lab_ns n1) N2=$(lab_ns n2) CL=$(lab_ns client)
printf '$ ip netns list | grep %s\n' "$LAB_PREFIX"
ip netns list | grep "$LAB_PREFIX"

say "a web server in each node, saying which node it is"
for node in n1 n2; do
  printf '$ ip netns exec %s python3 -m http.server 80 --directory %s &\n' "$(lab_ns "$node")" "$LAB_TMP/www-$node"
  web_server_start "$node"
done

declare -A APID
if [[ $PEER == agent ]]; then
  say "one VirtualIp for both nodes: n1 priority 100, n2 priority 90"
  agent_doc web 51 2 1s lll "$VIP" 100 90 >"$LAB_TMP/vip.yaml"
  run cat "$LAB_TMP/vip.yaml"

  say "the agent on each node, from the same file"
  for node in n1 n2; do
    printf '$ ip netns exec %s %s --config %s --node-name %s &\n' "$(lab_ns "$node")" "${AGENT_CMD[*]}" "$LAB_TMP/vip.yaml" "$node"
    agent_start "$node" "$LAB_TMP/vip.yaml" "$LAB_TMP/agent-$node.log"
    APID[$node]=$STARTED_PID
  done
else
  say "keepalived on each node (reference run): n1 priority 100, n2 priority 90"
  for node in n1 n2; do
    prio=100; [[ $node == n2 ]] && prio=90
    KA_INSTANCE=web keepalived_conf "$LAB_TMP/ka-$node.conf" 51 "$prio" 1 2 lll "$VIP"
    printf '$ ip netns exec %s keepalived -n -l -P -f %s ... &\n' "$(lab_ns "$node")" "$LAB_TMP/ka-$node.conf"
    keepalived_start "$node" "$LAB_TMP/ka-$node.conf" "$LAB_TMP/agent-$node.log"
    APID[$node]=$STARTED_PID
    keepalived_vrrp_pid "$LAB_TMP/ka-$node.conf" >/dev/null
  done
fi

wait_holder() { # NODE TIMEOUT_S
  local deadline=$((SECONDS + $2))
  local node alive
  until lab_has_addr "$1" "$VIP"; do
    alive=0
    for node in "${!APID[@]}"; do kill -0 "${APID[$node]}" 2>/dev/null && alive=1; done
    if ((SECONDS > deadline || !alive)); then
      echo "!! $1 did not take $VIP (waited up to $2 s; $PEER processes alive: $alive); they said:" >&2
      tail -n 5 "$LAB_TMP"/agent-*.log >&2
      return 1
    fi
    sleep 0.05
  done
}

say "waiting for the election (about 3.6 s: Master_Down_Interval at 1 s adverts)"
wait_holder n1 15
run ip -n "$N1" -br addr show dev eth0
run ip -n "$N2" -br addr show dev eth0
echo "=> n1 holds $VIP"

say "the client asks the VIP"
run ip netns exec "$CL" curl -s --max-time 2 "http://$VIP/"

say "kill -9 the master's $PEER (no goodbye: n2 waits out Master_Down_Interval)"
if [[ $PEER == agent ]]; then
  run kill -9 "${APID[n1]}"
else
  run kill -9 "$(cat "$LAB_TMP/ka-n1.conf.vrrp.pid")" "${APID[n1]}"
fi
t0=$EPOCHREALTIME
{ wait "${APID[n1]}"; } 2>/dev/null || true
wait_holder n2 15
t1=$EPOCHREALTIME
echo "=> n2 took $VIP after $(((${t1/./} - ${t0/./}) / 1000)) ms"
run ip -n "$N2" -br addr show dev eth0
run ip -n "$N1" -br addr show dev eth0
echo "(kill -9 left the VIP on n1's interface: $PEER had no chance to remove it; restarting it cleans up. The"
echo " client follows n2 anyway: n2 sent gratuitous ARP.)"
run ip -n "$CL" neigh show "$VIP"

say "the client asks the VIP again"
sleep 0.2
run ip netns exec "$CL" curl -s --max-time 2 "http://$VIP/"

say "what $PEER on n2 logged"
grep -E 'event=(transition|drop)|STATE' "$LAB_TMP/agent-n2.log" | tail -n 5 || tail -n 5 "$LAB_TMP/agent-n2.log"
