#!/usr/bin/env bash
# No-op rebuild cost of build integration, with N policy XML files (default 50), compiled and
# signed to {PolicyID}.cip:
#   CMake (Ninja): a project with cipolicy_sign() over N policies, signing ON vs OFF;
#   MSBuild (dotnet msbuild): a plain project with N <CIPolicy> items, signing enabled vs disabled.
# Prints the tool invocations (any command) of each no-op rebuild (must be 0) and the median wall
# time of R no-op rebuilds (default 5) with and without signing. Asserts only the invocation count.
# Usage: bench/build_noop.sh [N] [R]   (CIPOLICY_EXE: the tool, default build/tool/cipolicy)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cipolicy=${CIPOLICY_EXE:-$root/build/tool/cipolicy}
cipolicy=$(cd "$(dirname "$cipolicy")" && pwd)/$(basename "$cipolicy")  # the wrapper runs elsewhere
n=${1:-50}
reps=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }
# time_runs <command...>: R wall times of the command, one per line
time_runs() {
  for _ in $(seq 1 "$reps"); do
    local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
  done
}

# The tool behind a wrapper that counts its runs.
cat > "$work/cipolicy" <<WRAP
#!/bin/sh
echo "\$1" >> "$work/calls"
exec "$cipolicy" "\$@"
WRAP
chmod +x "$work/cipolicy"
calls() { [ -f "$work/calls" ] && wc -l < "$work/calls" || echo 0; }

mkdir -p "$work/src/policies"
"$cipolicy" dev-pki --out-dir "$work/src/pki" --quiet
"$cipolicy" add-signer "$root/templates/policy/SignableBase.xml" --cert "$work/src/pki/root.cer" \
  --update --supplemental -o "$work/base.xml" --quiet
for i in $(seq 1 "$n"); do
  "$cipolicy" set-id "$work/base.xml" --policy-id "$(printf '{5E1F0C2A-0000-4000-8000-%012d}' "$i")" \
    -o "$work/src/policies/p$i.xml" --quiet
done
printf 'provider: local\nlocal:\n  cert: pki/signer.pem\n  key: pki/signer.key\n  chain: pki/chain.pem\n' \
  > "$work/src/cipolicy.yaml"

echo "== CMake (Ninja), $n policies, median of $reps no-op rebuilds"
cat > "$work/src/CMakeLists.txt" <<EOF2
cmake_minimum_required(VERSION 3.25)
project(bench LANGUAGES NONE)
include("$root/cmake-modules/CIPolicyFunctions.cmake")
file(GLOB policies policies/*.xml)
cipolicy_sign(signed ALL POLICIES \${policies})
EOF2
for mode in ON OFF; do
  cmake -S "$work/src" -B "$work/cmake-$mode" -G Ninja -DCIPOLICY_SIGNING=$mode \
    -DCIPOLICY_CONFIG="$work/src/cipolicy.yaml" -DCIPOLICY_EXECUTABLE="$work/cipolicy" > /dev/null
  cmake --build "$work/cmake-$mode" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
done
first=$(calls)
echo "first builds (ON and OFF): $first tool runs (compile + sign)"
on=$(time_runs cmake --build "$work/cmake-ON" | median)
off=$(time_runs cmake --build "$work/cmake-OFF" | median)
noop=$(( $(calls) - first ))
echo "no-op rebuilds: $noop tool runs"
echo "no-op rebuild: signing ON ${on}s, OFF ${off}s, added $(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a - b }')s"
[ "$noop" -eq 0 ] || { echo "FAIL: a no-op CMake rebuild ran the tool"; exit 1; }

if ! command -v dotnet > /dev/null; then
  echo "== MSBuild: skipped (no dotnet)"
  exit 0
fi
echo "== MSBuild (dotnet msbuild), $n policies, median of $reps no-op rebuilds"
cat > "$work/src/bench.proj" <<EOF2
<Project>
  <Import Project="$root/msbuild/build/CIPolicy.Build.props" />
  <PropertyGroup><OutDir>out\\</OutDir></PropertyGroup>
  <ItemGroup><CIPolicy Include="policies/*.xml" /></ItemGroup>
  <Target Name="Build" DependsOnTargets="\$(BuildDependsOn)" />
  <Import Project="$root/msbuild/build/CIPolicy.Build.targets" />
</Project>
EOF2
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mb() { dotnet msbuild "$work/src/bench.proj" -nologo -v:q -nodeReuse:false -p:CIPolicyToolPath="$work/cipolicy" "$@"; }
mb > /dev/null
first=$(calls)
on=$(time_runs mb | median)
off=$(time_runs mb -p:CIPolicySigningEnabled=false | median)
noop=$(( $(calls) - first ))
echo "no-op rebuilds: $noop tool runs"
echo "no-op rebuild: signing enabled ${on}s, disabled ${off}s, added $(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a - b }')s"
[ "$noop" -eq 0 ] || { echo "FAIL: a no-op MSBuild rebuild ran the tool"; exit 1; }
