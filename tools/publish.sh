#!/usr/bin/env bash
# Publishes the two binaries exactly as Dockerfile.agent and Dockerfile.operator do (tests/Deploy.Tests holds the
# commands equal), so CI can prove the image builds' publish step without a container engine.
# usage: tools/publish.sh RID [OUT]    RID: linux-x64 or linux-arm64; OUT defaults to out/RID
set -euo pipefail
RID="${1:?usage: tools/publish.sh RID [OUT]}"
OUT="${2:-out/$RID}"
cd "$(dirname "$0")/.."
# The agent: NativeAOT (needs clang and zlib1g-dev), one static-ish binary on runtime-deps.
dotnet publish src/NodeAgent -c Release -r "$RID" -p:PublishAot=true -o "$OUT/agent"
# The operator: framework-dependent on the .NET runtime image.
dotnet publish src/Operator -c Release -r "$RID" --self-contained false -o "$OUT/operator"
