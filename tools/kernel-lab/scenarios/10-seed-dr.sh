# The seed's virtual server (DR, rr, persistence 50 s, TCP_CHECK, two real servers) through our agent: the client
# is served through the VIP, the real servers see the client's own address, and IPVS keeps a persistence template.
source "$klab_repo/tools/kernel-lab/lib.sh"
kl_up
kl_seed_doc >"$LAB_TMP/seed.yaml"
kl_agent n1 "$LAB_TMP/seed.yaml"
kl_agent n2 "$LAB_TMP/seed.yaml"
kl_wait 30 lab_has_addr n1 "$VIP" || kl_fail "n1 never held $VIP"
kl_wait 30 kl_real_servers_are n1 2 || kl_fail "n1's IPVS table never held both real servers"
echo "n1 holds $VIP; its table:"
kl_ipvs n1
answers=()
for i in 1 2 3 4 5 6; do
  answers+=("$(kl_curl "http://$VIP/" || echo "no answer")")
done
printf 'client got: %s\n' "${answers[@]}"
[[ $(printf '%s\n' "${answers[@]}" | sort -u | wc -l) == 1 && ${answers[0]} == "hello from n"[34] ]] ||
  kl_fail "6 requests within the persistence timeout should reach one real server"
server=${answers[0]#hello from }
grep -q '10\.77\.0\.100' "$LAB_TMP/http-$server.log" || kl_fail "$server did not see the client's address: $(cat "$LAB_TMP/http-$server.log")"
echo "$server saw the client's own address: $(grep -m1 -o '[0-9a-f:.]*10\.77\.0\.100' "$LAB_TMP/http-$server.log")"
# A persistence template is the entry with the client's address and port 0.
templates=$(ip netns exec "$(lab_ns n1)" ipvsadm -Lnc | awk '$4 == "10.77.0.100:0"')
[[ -n $templates ]] || kl_fail "no persistence template for the client in ipvsadm -Lnc: $(ip netns exec "$(lab_ns n1)" ipvsadm -Lnc)"
echo "persistence template: $templates"
echo "PASS"
