#!/usr/bin/env bash
# A bounded afl-fuzz campaign (Debian's afl++, .NET code instrumented by SharpFuzz) on each fuzz target of tools/Fuzz:
# vrrp-packet (IP header, VRRP decoder, receive checks), keepalived-conf (`keepoperator convert` end to end),
# netlink-reply (rtnetlink link/address/error replies), ipvs-message (the IPVS generic netlink codec) and api-json
# (VirtualIp/VirtualServer JSON through the source-gen contexts and the validators).
# Seeds: the keepalived golden captures, examples/keepalived, tests/TestData/seeds, the ipvsadm golden requests and examples/*.yaml. Fails when any input crashed or hung;
# prints afl-fuzz's counts (execs, paths, crashes, hangs) and, replaying the queue, the outcomes by rejection reason.
#
#   tools/fuzz.sh [TARGET...]        FUZZ_SECONDS per target (60), FUZZ_TIMEOUT_MS per input (5000),
#                                    FUZZ_OUT (kept; by default a temporary folder, removed when all passed)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-60}
timeout_ms=${FUZZ_TIMEOUT_MS:-5000}
out=${FUZZ_OUT:-}
keep=${FUZZ_OUT:+yes}
[ -n "$out" ] || out=$(mktemp -d /tmp/keepoperator-fuzz.XXXXXX)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(vrrp-packet keepalived-conf netlink-reply ipvs-message api-json)
sharpfuzz_version=2.3.0 # the SharpFuzz package tools/Fuzz/Fuzz.csproj references

if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz: afl-fuzz is missing (apt-get install afl++, as tools/install-deps.sh does)" >&2
  exit 1
fi
tools=${FUZZ_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/keepoperator/sharpfuzz-$sharpfuzz_version}
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version "$sharpfuzz_version" >/dev/null
fi

bin=$out/bin
plain=$out/plain
rm -rf "$bin" "$plain"
dotnet publish tools/Fuzz -c Release -o "$bin" -nologo -clp:ErrorsOnly >/dev/null
# Instrumented code needs afl-fuzz's shared memory; seeds and replays run a copy without instrumentation.
cp -r "$bin" "$plain"
# Only the code under test reports coverage to afl-fuzz; the rest of each assembly (and the runtime) stays as built.
# The agent is instrumented once, by its root namespace (Vrrp, Netlink, Ipvs); code no target calls reports nothing.
"$tools/sharpfuzz" "$bin/keepoperator-agent.dll" KeepOperator.NodeAgent
"$tools/sharpfuzz" "$bin/keepoperator.dll" KeepOperator.Operator.Convert
"$tools/sharpfuzz" "$bin/KeepOperator.Api.dll"
fuzz=(dotnet "$plain/keepoperator-fuzz.dll")

status=0
for target in "${targets[@]}"; do
  case $target in
    vrrp-packet) samples=("$root"/tests/NodeAgent.Tests/Vrrp/Codec/Golden/*.hex) ;;
    keepalived-conf) samples=("$root"/examples/keepalived/*.conf "$root"/tests/TestData/seeds/*.conf) ;;
    netlink-reply) samples=("$root"/tests/TestData/seeds/netlink-reply/*.hex) ;;
    ipvs-message) samples=("$root"/tests/TestData/ipvs-golden/*golden.txt) ;;
    api-json) samples=("$root"/examples/*.yaml) ;;
    *) echo "fuzz: unknown target $target" >&2; exit 2 ;;
  esac
  work=$out/$target
  rm -rf "$work"
  mkdir -p "$work"
  "${fuzz[@]}" seeds "$target" "$work/seeds" "${samples[@]}"
  "${fuzz[@]}" dict "$target" "$work/dict"
  echo "== afl-fuzz $target for ${seconds}s"
  # -V: stop after that many seconds; -t: an input running longer is a hang. The target is the dotnet host, not an
  # afl-compiled binary, hence the skipped binary check; SharpFuzz's fork server reports the .NET code's coverage.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 \
    afl-fuzz -i "$work/seeds" -o "$work/findings" -x "$work/dict" -t "$timeout_ms" -m none -V "$seconds" -- dotnet "$bin/keepoperator-fuzz.dll" afl "$target" \
    >"$work/afl.log" 2>&1 || { echo "fuzz: afl-fuzz failed for $target:"; tail -30 "$work/afl.log"; status=1; continue; }
  stats=$work/findings/default/fuzzer_stats
  stat() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
  crashes=$(stat saved_crashes)
  hangs=$(stat saved_hangs)
  echo "$target: afl-fuzz: $(stat execs_done) execs ($(stat execs_per_sec)/s), $(stat corpus_count) paths, $crashes crashes, $hangs hangs"
  # Every input afl-fuzz kept, run again outside it: the outcomes by reason, and whether any crash reproduces.
  "${fuzz[@]}" replay "$target" --timeout-ms "$timeout_ms" "$work/findings/default/queue" \
    "$work/findings/default/crashes" "$work/findings/default/hangs" || status=1
  if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
    echo "fuzz: $target: crashing or hanging inputs kept in $work/findings/default/{crashes,hangs}"
    status=1
  fi
done
if [ $status = 0 ] && [ -z "$keep" ]; then
  rm -rf "$out"
else
  echo "fuzz: findings in $out"
fi
exit $status
