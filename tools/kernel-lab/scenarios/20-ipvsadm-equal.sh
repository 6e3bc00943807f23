# The same virtual servers through our agent (n1) and Debian's keepalived (n5, virtual_server blocks only): DR rr
# with persistence, NAT wrr with weights, sh, persistence with a netmask, an IPv6 service and a fwmark service.
# `ipvsadm -Ln` (counters left out) must be equal on both directors.
source "$klab_repo/tools/kernel-lab/lib.sh"
kl_up
{
  agent_doc web 52 2 1s lll "$VIP" 100 90
  echo "---"
  agent_doc web6 53 3 1s - "$VIP6" 100 90
  # vs NAME VIPREF PORT-OR-fwmark SCHEDULER FORWARDING EXTRA-SPEC-LINES REALSERVER...(address:port:weight)
  vs() {
    local name=$1 ref=$2 port=$3 scheduler=$4 forwarding=$5 extra=$6 rs address
    shift 6
    printf -- '---\napiVersion: keepoperator.io/v1alpha1\nkind: VirtualServer\nmetadata:\n  name: %s\nspec:\n' "$name"
    printf '  virtualIpRef: %s\n' "$ref"
    if [[ $port == fwmark* ]]; then printf '  fwmark: %s\n' "${port#fwmark}"; else printf '  port: %s\n' "$port"; fi
    printf '  scheduler: %s\n  forwarding: %s\n' "$scheduler" "$forwarding"
    [[ -z $extra ]] || printf '%s\n' "$extra"
    printf '  realServers:\n'
    for rs in "$@"; do
      address=${rs%:*:*}
      rs=${rs#"$address":}
      printf '  - {address: "%s", port: %s, weight: %s}\n' "$address" "${rs%:*}" "${rs#*:}"
    done
    printf '  healthCheck: {interval: 6s, tcp: {port: 80, connectTimeout: 3s}, retries: 3, delayBeforeRetry: 3s}\n'
  }
  vs dr-80 web 80 rr DR "  persistenceTimeout: 50s" 10.77.0.13:80:1 10.77.0.14:80:1
  vs nat-8080 web 8080 wrr NAT "" 10.77.0.13:8080:3 10.77.0.14:8080:1
  vs sh-443 web 443 sh DR "" 10.77.0.13:443:1 10.77.0.14:443:1
  vs mask-8443 web 8443 rr DR "$(printf '  persistenceTimeout: 300s\n  persistenceNetmask: 255.255.255.0')" 10.77.0.13:8443:1 10.77.0.14:8443:1
  vs v6-80 web6 80 rr DR "" fd77::13:80:1 fd77::14:80:1
  vs mark-7 web fwmark7 rr DR "" 10.77.0.13:80:1 10.77.0.14:80:1
} >"$LAB_TMP/agent.yaml"

# keepalived's side of the same configuration.
ka_vs() { # ADDRESS-PORT-OR-fwmark SCHEDULER KIND EXTRA REALSERVER...(address:port:weight)
  local head=$1 scheduler=$2 kind=$3 extra=$4 rs address
  shift 4
  echo "virtual_server $head {"
  echo "  delay_loop 6"
  echo "  lb_algo $scheduler"
  echo "  lb_kind $kind"
  echo "  protocol TCP"
  [[ -z $extra ]] || echo "$extra"
  for rs in "$@"; do
    address=${rs%:*:*}
    rs=${rs#"$address":}
    echo "  real_server $address ${rs%:*} {"
    echo "    weight ${rs#*:}"
    echo "    TCP_CHECK {"
    echo "      connect_port 80"
    echo "      connect_timeout 3"
    echo "      retry 3"
    echo "      delay_before_retry 3"
    echo "    }"
    echo "  }"
  done
  echo "}"
}
{
  KA_ROUTER_ID=n5 keepalived_global
  ka_vs "$VIP 80" rr DR "  persistence_timeout 50" 10.77.0.13:80:1 10.77.0.14:80:1
  ka_vs "$VIP 8080" wrr NAT "" 10.77.0.13:8080:3 10.77.0.14:8080:1
  ka_vs "$VIP 443" sh DR "" 10.77.0.13:443:1 10.77.0.14:443:1
  ka_vs "$VIP 8443" rr DR "$(printf '  persistence_timeout 300\n  persistence_granularity 255.255.255.0')" 10.77.0.13:8443:1 10.77.0.14:8443:1
  ka_vs "$VIP6 80" rr DR "" fd77::13:80:1 fd77::14:80:1
  ka_vs "fwmark 7" rr DR "" 10.77.0.13:80:1 10.77.0.14:80:1
} >"$LAB_TMP/keepalived.conf"

kl_agent n1 "$LAB_TMP/agent.yaml"
ip netns exec "$(lab_ns n5)" keepalived -n -l -C -f "$LAB_TMP/keepalived.conf" -p "$LAB_TMP/ka.pid" -c "$LAB_TMP/ka-checkers.pid" >"$LAB_TMP/keepalived.log" 2>&1 &
lab_track_pid $!
# Both tables are complete once each holds 6 services and 12 real servers.
complete() { [[ $(ip netns exec "$(lab_ns "$1")" ipvsadm -Ln | grep -c '^\(TCP\|FWM\)') == 6 && $(kl_real_servers "$1") == 12 ]]; }
kl_wait 60 complete n1 || kl_fail "our table never held 6 services and 12 real servers: $(kl_ipvs n1)"
kl_wait 60 complete n5 || { tail -20 "$LAB_TMP/keepalived.log"; kl_fail "keepalived's table never held 6 services and 12 real servers: $(kl_ipvs n5)"; }
kl_ipvs n1 >"$LAB_TMP/ours.txt"
kl_ipvs n5 >"$LAB_TMP/keepalived.txt"
printf '%-60s %s\n' "keepoperator-agent (n1)" "keepalived (n5)"
pr -m -t -w 120 "$LAB_TMP/ours.txt" "$LAB_TMP/keepalived.txt"
if ! diff -u "$LAB_TMP/keepalived.txt" "$LAB_TMP/ours.txt"; then
  kl_fail "ipvsadm -Ln differs (above: - keepalived, + ours)"
fi
echo "PASS: ipvsadm -Ln equal ($(wc -l <"$LAB_TMP/ours.txt") lines)"
