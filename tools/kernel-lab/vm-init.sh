#!/bin/bash
# PID 1 of the kernel lab's VM (initramfs-init.sh hands over to it on this machine's root, read-only over 9p):
# makes modprobe use the VM kernel's modules, loads IPVS, then runs each scenario under a time limit, printing
# KLAB-BEGIN/KLAB-RESULT lines on the console and writing results.tsv and <scenario>.log into the output share.
# The kernel passes klab_* from its command line as environment variables.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  DOTNET_NOLOGO=1 DOTNET_CLI_HOME=/tmp LANG=C.UTF-8
# The initramfs moved these here; mount whatever the move missed.
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
out=/run/klab-out # run.sh's staging directory, mounted by the initramfs
export klab_repo=$out/repo
mkdir -p /dev/shm /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t devpts devpts /dev/pts
ip link set lo up
# modprobe (ours and the kernel's requests) reads the VM kernel's modules from the prepared tree, not /lib/modules.
printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$klab_modules" >/run/modprobe
chmod +x /run/modprobe
echo /run/modprobe >/proc/sys/kernel/modprobe
ln -s /run/modprobe /run/modprobe-lab
for module in ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh nf_conntrack; do
  /run/modprobe "$module" || echo "KLAB-WARN modprobe $module failed"
done
echo "KLAB-READY kernel $(uname -r), $(nproc) cpus, ip_vs $(cat /sys/module/ip_vs/parameters/conn_tab_bits 2>/dev/null || echo missing)"
: >"$out/results.tsv"
for scenario in ${klab_scenarios//,/ }; do
  name=$(basename "$scenario" .sh)
  echo "KLAB-BEGIN $name"
  start=$(date +%s%N)
  timeout -k 5 "${klab_scenario_timeout:-240}" bash "$klab_repo/tools/kernel-lab/scenarios/$name.sh" >"$out/$name.log" 2>&1
  rc=$?
  seconds=$(( ($(date +%s%N) - start) / 1000000 ))
  seconds=$(printf '%d.%03d' $((seconds / 1000)) $((seconds % 1000)))
  result=pass
  [[ $rc == 0 ]] || result=fail
  printf '%s\t%s\t%s\t%s\n' "$name" "$result" "$rc" "$seconds" >>"$out/results.tsv"
  echo "KLAB-RESULT $name $result rc=$rc ${seconds}s"
done
echo "KLAB-END"
sync
# busybox (static, from busybox-static) powers off without an init system; qemu -no-reboot then exits.
busybox poweroff -f
