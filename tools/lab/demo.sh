#!/usr/bin/env bash
# The main-job demo: the seed scenario through the whole stack on one machine. LocalCluster (the Kubernetes API
# stand-in), the operator, two nodes each running keepoperator-agent and a web server; `kubectl apply -f
# examples/demo/` (the seed's VirtualIp and VirtualServer, converted from its keepalived.conf pair with the lab's
# addresses); the client curls the VIP; kill -9 the master's agent; kubectl shows the new master; curl again.
# Everything runs in throw-away network namespaces (nothing changes in the root namespace) and is removed on exit,
# failure or Ctrl-C included.
#
# Needs root (network namespaces, raw VRRP sockets), the .NET SDK, kubectl, iproute2, curl and python3 (its
# http.server is the web server). Builds once with `dotnet build -c Release`, or runs what $AGENT, $OPERATOR and
# $LOCALCLUSTER name (a .dll run with dotnet, or an executable). Exits non-zero if a step fails or a curl goes
# unanswered. The agent alone, without Kubernetes (and keepalived in its place): tools/lab/agent-demo.sh.
#
# usage: sudo tools/lab/demo.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
cd "$here/../.." # the paths it shows (deploy/crds/, examples/demo/) are the repository's

lab_require_root
need=(ip curl python3 kubectl)
[[ -n ${AGENT:-} && -n ${OPERATOR:-} && -n ${LOCALCLUSTER:-} ]] || need+=(dotnet)
for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null || { echo "demo.sh needs $tool" >&2; exit 1; }
done

VIP=10.77.0.250
API=10.77.0.1:6443
UNANSWERED=0
declare -A AGENT_PID

cleanup() {
  local rc=$?
  say "cleaning up: every process started here, then the namespaces"
  lab_down
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each command is shown as a prompt of the namespace it runs in: `$` is the switch namespace (LocalCluster, the
# operator, kubectl), `n1$` a node, `client$` the client.
shown() { # NAMESPACE-LABEL COMMAND... (prints the command as typed)
  local label=$1
  shift
  printf '%s$ %s\n' "${label#sw}" "$*"
}
kc() { # kubectl against LocalCluster, from the switch namespace; its cache stays in the lab's directory
  ip netns exec "$(lab_ns sw)" env HOME="$LAB_TMP" KUBECONFIG="$LAB_TMP/kubeconfig" kubectl --request-timeout=5s "$@"
}
kubectl_shown() { shown sw kubectl "$@"; kc "$@"; }
start_in() { # NODE NAME COMMAND... : runs COMMAND in NODE's namespace in the background, logging to NAME.log
  local node=$1 name=$2
  shift 2
  ip netns exec "$(lab_ns "$node")" "$@" >"$LAB_TMP/$name.log" 2>&1 &
  STARTED_PID=$!
  lab_track_pid "$STARTED_PID"
}
wait_for() { # SECONDS WHAT COMMAND... : polls COMMAND until it succeeds, or fails the demo saying WHAT
  local seconds=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "!! $what did not happen within $seconds s; the logs say:" >&2
      tail -n 5 "$LAB_TMP"/*.log >&2
      return 1
    fi
    sleep 0.2
  done
}
master_is() { [[ $(kc get virtualip vi-1 -o 'jsonpath={.status.master}') == "$1" ]]; }
curl_vip() { # three bounded requests from the client
  local i
  shown client "for i in 1 2 3; do curl -s --max-time 2 http://$VIP/; done"
  for i in 1 2 3; do
    ip netns exec "$(lab_ns client)" curl -s --max-time 2 "http://$VIP/" || { echo "(no answer)"; UNANSWERED=$((UNANSWERED + 1)); }
  done
}

say "building once: the agent, the operator and LocalCluster"
program_resolve AGENT src/NodeAgent keepoperator-agent.dll
program_resolve OPERATOR src/Operator keepoperator.dll
program_resolve LOCALCLUSTER tools/LocalCluster keepoperator-localcluster.dll
echo "keepoperator-agent = ${AGENT_CMD[*]}"
echo "keepoperator = ${OPERATOR_CMD[*]}"
echo "keepoperator-localcluster = ${LOCALCLUSTER_CMD[*]}"

LAB_PREFIX=kodemo$$-
say "a lab: nodes n1 (10.77.0.11) and n2 (10.77.0.12), a client (10.77.0.100) on one bridge in namespace ${LAB_PREFIX}sw"
lab_up 2
ip netns list | grep -o "^$LAB_PREFIX[a-z0-9]*" | paste -sd ' '

say "the API server: LocalCluster in the switch namespace on $API (on the bridge, so every node reaches it)"
ip -n "$(lab_ns sw)" addr add "${API%:*}/24" dev br0
shown sw keepoperator-localcluster --listen "$API" --kubeconfig "$LAB_TMP/kubeconfig" "&"
start_in sw localcluster "${LOCALCLUSTER_CMD[@]}" --listen "$API" --kubeconfig "$LAB_TMP/kubeconfig"
wait_for 30 "LocalCluster serving" grep -q '^localcluster ready' "$LAB_TMP/localcluster.log"
shown sw kubectl apply -f deploy/crds/
kc apply -f deploy/crds/ 2>"$LAB_TMP/crds.stderr" || { cat "$LAB_TMP/crds.stderr" >&2; exit 1; }
echo "(and a warning per CRD: LocalCluster evaluates none of their CEL rules but self == oldSelf)"
cat >"$LAB_TMP/nodes.yaml" <<'YAML'
apiVersion: v1
kind: Node
metadata:
  name: n1
---
apiVersion: v1
kind: Node
metadata:
  name: n2
YAML
echo "# the two Nodes a kubelet would register"
kubectl_shown apply -f "$LAB_TMP/nodes.yaml"

say "the operator: VirtualIps in, one NodeAgentConfig per node out"
shown sw keepoperator run --kubeconfig "$LAB_TMP/kubeconfig" --leader-election-namespace default "&"
start_in sw operator "${OPERATOR_CMD[@]}" run --kubeconfig "$LAB_TMP/kubeconfig" --leader-election-namespace default
wait_for 30 "the operator writing NodeAgentConfigs n1 and n2" kc get nodeagentconfig n1 n2

say "on each node: a web server on port 80 (any address, the VIP included) and keepoperator-agent"
for node in n1 n2; do
  # The virtual server's dataplane forwards a connection to the other node's web server.
  shown "$node" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$(lab_ns "$node")" sysctl -qw net.ipv4.ip_forward=1
  shown "$node" python3 -m http.server 80 --directory "$LAB_TMP/www-$node" "&"
  web_server_start "$node"
  shown "$node" keepoperator-agent --node-name "$node" --kubeconfig "$LAB_TMP/kubeconfig" "&"
  start_in "$node" "agent-$node" "${AGENT_CMD[@]}" --node-name "$node" --kubeconfig "$LAB_TMP/kubeconfig"
  AGENT_PID[$node]=$STARTED_PID
done

say "the seed's VirtualIp and VirtualServer (keepoperator convert of its keepalived.conf pair, the lab's addresses)"
kubectl_shown apply -f examples/demo/
wait_for 30 "a master for vi-1 in its status" master_is n1
kubectl_shown get virtualips
kubectl_shown get virtualservers

say "the client asks the VIP"
curl_vip

say "kill -9 the master's agent (n1): no goodbye, so n2 waits out Master_Down_Interval (3 x 1 s + skew)"
shown sw kill -9 "${AGENT_PID[n1]}" "  # keepoperator-agent on n1"
kill -9 "${AGENT_PID[n1]}"
killed=$EPOCHREALTIME
{ wait "${AGENT_PID[n1]}"; } 2>/dev/null || true # reaped here, so bash does not report it
wait_for 30 "n2 reported as the new master" master_is n2
echo "=> kubectl shows n2 as master $(((${EPOCHREALTIME/./} - ${killed/./}) / 1000)) ms after the kill"
kubectl_shown get virtualips

say "the client asks the VIP again"
curl_vip

if ((UNANSWERED > 0)); then
  echo "!! $UNANSWERED request(s) to the VIP went unanswered" >&2
  exit 1
fi
