#!/bin/busybox sh
# /init of the kernel lab's initramfs (prepare.sh puts it there, beside a static busybox and the modules in
# /modules/order): loads virtio and 9p, mounts the host's root read-only over 9p with tmpfs where the lab writes,
# mounts run.sh's staging directory (share klabout: the lab's scripts, the agent, and where results go) on
# /run/klab-out, and hands over to the staged vm-init.sh on that root.
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
  echo "KLAB-BOOT FAIL $*"
  poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for module in $(cat /modules/order); do
  insmod "/modules/$module" || fail "insmod $module"
done
# The virtio device may be probed just after its driver loads: a few tries.
tries=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /newroot 2>/dev/null; do
  tries=$((tries + 1))
  [ $tries -lt 50 ] || fail "cannot mount the host root (9p tag hostroot)"
  sleep 0.1
done
for dir in tmp run var/tmp; do
  mount -t tmpfs -o mode=1777 tmpfs "/newroot/$dir" || fail "tmpfs on /$dir"
done
mkdir -p /newroot/run/klab-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 klabout /newroot/run/klab-out || fail "cannot mount the share klabout"
echo "KLAB-BOOT root mounted after $(cut -d' ' -f1 /proc/uptime) s"
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
init=/run/klab-out/repo/tools/kernel-lab/vm-init.sh
[ -x "/newroot$init" ] || fail "no executable $init in the share klabout"
exec switch_root /newroot "$init"
