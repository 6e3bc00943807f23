# bench/ipvs-update.sh's measurement (not in run.sh's default list): in a namespace of its own, ROUNDS times and
# alternating which goes first, programs SERVICES x REALS from empty through our IpvsDataplane (generic netlink, the
# bench program staged as the lab's "agent") and through `ipvsadm -R` of the same table (IpvsadmCommandRenderer's
# rendering), each checked by counting real servers and flushed after; our run also times UPDATES single real server
# changes. Prints `RESULT ...` lines for the script; settings come from bench.env in the output share.
set -euo pipefail
# shellcheck source=/dev/null
source "$klab_repo/../bench.env"
ns=kl-ipvsbench
ip netns add "$ns"
ip -n "$ns" link set lo up # without a local route table the kernel takes every real server for broadcast (EINVAL)
trap 'ip netns del "$ns"' EXIT
in_ns() { ip netns exec "$ns" "$@"; }
now_ns() { date +%s%N; }
expect_table() { # WHO: the table holds every real server
  local count
  count=$(in_ns ipvsadm -Ln | grep -c '^  -> [0-9]' || true)
  [[ $count == $((SERVICES * REALS)) ]] || { echo "FAIL: $1 left $count real servers, not $((SERVICES * REALS))"; exit 1; }
  in_ns ipvsadm -C
}
dotnet "$klab_agent" render "$SERVICES" "$REALS" >/run/ipvs-restore.txt
echo "ipvsadm -R input: $(wc -l </run/ipvs-restore.txt) commands"
ours() {
  in_ns dotnet "$klab_agent" program "$SERVICES" "$REALS" "$UPDATES" | grep '^RESULT' | sed "s/^RESULT /RESULT ours /"
  expect_table ours
}
theirs() {
  local start
  start=$(now_ns)
  in_ns ipvsadm -R </run/ipvs-restore.txt
  echo "RESULT ipvsadm program $(( ($(now_ns) - start) / 1000 ))" | awk '{ printf "%s %s %s %.1f\n", $1, $2, $3, $4 / 1000 }'
  expect_table ipvsadm
}
# One real server's weight through `ipvsadm -e` (a process per change, as a script would do it), for reference.
theirs_updates() {
  local k start
  in_ns ipvsadm -A -t 10.99.0.1:80 -s wrr
  in_ns ipvsadm -a -t 10.99.0.1:80 -r 10.99.1.1:8080 -m -w 1
  for ((k = 0; k < 50; k++)); do
    start=$(now_ns)
    in_ns ipvsadm -e -t 10.99.0.1:80 -r 10.99.1.1:8080 -m -w $((2 + k))
    echo $(( ($(now_ns) - start) / 1000 ))
  done | sort -n | awk '{ v[NR] = $1 } END { printf "RESULT ipvsadm weight %.3f %.3f\n", v[int(NR / 2) + 1] / 1000, v[NR] / 1000 }'
  in_ns ipvsadm -C
}
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then ours; theirs; else theirs; ours; fi
  theirs_updates
done
