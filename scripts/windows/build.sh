#!/usr/bin/env bash
# Cross-builds cipolicy.exe (and the unit tests) for Windows x64 with MinGW-w64 into build-win/
# (or $CIPOLICY_WIN_BUILD_DIR): a static executable that imports only system DLLs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${CIPOLICY_WIN_BUILD_DIR:-$root/build-win}
# $CIPOLICY_MINGW_PREFIX: a prefix of your own (else the cached one, built when missing).
prefix=${CIPOLICY_MINGW_PREFIX:-$("$root/scripts/windows/build-deps.sh" | tail -n 1)}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
fi
# -O2, not CMake's Release -O3: GCC 12 reports false -Wrestrict/-Wstringop-overread positives from
# libstdc++ headers at -O3, and -Werror stays on for everything else.
# --no-insert-timestamp: the same sources link to the same bytes (a relink during the release
# leaves the zip's and the NuGet package's cipolicy.exe identical; reproducible builds).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS_RELEASE="-s -Wl,--no-insert-timestamp" \
  -DCMAKE_TOOLCHAIN_FILE="$root/scripts/windows/toolchain-mingw64.cmake" \
  -DCIPOLICY_MINGW_PREFIX="$prefix" -DCIPOLICY_PKCS11=ON -DCIPOLICY_WARNINGS_AS_ERRORS=ON "${launcher[@]}" >/dev/null
cmake --build "$build"
