#!/usr/bin/env bash
# Health change -> nftables rule updated: bench/NftUpdate in a throwaway network namespace. The agent's checker
# TCP_CHECKs SERVERS real servers (loopback listeners of the driver) of VIRTUAL_SERVERS virtual servers programmed
# through NftablesDataplane; one real server's listener is stopped and started FLIPS times. Prints, over the flips,
# p50/p99/max of the time from the verdict to `nft -f` having committed the transaction, and how much of it nft
# itself took. Target: p99 < 50 ms.
#
# usage: sudo bench/nft-update.sh [--servers N] [--flips K] [--virtual-servers M]   (defaults: 100, 100, 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=../tools/lab/lib.sh
source "$root/tools/lab/lib.sh"
case ${1:-} in -h|--help) sed -n '2,8p' "$0"; exit 0 ;; esac

lab_require_root
command -v nft >/dev/null || { echo "nft is not installed" >&2; exit 1; }
dotnet build -c Release -v quiet -nologo "$here/NftUpdate/NftUpdate.csproj" >/dev/null
NS=konft$$
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ip netns exec "$NS" dotnet "$here/NftUpdate/bin/Release/net10.0/nftupdate.dll" "$@"
