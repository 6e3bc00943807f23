#!/usr/bin/env bash
# The README's test command: installs what the tests need (as root), builds once, then runs `dotnet test`
# project by project, pure unit tests first and the timing-sensitive network lab last, so they never compete
# for the two cores. Prints one closing line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  bash tools/install-deps.sh || exit 1
else
  echo "test: not root: the network lab tests (namespaces, raw sockets, keepalived) will be skipped"
fi
dotnet build KeepOperator.sln -c Release -nologo -clp:ErrorsOnly || exit 1
log=$(mktemp)
out=$(mktemp)
status=0
# The code style of .editorconfig (unused usings, braces, formatting): a change dotnet format would make fails the run.
echo "== dotnet format --verify-no-changes"
format_failed=0
dotnet format KeepOperator.sln --verify-no-changes --no-restore -v q || { format_failed=1; status=1; }
# The bounded afl-fuzz campaign on the VRRP decoder and the keepalived.conf converter, alone on the CPU like the tests.
fuzz_failed=0
if command -v afl-fuzz >/dev/null; then
  echo "== tools/fuzz.sh (FUZZ_SECONDS=${FUZZ_SECONDS:-60} per target)"
  bash tools/fuzz.sh || { fuzz_failed=1; status=1; }
else
  echo "test: afl-fuzz is missing (not root: tools/install-deps.sh did not run): the fuzz campaign is skipped"
fi
# Every test project (tests/Shared holds sources they link, no project), the lab last.
for project in $(ls tests/*/*.csproj | sort -t/ -k2,2 | awk '/Lab.Tests/ {last=$0; next} {print} END {if (last) print last}'); do
  echo "== dotnet test $project"
  # A test that hangs fails after 15 minutes (the chaos soak alone runs 10) (with a dump) instead of holding CI until its time limit.
  if ! dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 15m --logger "console;verbosity=normal" >"$out" 2>&1; then
    status=1
    grep -q '^Total tests' "$out" || tail -n 20 "$out" # it failed before running tests: say why
  fi
  cat "$out" >>"$log"
  # Failures with their messages, skips with their reasons, and the project's totals; passing tests stay quiet.
  awk '/^  (Failed|Skipped) / {show = 1} /^  Stack Trace:/ {show = 0} /^  Passed / {show = 0} show || /^Total tests|^ +(Passed|Failed|Skipped): / {print}' "$out"
done
passed=$(grep -Eo '^ +Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo '^ +Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo '^ +Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$((failed + fuzz_failed + format_failed))
rm -f "$log" "$out"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
