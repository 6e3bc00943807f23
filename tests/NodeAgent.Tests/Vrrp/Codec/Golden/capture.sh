#!/usr/bin/env bash
# Regenerates the golden VRRP captures in this folder from the real keepalived (Debian 2.2.7 was used).
#
# As root: bash capture.sh [OUTDIR]      (OUTDIR defaults to this script's folder)
#
# For each scenario it makes a private network namespace pair joined by a veth (10.77.9.1/24 and
# 10.77.9.2/24, IPv6 link-local only, DAD off, fixed MACs so the link-local addresses are stable),
# runs keepalived as MASTER in the first namespace for a few adverts, captures them with tcpdump in the
# second, stops keepalived by its PID (it then sends its priority-0 advert, captured too) and writes
# NAME.hex: '#' comment lines (the scenario, the keepalived config, tcpdump's summary of each packet)
# and one line per captured packet with the whole IP datagram (IPv4 or IPv6 header included) in hex.
# Nothing leaves the namespaces; both are deleted on exit.
set -euo pipefail

OUT=$(readlink -f "${1:-$(dirname "$(readlink -f "$0")")}")
[[ $(id -u) == 0 ]] || { echo "capture.sh: must run as root" >&2; exit 1; }
for tool in ip keepalived tcpdump timeout; do
    command -v "$tool" >/dev/null || { echo "capture.sh: $tool not found" >&2; exit 1; }
done

TAG="kocap$$"
NS_A="${TAG}a"   # keepalived (MASTER)
NS_B="${TAG}b"   # tcpdump
IF_A="vka"
IF_B="vkb"
WORK=$(mktemp -d)
KA_PID=""
TD_PID=""

stop_pid() {   # stop_pid PID SIGNAL: signal one process this script started and wait for it
    local pid=$1 sig=$2 i
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    stop_pid "$KA_PID" TERM
    stop_pid "$TD_PID" INT
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

make_namespaces() {
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
    ip netns add "$NS_A"
    ip netns add "$NS_B"
    local ns
    for ns in "$NS_A" "$NS_B"; do
        # Before the veth exists, so that it inherits: no DAD, link-local addresses usable at once.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
        ip -n "$ns" link set lo up
    done
    ip -n "$NS_A" link add "$IF_A" address 02:77:09:00:00:01 type veth \
        peer name "$IF_B" address 02:77:09:00:00:02 netns "$NS_B"
    ip -n "$NS_A" addr add 10.77.9.1/24 dev "$IF_A"
    ip -n "$NS_B" addr add 10.77.9.2/24 dev "$IF_B"
    ip -n "$NS_A" link set "$IF_A" up
    ip -n "$NS_B" link set "$IF_B" up
    # Wait for the IPv6 link-local addresses (fe80::77:9ff:fe00:1 and ::2).
    local i
    for i in $(seq 50); do
        if ip -n "$NS_A" -6 addr show dev "$IF_A" scope link | grep -q 'inet6 fe80' &&
           ip -n "$NS_B" -6 addr show dev "$IF_B" scope link | grep -q 'inet6 fe80'; then
            return 0
        fi
        sleep 0.1
    done
    echo "capture.sh: link-local addresses did not come up" >&2
    return 1
}

packets_in() {   # packets_in PCAP: how many packets tcpdump has written so far
    tcpdump -r "$1" -nn 2>/dev/null | wc -l || true
}

# capture NAME WANT CONFIG: runs keepalived with CONFIG until WANT adverts are seen, then stops it.
capture() {
    local name=$1 want=$2 config=$3
    local dir="$WORK/$name"
    mkdir -p "$dir"
    printf '%s\n' "$config" >"$dir/keepalived.conf"
    make_namespaces

    # -Z root: tcpdump must not drop privileges, the temp dir is root's. -U: write each packet at once.
    timeout 60 ip netns exec "$NS_B" tcpdump -i "$IF_B" -nn -U -Z root -c 64 -w "$dir/cap.pcap" \
        'ip proto 112 or ip6 proto 112' >"$dir/tcpdump.log" 2>&1 &
    TD_PID=$!
    local i
    for i in $(seq 50); do [[ -s $dir/cap.pcap ]] && break; sleep 0.1; done
    sleep 0.3

    ip netns exec "$NS_A" keepalived -n -l -D -P -f "$dir/keepalived.conf" \
        -p "$dir/keepalived.pid" -r "$dir/vrrp.pid" >"$dir/keepalived.log" 2>&1 &
    KA_PID=$!   # ip netns exec execs keepalived: same PID as the parent's pid file

    local deadline=$((SECONDS + 30))
    while (( $(packets_in "$dir/cap.pcap") < want )); do
        if (( SECONDS > deadline )) || ! kill -0 "$KA_PID" 2>/dev/null; then
            echo "capture.sh: $name: fewer than $want adverts; keepalived log:" >&2
            cat "$dir/keepalived.log" >&2
            return 1
        fi
        sleep 0.2
    done
    if [[ -s $dir/keepalived.pid ]] && [[ $(cat "$dir/keepalived.pid") != "$KA_PID" ]]; then
        echo "capture.sh: $name: pid file says $(cat "$dir/keepalived.pid"), started $KA_PID" >&2
    fi
    stop_pid "$KA_PID" TERM   # keepalived sends a priority-0 advert as it gives up MASTER
    KA_PID=""
    sleep 0.5
    stop_pid "$TD_PID" INT
    TD_PID=""

    {
        echo "# $name: captured from keepalived $(keepalived --version 2>&1 | head -1 | awk '{print $2}') by capture.sh"
        echo "# Each non-comment line is one IP datagram (IP header included) in hex, in capture order."
        echo "# keepalived.conf:"
        sed 's/^/#   /' "$dir/keepalived.conf"
        echo "# packets (tcpdump):"
        tcpdump -r "$dir/cap.pcap" -nn -t -x 2>/dev/null | awk '
            /^[ \t]+0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) hex = hex $i; next }
            { if (hex != "") print hex; hex = ""; print "# " $0 }
            END { if (hex != "") print hex }'
    } >"$OUT/$name.hex"
    ip netns del "$NS_A"
    ip netns del "$NS_B"
    echo "capture.sh: wrote $OUT/$name.hex ($(grep -vc '^#' "$OUT/$name.hex") packets)"
}

GLOBAL='global_defs {
    router_id golden
    vrrp_garp_master_delay 0
    vrrp_garp_master_repeat 1
}'

capture v2-pass 3 "$GLOBAL
vrrp_instance golden {
    state MASTER
    interface $IF_A
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret12
    }
    virtual_ipaddress {
        10.77.9.100/24
    }
}"

capture v2-noauth-2vips 3 "$GLOBAL
vrrp_instance golden {
    state MASTER
    interface $IF_A
    virtual_router_id 52
    priority 100
    advert_int 2
    virtual_ipaddress {
        10.77.9.100/24
        10.77.9.101/24
    }
}"

capture v3-ipv4 3 "global_defs {
    router_id golden
    vrrp_version 3
    vrrp_garp_master_delay 0
    vrrp_garp_master_repeat 1
}
vrrp_instance golden {
    state MASTER
    interface $IF_A
    virtual_router_id 53
    priority 200
    advert_int 1
    virtual_ipaddress {
        10.77.9.100/24
    }
}"

capture v3-ipv4-fast 10 "$GLOBAL
vrrp_instance golden {
    version 3
    state MASTER
    interface $IF_A
    virtual_router_id 54
    priority 120
    advert_int 0.05
    virtual_ipaddress {
        10.77.9.100/24
        10.77.9.101/24
        10.77.9.102/24
    }
}"

capture v3-ipv4-unicast 3 "$GLOBAL
vrrp_instance golden {
    version 3
    state MASTER
    interface $IF_A
    virtual_router_id 56
    priority 110
    advert_int 1
    unicast_src_ip 10.77.9.1
    unicast_peer {
        10.77.9.2
    }
    virtual_ipaddress {
        10.77.9.100/24
    }
}"

capture v3-ipv6 3 "$GLOBAL
vrrp_instance golden {
    version 3
    state MASTER
    interface $IF_A
    virtual_router_id 55
    priority 150
    advert_int 1
    virtual_ipaddress {
        fd77:9::250/64
    }
}"
