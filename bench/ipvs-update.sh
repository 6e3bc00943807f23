#!/usr/bin/env bash
# IPVS programming speed in the kernel lab's VM (tools/kernel-lab: Debian's kernel with IPVS; the host's has none):
# SERVICES virtual servers x REALS real servers programmed from empty by our IpvsDataplane (IpvsReconciler's plan
# over generic netlink) against `ipvsadm -R` of the same table, ROUNDS rounds interleaved in the same VM; and p50/p99
# of one real server's weight change and removal applied by us (whole desired table in, kernel acked), beside
# `ipvsadm -e` for one change. Prints medians over the rounds and our/ipvsadm ratios. Under TCG (no /dev/kvm)
# absolute times are many times slower than on hardware: the ratio in the same VM is what counts.
# First, natively on the host (no kernel, no root needed with --host-only): p50/p99 of 200 such changes planned and
# encoded by IpvsDataplane against the applied table, beside the whole-table diff each apply made before, medians of 5 runs,
# in wall-clock time and in the thread's CPU time (on a shared machine the wall clock's p99 is mostly other processes).
# Targets: programming from empty faster than ipvsadm -R; update p99 < 5 ms.
#
# usage: sudo bench/ipvs-update.sh [--services N] [--reals R] [--rounds K] [--updates U] [--host-only]   (defaults: 10000, 4, 5, 200)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
case ${1:-} in -h|--help) sed -n '2,12p' "$0"; exit 0 ;; esac
services=10000 reals=4 rounds=5 updates=200 host_only=
while (($#)); do
  case $1 in
    --services) services=$2 ;; --reals) reals=$2 ;; --rounds) rounds=$2 ;; --updates) updates=$2 ;;
    --host-only) host_only=1; shift; continue ;;
    *) echo "usage: $0 [--services N] [--reals R] [--rounds K] [--updates U] [--host-only]" >&2; exit 2 ;;
  esac
  shift 2
done
[[ -n $host_only || $(id -u) == 0 ]] || { echo "needs root (the kernel lab)" >&2; exit 1; }
dotnet build -c Release -v quiet -nologo "$here/IpvsUpdate/IpvsUpdate.csproj" >/dev/null
bench=$here/IpvsUpdate/bin/Release/net10.0/ipvsupdate.dll
# median_of FILE WHO WHAT COLUMN: the median of COLUMN over the lines `RESULT WHO WHAT P50 P99` (or `... MS`) in FILE
median_of() { awk -v w="$2" -v m="$3" -v c="$4" '$2 == w && $3 == m { print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }
host=$(mktemp /var/tmp/ipvs-plan.XXXXXX)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= 5; run++)); do dotnet "$bench" plan "$services" "$reals" 200 | grep '^RESULT' >>"$host"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\nOn the host (no kernel: planned and encoded only), %s x %s, one real server changed, medians of 5 runs of 200 changes\n' "$services" "$reals"
printf '%-58s %10s %10s\n' "" "p50 ms" "p99 ms"
for clock in "" -cpu; do
  if [[ -n $clock ]]; then echo "in the thread's CPU time (what other processes took of the core left out)"; else echo "wall clock"; fi
  for what in weight removal; do
    printf '%-58s %10s %10s\n' "  ours, $what (IpvsDataplane on the applied table)" "$(median_of "$host" dataplane$clock $what 4)" "$(median_of "$host" dataplane$clock $what 5)" \
      "  whole-table diff, $what (every apply before)" "$(median_of "$host" wholediff$clock $what 4)" "$(median_of "$host" wholediff$clock $what 5)"
    awk -v a="$(median_of "$host" dataplane$clock $what 4)" -v b="$(median_of "$host" wholediff$clock $what 4)" \
      -v c="$(median_of "$host" dataplane$clock $what 5)" -v d="$(median_of "$host" wholediff$clock $what 5)" \
      'BEGIN { printf "  ratio ours/whole-table diff                              %10.4f %10.4f\n", a / b, c / d }'
  done
done
rm -f "$host"
[[ -z $host_only ]] || exit 0
out=$(mktemp -d /var/tmp/ipvs-update.XXXXXX)
printf 'SERVICES=%s\nREALS=%s\nROUNDS=%s\nUPDATES=%s\n' "$services" "$reals" "$rounds" "$updates" >"$out/bench.env"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
KERNEL_LAB_OUT=$out AGENT=$bench KERNEL_LAB_SCENARIO_TIMEOUT=${KERNEL_LAB_SCENARIO_TIMEOUT:-3000} \
  KERNEL_LAB_TIMEOUT=${KERNEL_LAB_SCENARIO_TIMEOUT:-3000} bash "$root/tools/kernel-lab/run.sh" bench-ipvs-update | grep -v '^RESULT' || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$out/bench-ipvs-update.log
grep -q '^RESULT' "$results" 2>/dev/null || { echo "no results (log: $results)"; exit 1; }
# median WHO WHAT COLUMN over the rounds
median() { median_of "$results" "$@"; }
ours=$(median ours program 4) theirs=$(median ipvsadm program 4)
printf '\nIPVS, %s virtual servers x %s real servers, medians of %s rounds in the same VM (%s)\n' "$services" "$reals" "$rounds" \
  "$(cut -f2 "$out/run.tsv" | head -1)"
printf '%-58s %10s %10s\n' "programmed from empty" "ms" "" 
printf '%-58s %10s\n' "  ours (IpvsDataplane, generic netlink)" "$ours" "  ipvsadm -R" "$theirs"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "  ratio ours/ipvsadm                                       %10.2f\n", a / b }'
printf '%-58s %10s %10s\n' "one real server changed, applied" "p50 ms" "p99 ms"
printf '%-58s %10s %10s\n' "  ours, weight change (whole table in)" "$(median ours weight 4)" "$(median ours weight 5)" \
  "  ours, removal (whole table in)" "$(median ours removal 4)" "$(median ours removal 5)" \
  "  ipvsadm -e, weight change (a process each)" "$(median ipvsadm weight 4)" "$(median ipvsadm weight 5)"
status=0
awk -v a="$ours" -v b="$theirs" 'BEGIN { exit !(a < b) }' && echo "PASS  from empty faster than ipvsadm -R" || { echo "FAIL  from empty not faster than ipvsadm -R"; status=1; }
for what in weight removal; do
  p99=$(median ours $what 5)
  awk -v p="$p99" 'BEGIN { exit !(p < 5) }' && echo "PASS  $what p99 < 5 ms" || { echo "FAIL  $what p99 $p99 ms, target < 5 ms"; status=1; }
done
echo "(output in $out)"
exit $status
