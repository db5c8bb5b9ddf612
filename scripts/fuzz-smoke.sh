#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with ASan and UBSan (clang, in build-fuzz/ or
# $CIPOLICY_FUZZ_BUILD_DIR) and runs each for a fixed number of inputs on a seed corpus made
# here from the project's own files, the regression inputs in tests/fuzz/regressions and, when
# present, Microsoft's oracles in ../shared (or $CIPOLICY_SHARED_DIR). Any crash, sanitizer
# report or leak fails the script.
#   scripts/fuzz-smoke.sh [RUNS]        RUNS per target (default $CIPOLICY_FUZZ_RUNS or 5000)
#   scripts/fuzz-smoke.sh --build-only
# Longer campaigns: run a target directly, e.g. build-fuzz/tests/fuzz/fuzz_policy_xml -max_total_time=600 CORPUS
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CIPOLICY_FUZZ_BUILD_DIR:-$root/build-fuzz}
runs=${1:-${CIPOLICY_FUZZ_RUNS:-5000}}
cxx=${CIPOLICY_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++)}

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}  # hits across clones in other folders
  # -g builds hash the working folder unless told not to: without this a clone in another folder
  # (CI's, a worktree's) misses the cache for every file.
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
# -O1 and line tables only: the build is most of this script's time, and reports still name
# file and line.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCIPOLICY_FUZZ=ON -DCIPOLICY_BUILD_TESTS=OFF \
  -DCIPOLICY_WARNINGS_AS_ERRORS=ON "${launcher[@]}" >/dev/null
cmake --build "$build" --target fuzz_targets
[ "$runs" = "--build-only" ] && exit 0

corpora="$build/corpus"
python3 "$root/tests/fuzz/make_corpora.py" "$corpora"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for target in $(ls "$corpora"); do
  log="$build/$target.log"
  # -max_len: mutations up to 64 KB (seeds may be larger); -timeout: one input may take 10 s;
  # a fixed seed keeps a run reproducible.
  if "$build/tests/fuzz/$target" -runs="$runs" -seed=1 -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 "$corpora/$target" >"$log" 2>&1; then
    echo "$target: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | head -1), clean" \
         "($(ls "$corpora/$target" | wc -l) corpus files)"
  else
    echo "$target: FAILED (log: $log)"
    tail -40 "$log"
    failed=1
  fi
done
exit $failed
