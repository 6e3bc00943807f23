# SIGTERM removes exactly what the agent added: its services go, a service someone else added stays. Checked for an
# agent that started on an empty table and for one restarted after kill -9 (which adopted the services it found).
source "$klab_repo/tools/kernel-lab/lib.sh"
kl_up
kl_seed_doc >"$LAB_TMP/seed.yaml"
n1=$(lab_ns n1)
ip netns exec "$n1" ipvsadm -A -t 10.77.0.99:80 -s wlc
ip netns exec "$n1" ipvsadm -a -t 10.77.0.99:80 -r 10.77.0.13:80 -g
foreign=$(kl_ipvs n1)
# sigterm_check PID WHAT: SIGTERM to the agent PID; the table must come back to the foreign service alone.
sigterm_check() {
  kill -TERM "$1"
  wait "$1" || kl_fail "$2: the agent exited with $? on SIGTERM"
  [[ $(kl_ipvs n1) == "$foreign" ]] || kl_fail "$2: after SIGTERM the table is $(kl_ipvs n1)"
  echo "$2: SIGTERM left the foreign service alone and removed the agent's"
}
ready() { kl_wait 30 kl_real_servers_are n1 3 || kl_fail "$1: the table never held the agent's real servers: $(kl_ipvs n1)"; }
kl_agent n1 "$LAB_TMP/seed.yaml"
ready "fresh agent"
sigterm_check "$STARTED_PID" "fresh agent"
kl_agent n1 "$LAB_TMP/seed.yaml"
ready "first agent"
kill -9 "$STARTED_PID"
wait "$STARTED_PID" 2>/dev/null || true
kl_agent n1 "$LAB_TMP/seed.yaml"
kl_wait 30 kl_is_master n1 || kl_fail "the restarted agent never became master"
ready "restarted agent"
sigterm_check "$STARTED_PID" "agent restarted after kill -9"
echo "PASS"
