# kill -9 of the agent and a restart: the new agent adopts the services and real servers it finds (no flush: the
# connection counters go on counting) and a client's connection through the VIP stays up all along.
source "$klab_repo/tools/kernel-lab/lib.sh"
kl_up
for node in "${REAL_SERVERS[@]}"; do kl_echo_start "$node" 9000; done
{ kl_seed_doc; kl_vs_doc echo-9000 9000; } >"$LAB_TMP/seed.yaml"
kl_agent n1 "$LAB_TMP/seed.yaml"
first=$STARTED_PID
kl_wait 30 lab_has_addr n1 "$VIP" || kl_fail "n1 never held $VIP"
kl_wait 30 kl_real_servers_are n1 4 || kl_fail "n1's IPVS table never held both services' real servers: $(kl_ipvs n1)"
kl_ipvs n1 >"$LAB_TMP/before.txt"
for i in 1 2 3; do kl_curl "http://$VIP/" >/dev/null || kl_fail "no answer through the VIP"; done
kl_hold_start "$VIP" 9000 25 "$LAB_TMP/hold.txt"
sleep 2
conns_before=$(kl_conns n1 "TCP 10.77.0.250:80")
kill -9 "$first"
wait "$first" 2>/dev/null || true
echo "agent killed (-9) with $conns_before connections counted on :80"
sleep 1
mv "$LAB_TMP/agent-n1.log" "$LAB_TMP/agent-n1-killed.log"
kl_agent n1 "$LAB_TMP/seed.yaml"
kl_wait 30 kl_is_master n1 || kl_fail "the restarted agent never became master"
kl_ipvs n1 >"$LAB_TMP/after.txt"
diff -u "$LAB_TMP/before.txt" "$LAB_TMP/after.txt" || kl_fail "the table changed across the restart"
conns_after=$(kl_conns n1 "TCP 10.77.0.250:80")
echo "connections counted on :80 after the restart: $conns_after (a flushed or re-created service counts from 0)"
((conns_after >= conns_before && conns_before > 0)) || kl_fail "the service's counters went from $conns_before to $conns_after"
grep -q 'action=added' "$LAB_TMP/agent-n1.log" || kl_fail "the restarted agent logged no virtual server"
wait "$HOLD_PID" || kl_fail "the client's connection broke: $(cat "$LAB_TMP/hold.txt")"
echo "client's connection through the restart: $(cat "$LAB_TMP/hold.txt")"
echo "PASS"
