# The VIP fails over: n1 (priority 100) is cut off the network, n2 becomes master, holds the VIP and serves the
# client through the same virtual server; n1 comes back and, preempting, takes over again. n1 never left Master (it
# does not track its link yet), so it wins the client back by gratuitous ARP: at once when it hears n2's
# lower-priority advertisement, and, when n2 steps down first, by the periodic refresh (keepalived's
# garp_master_refresh), set here to 1 s.
source "$klab_repo/tools/kernel-lab/lib.sh"
kl_up
{
  agent_doc web 52 2 1s lll "$VIP" 100 90
  printf '  gratuitousArp:\n    refreshInterval: 1s\n'
  kl_vs_doc web-80 80
} >"$LAB_TMP/seed.yaml"
kl_agent n1 "$LAB_TMP/seed.yaml"
kl_agent n2 "$LAB_TMP/seed.yaml"
kl_wait 30 lab_has_addr n1 "$VIP" || kl_fail "n1 never held $VIP"
kl_wait 30 kl_real_servers_are n2 2 || kl_fail "n2's IPVS table never held both real servers"
kl_curl "http://$VIP/" >/dev/null || kl_fail "no answer through n1"
sw=$(lab_ns sw)
ip -n "$sw" link set p-n1 down
cut=$(lab_now_ms)
kl_wait 20 lab_has_addr n2 "$VIP" || kl_fail "n2 never took $VIP"
took=$(kl_ms_since "$cut")
kl_wait 20 kl_curl "http://$VIP/" || kl_fail "the client got no answer through n2"
served=$(kl_ms_since "$cut")
answer=$(kl_curl "http://$VIP/")
[[ $answer == "hello from n"[34] ]] || kl_fail "through n2 the client got: $answer"
echo "n1 cut off: n2 held $VIP after $took ms, the client was served through n2 after $served ms ($answer)"
grep -q 'to=Master' "$LAB_TMP/agent-n2.log" || kl_fail "n2 logged no transition to Master"
ip -n "$sw" link set p-n1 up
kl_wait 20 lab_has_addr n1 "$VIP" || kl_fail "n1 never took $VIP back"
n2_released() { ! lab_has_addr n2 "$VIP"; }
kl_wait 20 n2_released || kl_fail "n2 kept $VIP after n1 came back"
back=$(lab_now_ms)
kl_wait 20 kl_curl "http://$VIP/" || kl_fail "no answer once n1 was back"
echo "n1 back: it holds $VIP again and the client was served through it after $(kl_ms_since "$back") ms"
ip -n "$(lab_ns client)" neigh show "$VIP" | grep -q "$(lab_mac n1)" || kl_fail "the client's neighbour entry for $VIP is not n1's: $(ip -n "$(lab_ns client)" neigh show "$VIP")"
echo "PASS"
