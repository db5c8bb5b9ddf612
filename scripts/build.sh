#!/usr/bin/env bash
# Configures and builds cipolicy with CMake + Ninja into build/ (or $CIPOLICY_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CIPOLICY_BUILD_DIR:-$root/build}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}  # cache hits across clones in other folders
  # -g builds hash the working folder unless told not to: without this a clone in another folder
  # (CI's, a worktree's) misses the cache for every file.
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCIPOLICY_WARNINGS_AS_ERRORS=ON \
  "${launcher[@]}" >/dev/null
cmake --build "$build"
