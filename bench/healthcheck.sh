#!/usr/bin/env bash
# Real-server health checks at scale: the agent's checker (bench/HealthBench over src/NodeAgent/Health/Checker) and
# keepalived's (`keepalived --check`), one after the other in the same run, on the same SERVERS real servers
# (default 5000: 127.1.x.y:18080 in virtual servers of 250), TCP_CHECK with delay_loop 1 s, connect_timeout 1 s,
# retry 0. Everything runs inside a fresh network namespace: the whole 127/8 is local there, and one listener on
# 0.0.0.0:18080 accepts and closes every connection. Nothing touches the host's ports.
# Per checker: CPU (utime+stime from /proc/PID/stat; keepalived: parent + checker child) over WINDOWS windows of
# SECONDS after a WARMUP, median; RSS (VmRSS) after them; then ROUNDS kill rounds, each dropping KILL servers' SYNs
# with nft (connects time out) and restoring them: detection delay = first DOWN verdict after the kill (keepalived:
# "TCP_CHECK on service [..] failed"), from timestamps taken as each log line arrives; p50/p99 over all rounds. False
# failures: DOWN verdicts for a server that was not dropped at that time (must be 0).
# keepalived refuses --check on a kernel without IPVS: it runs under LD_PRELOAD of ../shared/ipvs-golden/nlcapture.c
# (built here with gcc; needs libnl-genl-3-dev), which fakes the kernel's IPVS answers.
# -G (no syslog): without a syslog daemon glibc falls back to writing each message to /dev/console, which on this
# VM stalled keepalived's checker for 30 s at start-up; both checkers log only to a pipe here.
#
# RUNS runs (default 3), each measuring keepalived then ours; printed per run, then medians across runs (CPU, RSS;
# detection over all rounds of all runs) and the CPU ratio (median of the runs' ratios). Ours also reports the achieved
# check interval (two successful checks of a server in a row, completion to completion: delay_loop + the check's own
# time; a loop that falls behind drifts above it): p50/p99/max per run, and the median of the runs' p99.
#
# usage: sudo bench/healthcheck.sh [--servers N] [--windows N] [--seconds N] [--kill N] [--rounds N] [--runs N]
#   KEEP=1        keep the temp dir (logs, configs) and print its path.
#   CHECKER=path  a published healthbench (NativeAOT executable, or healthbench.dll run with dotnet);
#                 default: dotnet publish -c Release -p:PublishAot=true of bench/HealthBench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=$(cd "${SHARED:-$root/../shared}" && pwd) # SHARED=dir overrides (e.g. from a git worktree)
# shellcheck source=../tools/lab/lib.sh
source "$root/tools/lab/lib.sh"

SERVERS=5000
PER_VS=250
PORT=18080
WARMUP=${WARMUP:-5}
WINDOWS=5
WINDOW=4
KILL=100
ROUNDS=3
RUNS=3
while [[ $# -gt 0 ]]; do
  case $1 in
    --servers) SERVERS=$2; shift ;;
    --windows) WINDOWS=$2; shift ;;
    --seconds) WINDOW=$2; shift ;;
    --kill) KILL=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
((SERVERS <= 250 * 250)) || { echo "at most 62500 servers (127.1.0.1-127.250.250.250 pattern)" >&2; exit 2; }

lab_require_root
command -v keepalived >/dev/null || { echo "keepalived is not installed (tools/install-deps.sh)" >&2; exit 1; }
command -v nft >/dev/null || { echo "nft is not installed" >&2; exit 1; }
HZ=$(getconf CLK_TCK)
NS=kohc$$
TMP=$(mktemp -d /tmp/healthcheck.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  if [[ -n ${KEEP:-} ]]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# ---- our checker and keepalived's shim ----
if [[ -z ${CHECKER:-} ]]; then
  echo "publishing the checker bench (NativeAOT): dotnet publish -c Release bench/HealthBench" >&2
  dotnet publish "$here/HealthBench/HealthBench.csproj" -c Release -r linux-x64 -p:PublishAot=true -nologo -v quiet -o "$TMP/checker" >&2
  CHECKER=$TMP/checker/healthbench
fi
CHECKER=$(readlink -f "$CHECKER")
if [[ $CHECKER == *.dll ]]; then CHECKER_CMD=("$(command -v dotnet)" "$CHECKER"); else CHECKER_CMD=("$CHECKER"); fi
gcc -shared -fPIC -O2 -I/usr/include/libnl3 -o "$TMP/nlcapture.so" "$shared/ipvs-golden/nlcapture.c" -ldl -lnl-3 -lnl-genl-3 ||
  { echo "building nlcapture.so failed: apt-get install -y libnl-genl-3-dev gcc" >&2; exit 1; }

# ---- the targets: one list for both checkers ----
address() { echo "127.$((1 + $1 / 62500)).$(($1 / 250 % 250)).$(($1 % 250 + 1))"; }
for ((i = 0; i < SERVERS; i++)); do echo "vs$((i / PER_VS)) $(address "$i") $PORT"; done >"$TMP/targets"
{
  echo "global_defs {"
  echo "  router_id healthbench"
  echo "}"
  awk -v port="$PORT" '
    $1 != vs { if (vs != "") print "}"; vs = $1; n = substr(vs, 3) + 0
               printf "virtual_server 10.%d.%d.1 80 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n", n / 250, n % 250 }
    { printf "  real_server %s %s {\n    TCP_CHECK {\n      connect_timeout 1\n      retry 0\n    }\n  }\n", $2, $3 }
    END { print "}" }' "$TMP/targets"
} >"$TMP/keepalived.conf"

# ---- the namespace: loopback, one accept-and-close listener, an nft set of dropped servers ----
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" nft -f - <<NFT
table inet healthbench {
  set dropped { type ipv4_addr; }
  chain input { type filter hook input priority 0; ip daddr @dropped tcp dport $PORT drop; }
}
NFT
cat >"$TMP/listener.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(4096)
while True:
    c, _ = s.accept()
    c.close()
PY
# Stamps each line as it arrives (wall clock, like the kill times below), so both checkers are timed alike.
cat >"$TMP/stamp.py" <<'PY'
import sys, time
out = open(sys.argv[1], "w", buffering=1)
for line in sys.stdin:
    out.write("%.6f %s" % (time.time(), line))
PY
ip netns exec "$NS" python3 "$TMP/listener.py" "$PORT" &
LISTENER=$!
PIDS+=("$LISTENER")
for ((i = 0; i < 500; i++)); do
  [[ -n $(ip netns exec "$NS" ss -Hltn "sport = :$PORT") ]] && break
  sleep 0.01
done

now() { date +%s.%N; }

measure() { # KIND RUN -> appends a result line to $TMP/results
  local kind=$1 run=$2 log=$TMP/$1.$2.log kills=$TMP/$1.$2.kills pid child w t0 t1 c0 c1 r i cpu=() rss pids
  : >"$kills"
  if [[ $kind == keepalived ]]; then
    rm -f "$TMP/ka.pid" "$TMP/ka.check.pid"
    # stdbuf: keepalived's console log is block-buffered into a pipe (and lost when its checker is killed).
    NLCAPTURE_OUT=/dev/null LD_PRELOAD=$TMP/nlcapture.so ip netns exec "$NS" \
      stdbuf -oL -eL keepalived --check -n -l -G -f "$TMP/keepalived.conf" -p "$TMP/ka.pid" -c "$TMP/ka.check.pid" \
      > >(python3 "$TMP/stamp.py" "$log") 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < 500; i++)); do [[ -s $TMP/ka.check.pid ]] && break; sleep 0.01; done
    child=$(cat "$TMP/ka.check.pid")
    pids=("$pid" "$child")
  else
    ip netns exec "$NS" "${CHECKER_CMD[@]}" "$TMP/targets" 1000 1000 0 1000 > >(python3 "$TMP/stamp.py" "$log") 2>&1 &
    pid=$!
    PIDS+=("$pid")
    pids=("$pid")
  fi
  echo "$kind: running (pids ${pids[*]}), warmup ${WARMUP}s" >&2
  sleep "$WARMUP"
  for ((w = 0; w < WINDOWS; w++)); do
    t0=$(now); c0=$(proc_cpu_ticks "${pids[@]}")
    sleep "$WINDOW"
    t1=$(now); c1=$(proc_cpu_ticks "${pids[@]}")
    cpu+=("$(awk -v c="$((c1 - c0))" -v hz="$HZ" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%d", c * 1000 / hz / (t1 - t0) }')")
  done
  rss=$(proc_rss_kb "${pids[@]}")
  local stride=$((SERVERS / KILL)) list
  for ((r = 0; r < ROUNDS; r++)); do
    list=$(for ((i = r % stride; i < SERVERS; i += stride)); do address "$i"; done | paste -sd, -)
    ip netns exec "$NS" nft add element inet healthbench dropped "{ $list }"
    echo "kill $(now) $list" >>"$kills"
    sleep 4 # interval + connect timeout + 2 s
    ip netns exec "$NS" nft delete element inet healthbench dropped "{ $list }"
    echo "restore $(now)" >>"$kills"
    sleep 3 # back up: interval + a check
  done
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$kind $run $(median "${cpu[@]}") $(IFS=,; echo "${cpu[*]}") $rss" >>"$TMP/results"
}

: >"$TMP/results"
for ((run = 1; run <= RUNS; run++)); do
  measure keepalived "$run"
  measure keepoperator "$run"
done
echo "listener: $(awk -v c="$(proc_cpu_ticks "$LISTENER")" -v hz="$HZ" 'BEGIN { printf "%.1f", c / hz }') s CPU in all" >&2

python3 - "$TMP" "$SERVERS" <<'PY'
import os, re, sys
tmp, servers = sys.argv[1], int(sys.argv[2])
down = {"keepalived": re.compile(r"TCP_CHECK on service \[([\d.]+)\]:tcp:\d+ failed"),
        "keepoperator": re.compile(r"^DOWN \S+ ([\d.]+):\d+ ")}
rows, ok, intervals = [], True, []
for line in open(f"{tmp}/results"):
    kind, run, cpu_median, cpu_all, rss = line.split()
    rounds = []  # (kill time, restore time, addresses)
    for k in open(f"{tmp}/{kind}.{run}.kills"):
        f = k.split()
        if f[0] == "kill":
            rounds.append([float(f[1]), None, set(f[2].split(","))])
        else:
            rounds[-1][1] = float(f[1])
    delays, false_failures, seen = [], 0, set()
    for l in open(f"{tmp}/{kind}.{run}.log"):
        stamp, text = l.split(" ", 1)
        m = down[kind].search(text)
        if not m:
            continue
        t, addr = float(stamp), m.group(1)
        hit = next((i for i, (k, r, a) in enumerate(rounds) if addr in a and k <= t <= r + 2.5), None)
        if hit is None:
            false_failures += 1
        elif (hit, addr) not in seen:
            seen.add((hit, addr))
            delays.append((t - rounds[hit][0]) * 1000)
    killed = sum(len(a) for _, _, a in rounds)
    rows.append((kind, run, int(cpu_median) / 10, cpu_all, int(rss) / 1024, delays, killed, false_failures))
    if kind == "keepoperator":
        found = [l.split()[2:] for l in open(f"{tmp}/{kind}.{run}.log") if l.split()[1:2] == ["intervals"]]
        intervals.append(dict(zip(found[0][1::2], map(float, found[0][2::2]))) | {"n": int(found[0][0])} if found else None)
median = lambda xs: sorted(xs)[len(xs) // 2] if len(xs) % 2 else sum(sorted(xs)[len(xs) // 2 - 1:len(xs) // 2 + 1]) / 2
def line(label, cpu, cpu_all, rss, delays, killed, ff):
    d = sorted(delays)
    pct = lambda p: d[min(len(d) - 1, int(p * len(d)))] if d else float("nan")
    print(f"{label:<16}{cpu:>7.1f}  {cpu_all:<24}{rss:>7.1f}{pct(0.5):>8.0f}{pct(0.99):>8.0f}{(d[-1] if d else float('nan')):>8.0f}{f'{len(d)}/{killed}':>10}{ff:>7}")
    return (cpu, pct(0.99), len(d), killed, ff)
print(f"\n{servers} real servers, TCP_CHECK delay_loop 1s connect_timeout 1s retry 0; CPU: % of one core, median of windows")
print(f"{'checker / run':<16}{'cpu %':>7}  {'windows (0.1 %)':<24}{'rss MB':>7}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'detected':>10}{'false':>7}")
for kind, run, cpu, cpu_all, rss, delays, killed, ff in rows:
    line(f"{kind} {run}", cpu, cpu_all, rss, delays, killed, ff)
print("medians of the runs (detection: all rounds of all runs)")
agg = {}
for kind in ("keepalived", "keepoperator"):
    mine = [r for r in rows if r[0] == kind]
    agg[kind] = line(kind, median([r[2] for r in mine]), f"{len(mine)} runs", median([r[4] for r in mine]),
                     [x for r in mine for x in r[5]], sum(r[6] for r in mine), sum(r[7] for r in mine))
ratios = [o[2] / k[2] for k, o in zip([r for r in rows if r[0] == "keepalived"], [r for r in rows if r[0] == "keepoperator"]) if k[2] > 0]
ratio = median(ratios) if ratios else float("nan")
for run, i in enumerate(intervals, 1):
    print(f"keepoperator {run} check interval: " + (f"p50 {i['p50']:.1f} ms, p99 {i['p99']:.1f} ms, max {i['max']:.1f} ms over {i['n']} intervals" if i else "not reported"))
p99s = [i["p99"] for i in intervals if i]
print(f"check interval p99 (median of the runs): {median(p99s) if p99s else float('nan'):.1f} ms (delay_loop 1000 ms)")
print(f"cpu keepoperator / keepalived: {ratio:.2f} (runs: {', '.join(f'{x:.2f}' for x in ratios)}); load average now: {open('/proc/loadavg').read().split()[0]}")
stalls = [l.split(": ", 1)[1].strip() for f in sorted(os.listdir(tmp)) if f.startswith("keepalived.") and f.endswith(".log")
          for l in open(f"{tmp}/{f}") if "thread timer expired" in l]
if stalls:
    print(f"keepalived's own loop stalled {len(stalls)} times ({'; '.join(stalls)}): servers dropped then may be missed")
ka, ours = agg["keepalived"], agg["keepoperator"]
checks = [("cpu <= half of keepalived's", ratio <= 0.5),
          ("p99 detection <= 1000 + 1000 + 100 ms", ours[1] <= 2100),
          ("every dropped server detected", ours[2] == ours[3]),
          ("no false failures", ours[4] == 0),
          ("every run reported its check interval", len(p99s) == len(intervals))]
for name, passed in checks:
    print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    ok &= passed
sys.exit(0 if ok else 1)
PY
