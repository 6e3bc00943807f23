# shellcheck shell=bash
# Helpers of the kernel lab's scenarios (run inside the VM by vm-init.sh): tools/lab/lib.sh's namespaced lab, laid
# out as directors n1 and n2 (our agent, --dataplane ipvs), real servers n3 and n4 (the VIP on lo, no ARP for it),
# n5 for keepalived's director, and the client (10.77.0.100).
set -euo pipefail
source "$klab_repo/tools/lab/lib.sh"
AGENT=$klab_agent
agent_resolve
AGENT_CMD+=(--dataplane ipvs)
VIP=10.77.0.250
VIP6=fd77::250
REAL_SERVERS=(n3 n4)
LAB_PREFIX=kl-
trap 'lab_down' EXIT

# kl_up: the lab, with real servers answering HTTP on port 80 (IPv4 and IPv6) and holding the VIPs on lo.
kl_up() {
  lab_up 5
  local node ns
  for node in "${REAL_SERVERS[@]}"; do
    ns=$(lab_ns "$node")
    ip -n "$ns" addr add "$VIP/32" dev lo
    ip -n "$ns" addr add "$VIP6/128" dev lo
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
      net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
    kl_web_start "$node"
  done
}

# kl_web_start NODE: python3's http.server on [::]:80 (IPv4 too), logging each client's address to http-NODE.log.
kl_web_start() {
  local node=$1 dir=$LAB_TMP/www-$1
  mkdir -p "$dir"
  echo "hello from $node" >"$dir/index.html"
  ip netns exec "$(lab_ns "$node")" python3 -m http.server 80 --bind :: --directory "$dir" >>"$LAB_TMP/http-$node.log" 2>&1 &
  lab_track_pid $!
  WEB_PID[$node]=$!
}
declare -A WEB_PID

# kl_wait SECONDS COMMAND...: runs COMMAND every 100 ms until it succeeds (0) or SECONDS pass (1).
kl_wait() {
  local deadline=$(($(lab_now_ms) + $1 * 1000))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(lab_now_ms) < deadline)) || return 1
    sleep 0.1
  done
}

# kl_ipvs NODE: `ipvsadm -Ln` of NODE without counters and in a stable order (each service, then its real servers).
kl_ipvs() {
  ip netns exec "$(lab_ns "$1")" ipvsadm -Ln | awk '
    /^IP Virtual Server|^Prot |RemoteAddress:Port/ {next}
    /^  ->/ {print service "\t1\t  -> " $2 " " $3 " " $4; next}
    {service = $0; print service "\t0\t"}' | sort -t"$(printf '\t')" -k1,1 -k2,2 -k3,3 |
    awk -F'\t' '$2 == 0 {print $1; next} {print $3}'
}

# kl_real_servers NODE: how many real servers NODE's IPVS table holds.
kl_real_servers() { ip netns exec "$(lab_ns "$1")" ipvsadm -Ln | grep -c '^  -> [0-9a-f[]' || true; }

# kl_real_servers_are NODE COUNT: 0 when NODE's IPVS table holds COUNT real servers (for kl_wait).
kl_real_servers_are() { [[ $(kl_real_servers "$1") == "$2" ]]; }

# kl_agent NODE FILE: starts the agent on NODE with the documents in FILE (sets STARTED_PID).
kl_agent() { agent_start "$1" "$2" "$LAB_TMP/agent-$1.log"; }

# kl_curl URL: one request from the client, at most 2 s.
kl_curl() { ip netns exec "$(lab_ns client)" curl -gsS --max-time 2 "$1"; }

# kl_is_master NODE: 0 once the agent on NODE logged a transition to Master (a restarted agent's VIP may be its
# earlier run's, so the address alone proves nothing).
kl_is_master() { grep -q 'event=transition .*to=Master' "$LAB_TMP/agent-$1.log" 2>/dev/null; }

# kl_log_ms NODE PATTERN: when (epoch ms) the agent on NODE logged its last line matching PATTERN (grep -E); its own
# clock, so a measurement does not include the emulated VM's slow polling. Fails when there is no such line.
kl_log_ms() {
  local ts
  ts=$(grep -E "$2" "$LAB_TMP/agent-$1.log" | tail -n 1 | sed -n 's/^ts=\([^ ]*\) .*/\1/p')
  [[ -n $ts ]] && date -d "$ts" +%s%3N
}

# kl_show_logs: the agents' logs' last lines, for a failing scenario.
kl_show_logs() {
  local f
  for f in "$LAB_TMP"/agent-*.log; do [[ -f $f ]] && { echo "---- $f"; tail -n 20 "$f"; }; done
}

kl_fail() { echo "FAIL: $*"; kl_show_logs; exit 1; }

# kl_seed_doc [INTERVAL CONNECT_TIMEOUT RETRIES DELAY]: the seed's VirtualIp (VRID 52, n1 100, n2 90) and its
# virtual server web-80 (stdout; see kl_vs_doc).
kl_seed_doc() {
  agent_doc web 52 2 1s lll "$VIP" 100 90
  kl_vs_doc web-80 80 "$@"
}

# kl_vs_doc NAME PORT [INTERVAL CONNECT_TIMEOUT RETRIES DELAY]: a virtual server like the seed's (DR, rr, persistence
# 50 s, both real servers, a TCP check on PORT), by default with the seed's check timing (stdout).
kl_vs_doc() {
  local name=$1 port=$2 interval=${3:-6s} timeout=${4:-3s} retries=${5:-3} delay=${6:-3s}
  cat <<YAML
---
apiVersion: keepoperator.io/v1alpha1
kind: VirtualServer
metadata:
  name: $name
spec:
  virtualIpRef: web
  port: $port
  protocol: TCP
  scheduler: rr
  forwarding: DR
  persistenceTimeout: 50s
  realServers:
  - {address: 10.77.0.13, port: $port, weight: 1}
  - {address: 10.77.0.14, port: $port, weight: 1}
  healthCheck:
    interval: $interval
    tcp: {port: $port, connectTimeout: $timeout}
    retries: $retries
    delayBeforeRetry: $delay
YAML
}

# kl_echo_start NODE PORT: a TCP echo server on [::]:PORT of NODE (a long-lived connection's far end).
kl_echo_start() {
  ip netns exec "$(lab_ns "$1")" python3 -c '
import socket, sys, threading
def serve(conn):
    with conn:
        while data := conn.recv(4096):
            conn.sendall(data)
server = socket.create_server(("::", int(sys.argv[1])), family=socket.AF_INET6, dualstack_ipv6=True)
while True:
    threading.Thread(target=serve, args=(server.accept()[0],), daemon=True).start()' "$2" >/dev/null 2>&1 &
  lab_track_pid $!
}

# kl_hold_start HOST PORT SECONDS OUT: from the client, one TCP connection to HOST:PORT that sends a line every
# 200 ms for SECONDS and checks each echo (15 s each at most: TCP retransmits across a gap); OUT gets "echoed N,
# longest wait W ms" or the error. Sets HOLD_PID.
kl_hold_start() {
  ip netns exec "$(lab_ns client)" python3 -c '
import socket, sys, time
host, port, seconds, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
n = longest = 0
try:
    with socket.create_connection((host, port), timeout=15) as conn:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            line = b"ping %d\n" % n
            sent = time.monotonic()
            conn.sendall(line)
            got = b""
            while len(got) < len(line):
                chunk = conn.recv(len(line) - len(got))
                if not chunk:
                    raise ConnectionError("closed by the far end")
                got += chunk
            if got != line:
                raise ConnectionError("echo mismatch")
            longest = max(longest, time.monotonic() - sent)
            n += 1
            time.sleep(0.2)
    open(out, "w").write("echoed %d, longest wait %d ms\n" % (n, longest * 1000))
except Exception as e:
    open(out, "w").write("failed after %d echoes: %s\n" % (n, e))
    sys.exit(1)' "$1" "$2" "$3" "$4" &
  HOLD_PID=$!
  lab_track_pid "$HOLD_PID"
}

# kl_conns NODE SERVICE: the Conns counter of SERVICE (e.g. "TCP  10.77.0.250:80") in `ipvsadm -Ln --stats`.
kl_conns() { ip netns exec "$(lab_ns "$1")" ipvsadm -Ln --stats | awk -v s="$2" '$1 " " $2 == s {print $3}'; }

# kl_ms_since START_MS: milliseconds since START_MS (lab_now_ms).
kl_ms_since() { echo $(($(lab_now_ms) - $1)); }
