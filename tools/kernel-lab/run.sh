#!/usr/bin/env bash
# The kernel lab: boots Debian's kernel (prepare.sh) under qemu with this machine's root as the VM's root, and runs
# the scenarios (scenarios/NN-name.sh) inside it against real IPVS. Prints the console's KLAB lines and each failing
# scenario's log; exits 0 when every scenario passed.
#   usage: sudo bash tools/kernel-lab/run.sh [scenario-name...]        (default: scenarios/NN-*, not the bench-* ones)
#   KERNEL_LAB_ACCEL   auto (default: KVM with -cpu host, then KVM with qemu64, then TCG), kvm or tcg
#   KERNEL_LAB_BOOT_TIMEOUT  seconds an accelerator gets to reach the VM's init (default 20) before the next is tried
#   KERNEL_LAB_TIMEOUT  seconds for the whole run once booted (default 1200)
#   KERNEL_LAB_SCENARIO_TIMEOUT  seconds each scenario gets (default 240)
#   KERNEL_LAB_OUT     where results.tsv, run.tsv, console.txt and the logs go (default: a new dir under /var/tmp)
#   AGENT              a keepoperator-agent executable or .dll (default: a NativeAOT publish of src/NodeAgent)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "kernel-lab: needs root (qemu's 9p share of /, network namespaces in the VM)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "kernel-lab: qemu-system-x86_64 is missing (tools/install-deps.sh)" >&2; exit 1; }
# The VM mounts tmpfs over /tmp, /run and /var/tmp, so the prepared kernel may not live there; what the VM runs
# is staged into the output directory, which it mounts (so the repository may be anywhere).
case ${KERNEL_LAB_CACHE:-/var/cache}/ in /tmp/* | /run/* | /var/tmp/*)
  echo "kernel-lab: KERNEL_LAB_CACHE is under /tmp, /run or /var/tmp, which the VM mounts empty" >&2; exit 1 ;;
esac
kernel=$(bash "$here/prepare.sh")
# The agent as users run it: the NativeAOT binary Dockerfile.agent builds (JIT under TCG emulation is also far
# too slow for VRRP's timers). AGENT= runs another build (a .dll runs with dotnet).
if [[ -z ${AGENT:-} ]]; then
  echo "kernel-lab: dotnet publish -p:PublishAot=true src/NodeAgent" >&2
  dotnet publish "$repo/src/NodeAgent" -c Release -r linux-x64 -p:PublishAot=true -nologo -v quiet \
    -o "$repo/artifacts/kernel-lab/agent" >&2
  AGENT=$repo/artifacts/kernel-lab/agent/keepoperator-agent
fi
AGENT=$(readlink -f "$AGENT")
[[ -f $AGENT ]] || { echo "kernel-lab: no agent at $AGENT" >&2; exit 1; }

if [[ $# -gt 0 ]]; then scenarios=("$@"); else
  mapfile -t scenarios < <(cd "$here/scenarios" && ls -- [0-9]*.sh | sed 's/\.sh$//')
fi
out=${KERNEL_LAB_OUT:-$(mktemp -d /var/tmp/kernel-lab.XXXXXX)}
mkdir -p "$out"
rm -rf "$out"/*.log "$out/results.tsv" "$out/console.txt" "$out/repo" "$out/agent"
mkdir -p "$out/repo/tools" "$out/agent"
cp -r "$repo/tools/lab" "$repo/tools/kernel-lab" "$out/repo/tools/"
if [[ $AGENT == *.dll ]]; then cp -r "$(dirname "$AGENT")/." "$out/agent/"; else cp "$AGENT" "$out/agent/"; fi
boot_timeout=${KERNEL_LAB_BOOT_TIMEOUT:-20}
run_timeout=${KERNEL_LAB_TIMEOUT:-1200}
append="console=ttyS0 quiet panic=-1 klab_modules=$kernel/root"
append+=" klab_scenario_timeout=${KERNEL_LAB_SCENARIO_TIMEOUT:-240}"
append+=" klab_scenarios=$(IFS=,; echo "${scenarios[*]}") klab_agent=/run/klab-out/agent/$(basename "$AGENT")"

qemu_pid=
stop_qemu() { [[ -z $qemu_pid ]] || { kill "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true; qemu_pid=; }; }
trap stop_qemu EXIT

# boot ACCEL CPU: starts qemu; 0 once the VM's init runs, 1 if qemu died or the boot timed out (then qemu is stopped).
boot() {
  local accel=$1 cpu=$2 deadline timeout=$boot_timeout
  [[ $accel == kvm ]] || timeout=$((boot_timeout * 4)) # TCG is the last resort: emulation boots slower
  : >"$out/console.txt"
  qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -smp 2 -m 2048 -display none -monitor none -no-reboot \
    -serial "file:$out/console.txt" -kernel "$kernel/vmlinuz" -initrd "$kernel/initramfs.cpio.gz" -append "$append" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$out,mount_tag=klabout,security_model=none" >"$out/qemu.txt" 2>&1 &
  qemu_pid=$!
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    grep -q '^KLAB-READY' "$out/console.txt" && return 0
    kill -0 "$qemu_pid" 2>/dev/null || { wait "$qemu_pid" 2>/dev/null || true; qemu_pid=; return 1; }
    sleep 0.2
  done
  stop_qemu
  return 1
}

case ${KERNEL_LAB_ACCEL:-auto} in
  auto) attempts=("kvm host" "kvm qemu64" "tcg max") ;; # nested KVM may refuse -cpu host, yet take a plain model
  kvm) attempts=("kvm host" "kvm qemu64") ;;
  tcg) attempts=("tcg max") ;;
  *) echo "kernel-lab: KERNEL_LAB_ACCEL is auto, kvm or tcg" >&2; exit 2 ;;
esac
[[ -w /dev/kvm || ${KERNEL_LAB_ACCEL:-auto} == kvm ]] || attempts=("tcg max")
booted=
started=$SECONDS
for attempt in "${attempts[@]}"; do
  read -r accel cpu <<<"$attempt"
  if boot "$accel" "$cpu"; then booted="$accel -cpu $cpu"; break; fi
  echo "kernel-lab: no boot with -accel $accel -cpu $cpu in ${boot_timeout}s: $(tail -c 300 "$out/qemu.txt" | tr '\n' ' ')" >&2
done
[[ -n $booted ]] || { echo "kernel-lab: the VM did not boot"; cat "$out/console.txt"; exit 1; }
echo "kernel-lab: booted $(cat "$kernel/kernel-version") with -accel $booted in $((SECONDS - started)) s; scenarios: ${scenarios[*]}"
deadline=$((SECONDS + run_timeout))
while kill -0 "$qemu_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
stop_qemu
rm -rf "$out/repo" "$out/agent" # the staged copies; the logs stay
grep -a '^KLAB-' "$out/console.txt" | grep -v '^KLAB-READY' || true
printf 'accel\t%s\nseconds\t%s\n' "$booted" "$((SECONDS - started))" >"$out/run.tsv"
status=0
for name in "${scenarios[@]}"; do
  if ! grep -q "^$name	pass	" "$out/results.tsv" 2>/dev/null; then
    status=1
    echo "---- $name failed: $out/$name.log"
    tail -n 60 "$out/$name.log" 2>/dev/null || echo "(no log: the VM stopped before it)"
  fi
done
passed=$(grep -c '	pass	' "$out/results.tsv" 2>/dev/null || true)
echo "kernel-lab: ${passed:-0} of ${#scenarios[@]} passed with ${booted%% *} in $((SECONDS - started)) s (output in $out)"
exit $status
