# A real server's listener stops: it leaves our IPVS table within one check interval plus the retry (the CRD's
# least retries is 1: down on the second failure in a row) plus the connect timeout, the client is still served by
# the other one, and the server comes back within the same bound once it listens again.
source "$klab_repo/tools/kernel-lab/lib.sh"
kl_up
interval_ms=2000 timeout_ms=1000 delay_ms=1000
kl_seed_doc 2s 1s 1 1s >"$LAB_TMP/seed.yaml"
kl_agent n1 "$LAB_TMP/seed.yaml"
kl_wait 30 lab_has_addr n1 "$VIP" || kl_fail "n1 never held $VIP"
kl_wait 30 kl_real_servers_are n1 2 || kl_fail "n1's IPVS table never held both real servers"
bound_ms=$((interval_ms + delay_ms + timeout_ms))
for round in 1 2; do
  # Stopped means gone: wait for the process, whose exit closes the listener.
  kill "${WEB_PID[n4]}"
  wait "${WEB_PID[n4]}" 2>/dev/null || true
  stopped=$(lab_now_ms)
  kl_wait 15 kl_real_servers_are n1 1 || kl_fail "n4 never left the table"
  # The agent's own clock says when it decided; the table above proves it acted.
  decided=$(kl_log_ms n1 'event=realserver .*rs=10\.77\.0\.14:80 healthy=false') || kl_fail "the agent logged no verdict on n4"
  left=$((decided - stopped))
  ip netns exec "$(lab_ns n1)" ipvsadm -Ln | grep -q '10\.77\.0\.14:80' && kl_fail "the table still holds n4: $(kl_ipvs n1)"
  answer=$(kl_curl "http://$VIP/") || kl_fail "the client got no answer with n4 down"
  [[ $answer == "hello from n3" ]] || kl_fail "with n4 down the client got: $answer"
  kl_web_start n4
  # python3 takes a while to start under emulation: the clock starts once n4 answers.
  kl_wait 20 kl_curl http://10.77.0.14/ || kl_fail "n4's web server did not start again"
  started=$(lab_now_ms)
  kl_wait 15 kl_real_servers_are n1 2 || kl_fail "n4 never came back"
  decided=$(kl_log_ms n1 'event=realserver .*rs=10\.77\.0\.14:80 healthy=true') || kl_fail "the agent logged no recovery of n4"
  back=$((decided - started))
  echo "round $round: the agent took n4 out $left ms after its listener stopped, and put it back $back ms after n4 answered the client again (negative: its check saw n4 first); bound ${bound_ms} ms"
  ((left <= bound_ms)) || kl_fail "n4 left after $left ms, more than interval + retry delay + timeout ($bound_ms ms)"
  ((back <= bound_ms)) || kl_fail "n4 came back after $back ms, more than interval + retry delay + timeout ($bound_ms ms)"
done
echo "PASS"
