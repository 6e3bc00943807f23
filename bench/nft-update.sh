#!/usr/bin/env bash
# Health change -> nftables rule updated: bench/NftUpdate in a throwaway network namespace, once per runner and round.
# The agent's checker TCP_CHECKs SERVERS real servers (loopback listeners of the driver) of VIRTUAL_SERVERS virtual
# servers programmed through NftablesDataplane; one real server's listener is stopped and started FLIPS times. Each
# round runs the in-process libnftables runner (the agent's) and the `nft -f` process runner (its fallback, and what the
# agent used before) back to back, alternating which goes first; prints, per runner, the median over ROUNDS of the p50
# and p99 from the verdict to the kernel having committed the transaction. Target: p99 < 5 ms.
#
# usage: sudo bench/nft-update.sh [--rounds R] [--servers N] [--flips K] [--virtual-servers M]   (defaults: 5, 100, 100, 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=../tools/lab/lib.sh
source "$root/tools/lab/lib.sh"
case ${1:-} in -h|--help) sed -n '2,9p' "$0"; exit 0 ;; esac
rounds=5
if [[ ${1:-} == --rounds ]]; then rounds=$2; shift 2; fi

lab_require_root
command -v nft >/dev/null || { echo "nft is not installed" >&2; exit 1; }
dotnet build -c Release -v quiet -nologo "$here/NftUpdate/NftUpdate.csproj" >/dev/null
NS=konft$$
results=$(mktemp)
log=$(mktemp)
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -f "$results" "$log"; }
trap cleanup EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
  order=(library process)
  ((round % 2)) || order=(process library)
  for runner in "${order[@]}"; do
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip netns exec "$NS" dotnet "$here/NftUpdate/bin/Release/net10.0/nftupdate.dll" --runner "$runner" "$@" >"$log" 2>&1 || true
    grep -E '^ *(health change ->|of which)' "$log" | sed "s/^ */round $round $runner: /" || true
    grep '^RESULT' "$log" >>"$results" || { echo "round $round, $runner: no result" >&2; cat "$log" >&2; }
    ip netns del "$NS"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# median of column $2 among the RESULT lines of runner $1
median() { awk -v r="$1" -v c="$2" '$2 == r { print $c }' "$results" | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }
printf '\nhealth change -> nftables transaction committed, medians of %d rounds (ms)\n' "$rounds"
printf '%-34s %8s %8s %6s\n' runner p50 p99 rounds
for runner in library process; do
  label=$([[ $runner == library ]] && echo "libnftables in-process (ours)" || echo "nft -f process per transaction")
  printf '%-34s %8s %8s %6s\n' "$label" "$(median $runner 3)" "$(median $runner 4)" "$(grep -c " $runner " "$results" || true)"
done
p99=$(median library 4)
if awk -v p="$p99" 'BEGIN { exit !(p != "n/a" && p < 5) }'; then echo "PASS  libnftables p99 < 5 ms"; else echo "FAIL  libnftables p99 $p99 ms, target < 5 ms"; exit 1; fi
