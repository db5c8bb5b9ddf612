#!/usr/bin/env bash
# Builds everything with -fsanitize=address,undefined -fno-sanitize-recover=undefined (in
# build-sanitize/ or $CIPOLICY_SANITIZE_BUILD_DIR) and runs the whole ctest suite on it: any
# memory error, leak or undefined behaviour fails a test. Slow (about 3x the normal suite), so CI
# does not run it; run it before a release and after changing a parser.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CIPOLICY_SANITIZE_BUILD_DIR:-$root/build-sanitize}
"$root/scripts/install-deps.sh"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}  # hits across clones in other folders
  # -g builds hash the working folder unless told not to: without this a clone in another folder
  # (CI's, a worktree's) misses the cache for every file.
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCIPOLICY_SANITIZE=ON \
  -DCIPOLICY_WARNINGS_AS_ERRORS=ON "${launcher[@]}" >/dev/null
cmake --build "$build"
# ASan reserves terabytes of address space: tests that cap memory with RLIMIT_AS skip that cap.
export CIPOLICY_SANITIZED=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
