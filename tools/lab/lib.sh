# shellcheck shell=bash
# Lab helpers shared by bench/*.sh and tools/lab/demo.sh (source this file; needs root).
# A lab is: one "switch" netns holding bridge br0, N node netns (n1..nN) and one client netns,
# each with a veth whose inner end is eth0 on 10.77.0.0/24 and fd77::/64. Nothing is put in the
# root namespace. Names are prefixed with $LAB_PREFIX (unique per run).

LAB_PREFIX=${LAB_PREFIX:-kol$$-}
LAB_NODES=()
LAB_PIDS=()
LAB_TMP=${LAB_TMP:-}

lab_ns() { # lab_ns n1|client|sw -> full namespace name
  printf '%s%s' "$LAB_PREFIX" "$1"
}

lab_require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "this needs root (network namespaces, VRRP raw sockets); re-run with sudo" >&2
    exit 1
  fi
}

_lab_sysctls() {
  local ns=$1
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0 >/dev/null
}

# lab_up NODES: makes the switch, NODES nodes n1..nNODES (10.77.0.11+i-1) and the client (10.77.0.100).
lab_up() {
  local count=$1 i sw
  [[ -n $LAB_TMP ]] || LAB_TMP=$(mktemp -d /tmp/kolab.XXXXXX)
  sw=$(lab_ns sw)
  ip netns add "$sw"
  _lab_sysctls "$sw"
  ip -n "$sw" link set lo up
  ip -n "$sw" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip -n "$sw" link set br0 up
  for ((i = 1; i <= count; i++)); do
    LAB_NODES+=("n$i")
    _lab_attach "n$i" "$((10 + i))"
  done
  _lab_attach client 100
}

_lab_attach() { # name hostnumber
  local name=$1 host=$2 ns sw
  ns=$(lab_ns "$name")
  sw=$(lab_ns sw)
  ip netns add "$ns"
  _lab_sysctls "$ns"
  ip -n "$ns" link set lo up
  ip -n "$sw" link add "p-$name" type veth peer name eth0 netns "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.dad_transmits=0 >/dev/null
  ip -n "$ns" link set eth0 address "$(printf '02:77:00:00:00:%02x' "$host")"
  ip -n "$ns" addr add "10.77.0.$host/24" dev eth0
  ip -n "$ns" addr add "fd77::$host/64" dev eth0 nodad
  ip -n "$sw" link set "p-$name" master br0 up
  ip -n "$ns" link set eth0 up
}

lab_track_pid() { LAB_PIDS+=("$1"); }

lab_down() {
  local pid name
  for pid in "${LAB_PIDS[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
  for pid in "${LAB_PIDS[@]}"; do
    { wait "$pid"; } 2>/dev/null || true
  done
  LAB_PIDS=()
  # Safety net: whatever still runs inside the lab's namespaces (started by this lab), by PID.
  for name in "${LAB_NODES[@]}" client sw; do
    for pid in $(ip netns pids "$(lab_ns "$name")" 2>/dev/null); do
      kill -9 "$pid" 2>/dev/null || true
    done
  done
  for name in "${LAB_NODES[@]}" client sw; do
    ip netns del "$(lab_ns "$name")" 2>/dev/null || true
  done
  LAB_NODES=()
  if [[ -n $LAB_TMP && -d $LAB_TMP && -z ${LAB_KEEP_TMP:-} ]]; then rm -rf "$LAB_TMP"; fi
}

lab_has_addr() { # node ip -> 0 if eth0 of node holds ip
  ip -n "$(lab_ns "$1")" -o addr show dev eth0 2>/dev/null | awk '{print $4}' | grep -q "^$2/"
}

lab_mac() { # node -> MAC of eth0
  ip -n "$(lab_ns "$1")" -o link show dev eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

lab_neigh_mac() { # node ip -> lladdr of the neighbour entry (empty if none)
  ip -n "$(lab_ns "$1")" neigh show "$2" dev eth0 2>/dev/null | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'
}

lab_now_ms() { date +%s%3N; }

# keepalived_conf FILE VRID PRIORITY ADVERT VERSION AUTHPASS(or -) VIP...   (one instance)
keepalived_conf() {
  local file=$1 vrid=$2 prio=$3 advert=$4 version=$5 pass=$6 name=${KA_INSTANCE:-VI_$2}
  shift 6
  {
    keepalived_global
    keepalived_instance "$name" "$vrid" "$prio" "$advert" "$version" "$pass" "$@"
  } >"$file"
}

keepalived_global() { # (stdout)
  echo "global_defs {"
  echo "  router_id ${KA_ROUTER_ID:-lab}"
  echo "  enable_script_security"
  echo "}"
}

# keepalived_instance NAME VRID PRIORITY ADVERT(seconds: 1, 0.05) VERSION AUTHPASS(or -) VIP...  (stdout)
keepalived_instance() {
  local name=$1 vrid=$2 prio=$3 advert=$4 version=$5 pass=$6 vip
  shift 6
  echo "vrrp_instance $name {"
  echo "  state BACKUP"
  echo "  interface eth0"
  echo "  version $version"
  echo "  virtual_router_id $vrid"
  echo "  priority $prio"
  echo "  advert_int $advert"
  if [[ $pass != - && $version == 2 ]]; then
    echo "  authentication {"
    echo "    auth_type PASS"
    echo "    auth_pass $pass"
    echo "  }"
  fi
  echo "  virtual_ipaddress {"
  for vip in "$@"; do echo "    $vip dev eth0"; done
  echo "  }"
  echo "}"
}

# keepalived_start NODE CONF LOG -> sets STARTED_PID (the parent); the VRRP child's pid file is CONF.vrrp.pid
# (do not call it in $(...): the process must be this shell's child)
keepalived_start() {
  local node=$1 conf=$2 log=$3
  rm -f "$conf.pid" "$conf.vrrp.pid"
  ip netns exec "$(lab_ns "$node")" keepalived -n -l -G -R -P -f "$conf" -p "$conf.pid" -r "$conf.vrrp.pid" >"$log" 2>&1 &
  STARTED_PID=$!
  lab_track_pid "$STARTED_PID"
}

# keepalived_vrrp_pid CONF: waits (<=5 s) for the VRRP child's pid file and prints it
keepalived_vrrp_pid() {
  local conf=$1 i
  for ((i = 0; i < 500; i++)); do
    if [[ -s $conf.vrrp.pid ]]; then cat "$conf.vrrp.pid"; return 0; fi
    sleep 0.01
  done
  return 1
}

# keepalived_kill9 PARENTPID CONF: SIGKILL the VRRP child first (so it cannot say goodbye), then the parent
keepalived_kill9() {
  local parent=$1 conf=$2 child
  child=$(cat "$conf.vrrp.pid" 2>/dev/null || true)
  [[ -n $child ]] && kill -9 "$child" 2>/dev/null
  kill -9 "$parent" 2>/dev/null
  { wait "$parent"; } 2>/dev/null || true
}

# ---- the agent ----------------------------------------------------------------------------------------------

# program_resolve VAR PROJECT DLL: sets the array ${VAR}_CMD to the command that runs the program named by $VAR (a
# .dll run with dotnet, or an executable such as a NativeAOT build); without $VAR builds PROJECT (relative to the
# repository root) with `dotnet build -c Release` and uses its DLL. $VAR is left holding the absolute path.
program_resolve() {
  local var=$1 project=$2 dll=$3 root path out
  local -n cmd="${var}_CMD"
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  path=${!var:-}
  if [[ -z $path ]]; then
    echo "building: dotnet build -c Release $project" >&2
    if ! out=$(dotnet build -c Release -nologo -v quiet "$root/$project" 2>&1); then
      echo "$out" >&2
      return 1
    fi
    path=$root/$project/bin/Release/net10.0/$dll
  fi
  [[ -e $path ]] || { echo "$var not found: $path" >&2; return 1; }
  path=$(readlink -f "$path")
  printf -v "$var" '%s' "$path"
  if [[ $path == *.dll ]]; then cmd=("$(command -v dotnet)" "$path"); else cmd=("$path"); fi
}

# agent_resolve: AGENT_CMD from $AGENT, or from a Release build of src/NodeAgent (see program_resolve).
agent_resolve() { program_resolve AGENT src/NodeAgent keepoperator-agent.dll; }

# agent_doc NAME VRID VERSION ADVERT(1s, 50ms) AUTHPASS(or -) VIP [N1PRIO N2PRIO] (stdout: one VirtualIp document)
agent_doc() {
  local name=$1 vrid=$2 version=$3 advert=$4 pass=$5 vip=$6 p1=${7:-100} p2=${8:-90}
  cat <<YAML
apiVersion: keepoperator.io/v1alpha1
kind: VirtualIp
metadata:
  name: $name
spec:
  addresses: ["$vip"]
  interface: eth0
  virtualRouterId: $vrid
  vrrpVersion: $version
  advertInterval: $advert
  preempt: true
YAML
  if [[ $pass != - && $version == 2 ]]; then
    printf '  authentication:\n    type: PASS\n    password: %s\n' "$pass"
  fi
  printf '  priorities:\n    - nodeName: n1\n      priority: %s\n    - nodeName: n2\n      priority: %s\n' "$p1" "$p2"
}

# agent_start NODE YAML LOG -> sets STARTED_PID (the agent itself: ip netns exec and dotnet both exec in place)
agent_start() {
  local node=$1 yaml=$2 log=$3
  ip netns exec "$(lab_ns "$node")" "${AGENT_CMD[@]}" --config "$yaml" --node-name "$node" >"$log" 2>&1 &
  STARTED_PID=$!
  lab_track_pid "$STARTED_PID"
}

# ---- the cluster: LocalCluster, the operator, cluster-mode agents ----------------------------------------------

LAB_API=10.77.0.1:17443

# lab_cluster_up: tools/LocalCluster in the switch namespace on $LAB_API (br0 gets 10.77.0.1), the CRDs and a Node per
# lab node applied with kubectl, then the operator beside it (waits until it has written the NodeAgentConfigs).
# Builds or takes LOCALCLUSTER and OPERATOR as program_resolve does; sets LAB_KUBECONFIG.
lab_cluster_up() {
  local sw root i node nodes=()
  sw=$(lab_ns sw)
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  program_resolve LOCALCLUSTER tools/LocalCluster keepoperator-localcluster.dll
  program_resolve OPERATOR src/Operator keepoperator.dll
  command -v kubectl >/dev/null || { echo "kubectl is not installed" >&2; return 1; }
  LAB_KUBECONFIG=$LAB_TMP/kubeconfig
  ip -n "$sw" addr add 10.77.0.1/24 dev br0
  ip netns exec "$sw" "${LOCALCLUSTER_CMD[@]}" --listen "$LAB_API" --kubeconfig "$LAB_KUBECONFIG" --data "$LAB_TMP/localcluster.json" >"$LAB_TMP/localcluster.log" 2>&1 &
  lab_track_pid $!
  for ((i = 0; i < 300; i++)); do
    grep -q '^localcluster ready' "$LAB_TMP/localcluster.log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q '^localcluster ready' "$LAB_TMP/localcluster.log" || { echo "LocalCluster did not start" >&2; cat "$LAB_TMP/localcluster.log" >&2; return 1; }
  lab_kubectl apply -f "$root/deploy/crds" >/dev/null
  for node in "${LAB_NODES[@]}"; do
    printf 'apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\n' "$node" | lab_kubectl apply -f - >/dev/null
    nodes+=("$node")
  done
  ip netns exec "$sw" "${OPERATOR_CMD[@]}" run --kubeconfig "$LAB_KUBECONFIG" --leader-election-namespace default >"$LAB_TMP/operator.log" 2>&1 &
  lab_track_pid $!
  for ((i = 0; i < 200; i++)); do
    lab_kubectl get nodeagentconfig "${nodes[@]}" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the operator wrote no NodeAgentConfigs" >&2
  tail -20 "$LAB_TMP/operator.log" >&2
  return 1
}

# lab_kubectl ARGS...: the real kubectl, in the switch namespace, against the lab's LocalCluster
lab_kubectl() {
  ip netns exec "$(lab_ns sw)" env HOME="$LAB_TMP" kubectl --kubeconfig "$LAB_KUBECONFIG" --request-timeout=5s "$@"
}

# cluster_agent_start NODE LOG -> sets STARTED_PID: the agent in cluster mode (needs AGENT_CMD and lab_cluster_up)
cluster_agent_start() {
  local node=$1 log=$2
  ip netns exec "$(lab_ns "$node")" "${AGENT_CMD[@]}" --node-name "$node" --kubeconfig "$LAB_KUBECONFIG" >"$log" 2>&1 &
  STARTED_PID=$!
  lab_track_pid "$STARTED_PID"
}

# ---- demos --------------------------------------------------------------------------------------------------

say() { printf '\n# %s\n' "$*"; }

# web_server_start NODE: python3's http.server on port 80 of NODE, any address (so the VIP too), answering
# "hello from NODE (ADDRESS)"; tracked by the lab. Debian's python3 is all it needs.
web_server_start() {
  local node=$1 dir=$LAB_TMP/www-$1 py
  py=$(command -v python3)
  [[ -x /usr/bin/python3 ]] && py=/usr/bin/python3 # prefer Debian's own
  mkdir -p "$dir"
  echo "hello from $node ($(ip -n "$(lab_ns "$node")" -4 -o addr show dev eth0 | awk '{print $4; exit}' | cut -d/ -f1))" >"$dir/index.html"
  ip netns exec "$(lab_ns "$node")" "$py" -m http.server 80 --bind 0.0.0.0 --directory "$dir" >"$LAB_TMP/http-$node.log" 2>&1 &
  lab_track_pid $!
}

# ---- measuring ----------------------------------------------------------------------------------------------

# proc_smaps_kb FIELD PID... -> sum of FIELD (Pss, Anonymous, ...) of /proc/PID/smaps_rollup (kB)
proc_smaps_kb() {
  local field=$1 pid sum=0 v
  shift
  for pid in "$@"; do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# proc_rss_kb PID... -> sum of VmRSS (kB)
proc_rss_kb() {
  local pid sum=0 v
  for pid in "$@"; do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# proc_cpu_ticks PID... -> sum of utime+stime (clock ticks)
proc_cpu_ticks() {
  local pid sum=0 v
  for pid in "$@"; do
    # fields after the ")" of comm: state is field 3, utime 14, stime 15
    v=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}')
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

percentile() { # P numbers... -> the P-th percentile, nearest rank (integer)
  local p=$1
  shift
  printf '%s\n' "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END {if (NR==0) {print "-"} else {r = int((p * NR + 99) / 100); if (r < 1) r = 1; print a[r]}}'
}

median() { # numbers... -> median (integer)
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "-"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%d\n", (a[NR/2]+a[NR/2+1])/2}}'
}
