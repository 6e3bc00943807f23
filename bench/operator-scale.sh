#!/usr/bin/env bash
# Operator at scale against LocalCluster (the API stand-in), with fake agents reporting Master/Backup as real ones do.
# Prints apply->Ready latency p50/p95/p99/max (a burst of all VirtualIps, then single ones into the loaded cluster),
# the operator's CPU, RSS (VmRSS/VmHWM), its API requests per VirtualIp change by verb and resource, and its SIGTERM exit time.
#
# usage: bench/operator-scale.sh [--nodes 50] [--vips 500] [--pool 2] [--singles 20] [--timeout 600] [--runs 1]
#   --runs N       run the whole bench N times (each with a fresh LocalCluster and operator)
#   OPERATOR=path  the keepoperator executable; default: dotnet build -c Release of src/Operator.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
case ${1:-} in -h|--help) sed -n '2,9p' "$0"; exit 0 ;; esac
runs=1
args=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ -z ${OPERATOR:-} ]]; then
  dotnet build -c Release -v quiet -nologo "$root/src/Operator/Operator.csproj" >/dev/null
  OPERATOR=$root/src/Operator/bin/Release/net10.0/keepoperator
fi
dotnet build -c Release -v quiet -nologo "$here/OperatorScale/OperatorScale.csproj" >/dev/null

# The bench stops its operator on SIGINT/SIGTERM and on any failure; should the bench itself be killed outright
# (SIGKILL, a runner's timeout), the trap still ends the operator it started, by the PID it wrote.
pidfile=$(mktemp)
bench=
cleanup() {
  if [[ -n $bench ]] && kill -0 "$bench" 2>/dev/null; then
    kill -TERM "$bench" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$bench" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$bench" 2>/dev/null || true
  fi
  if [[ -s $pidfile ]]; then kill -KILL "$(cat "$pidfile")" 2>/dev/null || true; fi
  rm -f "$pidfile"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for ((run = 1; run <= runs; run++)); do
  ((runs == 1)) || echo "== run $run of $runs"
  : >"$pidfile"
  dotnet "$here/OperatorScale/bin/Release/net10.0/OperatorScale.dll" --operator "$OPERATOR" --pid-file "$pidfile" "${args[@]}" &
  bench=$!
  wait "$bench"
  bench=
done
