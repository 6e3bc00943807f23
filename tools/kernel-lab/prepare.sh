#!/usr/bin/env bash
# Prepares what the kernel lab boots: Debian's own kernel (the linux-image-*-amd64 that linux-image-amd64 depends on,
# which has IPVS, unlike many CI hosts' kernels), its modules with depmod run, and a busybox initramfs whose /init
# (initramfs-init.sh) mounts this machine's root over 9p. Prints the prepared directory; a ready one is reused.
#   KERNEL_LAB_CACHE  where to keep it (default /var/cache/keepoperator/kernel-lab)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KERNEL_LAB_CACHE:-/var/cache/keepoperator/kernel-lab}
kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'; }
package=$(kernel_package)
# A machine whose package lists were never fetched knows no kernel package yet.
[[ -n $package ]] || { apt-get update -qq && package=$(kernel_package); }
[[ -n $package ]] || { echo "prepare: apt knows no linux-image-amd64 (apt-get update?)" >&2; exit 1; }
version=${package#linux-image-}
dir=$cache/$version
if [[ -f $dir/ready && $dir/ready -nt $here/initramfs-init.sh ]]; then
  echo "$dir"
  exit 0
fi
work=$(mktemp -d)
chmod 0755 "$work" # apt-get download runs as _apt
trap 'rm -rf "$work"' EXIT
if [[ ! -f $dir/kernel-version ]]; then
  echo "prepare: $package into $dir" >&2
  rm -rf "$dir"
  mkdir -p "$dir/root"
  (cd "$work" && apt-get download -qq "$package" >/dev/null)
  dpkg-deb -x "$work"/"$package"_*.deb "$dir/root"
  cp "$dir/root/boot/vmlinuz-$version" "$dir/vmlinuz"
  depmod -b "$dir/root" "$version"
  echo "$version" >"$dir/kernel-version"
fi

# The initramfs: a static busybox, its /init, and the modules that reach 9p over virtio, in load order.
initrd=$work/initrd
mkdir -p "$initrd"/{bin,modules,proc,sys,dev,newroot}
cp /bin/busybox "$initrd/bin/busybox"
file -L "$initrd/bin/busybox" | grep -q 'statically linked' || { echo "prepare: /bin/busybox is not static (apt-get install busybox-static)" >&2; exit 1; }
install -m 0755 "$here/initramfs-init.sh" "$initrd/init"
for module in virtio_pci 9pnet_virtio 9p; do
  modprobe -d "$dir/root" -S "$version" --show-depends "$module"
done | awk '$1 == "insmod" {print $2}' | awk '!seen[$0]++' | while read -r ko; do
  name=$(basename "$ko")
  case $name in
    *.xz) xz -dc "$ko" >"$initrd/modules/${name%.xz}"; name=${name%.xz} ;;
    *.zst) zstd -qdc "$ko" >"$initrd/modules/${name%.zst}"; name=${name%.zst} ;;
    *) cp "$ko" "$initrd/modules/$name" ;;
  esac
  echo "$name" >>"$initrd/modules/order"
done
(cd "$initrd" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.cpio.gz"
touch "$dir/ready"
echo "$dir"
