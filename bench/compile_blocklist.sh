#!/usr/bin/env bash
# Compile time of Microsoft's vulnerable driver blocklist (1869 file rules, 217 signers):
# cipolicy compile against the Python reference compiler, best of N runs each, both checked
# byte for byte against Microsoft's binary. Usage: bench/compile_blocklist.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${CIPOLICY_BUILD_DIR:-$root/build}}
runs=${2:-5}
shared=${CIPOLICY_SHARED_DIR:-$root/../shared}
xml="$shared/oracles/compile/SiPolicy_Enforced.xml"
expected="$shared/oracles/compile/SiPolicy_Enforced.bin"
[ -f "$xml" ] || { echo "skipped: $xml not found"; exit 0; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

best() {  # best wall time in ms of running "$@" $runs times
    local best_ms=
    for _ in $(seq "$runs"); do
        local start end ms
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        ms=$(((end - start) / 1000000))
        if [ -z "$best_ms" ] || [ "$ms" -lt "$best_ms" ]; then best_ms=$ms; fi
    done
    echo "$best_ms"
}

ours=$(best "$build/tool/cipolicy" compile "$xml" -o "$out/ours.bin" -q)
cmp -s "$out/ours.bin" "$expected" || { echo "cipolicy output differs from Microsoft's"; exit 1; }
ref=$(best sh -c "python3 '$shared/reference/cipcompile.py' '$xml' > '$out/ref.bin'")
cmp -s "$out/ref.bin" "$expected" || { echo "reference output differs from Microsoft's"; exit 1; }
echo "blocklist (1869 file rules), best of $runs, both byte-identical with Microsoft's binary:"
echo "  cipolicy compile          ${ours} ms"
echo "  reference/cipcompile.py   ${ref} ms"
