#!/usr/bin/env bash
# Installs what the tests and the demo use on a fresh Debian/Ubuntu machine: the reference peer (keepalived),
# the network tools the lab drives, a web server for the demo, and afl-fuzz for tools/fuzz.sh. Skips apt when
# everything is already there.
set -euo pipefail
packages=(keepalived iproute2 tcpdump nftables iputils-ping ipvsadm curl python3 procps afl++)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "install-deps: installed ${missing[*]}"
fi
# keepalived's package enables a system service; the tests start their own keepalived in namespaces only.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet keepalived 2>/dev/null; then
  systemctl stop keepalived
fi
