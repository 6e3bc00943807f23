#!/usr/bin/env bash
# IPVS programming speed in the kernel lab's VM (tools/kernel-lab: Debian's kernel with IPVS; the host's has none):
# SERVICES virtual servers x REALS real servers programmed from empty by our IpvsDataplane (IpvsReconciler's plan
# over generic netlink) against `ipvsadm -R` of the same table, ROUNDS rounds interleaved in the same VM; and p50/p99
# of one real server's weight change and removal applied by us (whole desired table in, kernel acked), beside
# `ipvsadm -e` for one change. Prints medians over the rounds and our/ipvsadm ratios. Under TCG (no /dev/kvm)
# absolute times are many times slower than on hardware: the ratio in the same VM is what counts.
# Targets: programming from empty faster than ipvsadm -R; update p99 < 5 ms.
#
# usage: sudo bench/ipvs-update.sh [--services N] [--reals R] [--rounds K] [--updates U]   (defaults: 10000, 4, 5, 200)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
case ${1:-} in -h|--help) sed -n '2,10p' "$0"; exit 0 ;; esac
services=10000 reals=4 rounds=5 updates=200
while (($#)); do
  case $1 in
    --services) services=$2 ;; --reals) reals=$2 ;; --rounds) rounds=$2 ;; --updates) updates=$2 ;;
    *) echo "usage: $0 [--services N] [--reals R] [--rounds K] [--updates U]" >&2; exit 2 ;;
  esac
  shift 2
done
[[ $(id -u) == 0 ]] || { echo "needs root (the kernel lab)" >&2; exit 1; }
dotnet build -c Release -v quiet -nologo "$here/IpvsUpdate/IpvsUpdate.csproj" >/dev/null
out=$(mktemp -d /var/tmp/ipvs-update.XXXXXX)
printf 'SERVICES=%s\nREALS=%s\nROUNDS=%s\nUPDATES=%s\n' "$services" "$reals" "$rounds" "$updates" >"$out/bench.env"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
KERNEL_LAB_OUT=$out AGENT=$here/IpvsUpdate/bin/Release/net10.0/ipvsupdate.dll KERNEL_LAB_SCENARIO_TIMEOUT=${KERNEL_LAB_SCENARIO_TIMEOUT:-3000} \
  KERNEL_LAB_TIMEOUT=${KERNEL_LAB_SCENARIO_TIMEOUT:-3000} bash "$root/tools/kernel-lab/run.sh" bench-ipvs-update | grep -v '^RESULT' || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$out/bench-ipvs-update.log
grep -q '^RESULT' "$results" 2>/dev/null || { echo "no results (log: $results)"; exit 1; }
# median WHO WHAT COLUMN over the rounds
median() { awk -v w="$1" -v m="$2" -v c="$3" '$2 == w && $3 == m { print $c }' "$results" | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }
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
