#!/usr/bin/env bash
# Operator at scale: 500 VirtualIps across 50 Nodes (pools of 2 nodes per VirtualIp) against LocalCluster, with fake
# agents reporting Master/Backup. Prints apply->Ready latency (a burst of all VirtualIps, then single ones into the
# loaded cluster), the operator's CPU during the burst, its RSS (VmRSS/VmHWM from /proc) and its SIGTERM exit time.
#
# usage: bench/operator-scale.sh [--nodes N] [--vips N] [--pool N] [--singles N]
#   OPERATOR=path  the keepoperator executable; default: dotnet build -c Release of src/Operator.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
case ${1:-} in -h|--help) sed -n '2,8p' "$0"; exit 0 ;; esac
if [[ -z ${OPERATOR:-} ]]; then
  dotnet build -c Release -v quiet -nologo "$root/src/Operator/Operator.csproj" >/dev/null
  OPERATOR=$root/src/Operator/bin/Release/net10.0/keepoperator
fi
dotnet build -c Release -v quiet -nologo "$here/OperatorScale/OperatorScale.csproj" >/dev/null
exec dotnet "$here/OperatorScale/bin/Release/net10.0/OperatorScale.dll" --operator "$OPERATOR" "$@"
