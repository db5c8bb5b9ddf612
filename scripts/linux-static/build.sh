#!/usr/bin/env bash
# Builds the fully static, stripped Linux cipolicy for x64 or arm64 (cross, g++-aarch64-linux-gnu)
# against the cached prefix of scripts/linux-static/build-deps.sh, into build-static-<arch>/ (or
# $CIPOLICY_STATIC_BUILD_DIR). CIPOLICY_BUILD_TESTS=OFF builds the executable alone (releases);
# the arm64 tests run under qemu-user (ctest uses qemu-aarch64-static as the emulator).
#
# Usage: scripts/linux-static/build.sh x64|arm64
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:?usage: build.sh x64|arm64}
build=${CIPOLICY_STATIC_BUILD_DIR:-$root/build-static-$arch}
prefix=$("$root/scripts/linux-static/build-deps.sh" "$arch" | tail -n 1)
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
fi
# -O2 as the Windows build (GCC 12's false -Wrestrict positives at -O3); -s strips. libcurl is
# linked in (no lazy loading of the host's libcurl.so), and PKCS#11 is left out: a static glibc
# executable cannot dlopen a module (docs/releases.md).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS_RELEASE="-s" \
  -DCMAKE_TOOLCHAIN_FILE="$root/scripts/linux-static/toolchain.cmake" \
  -DCIPOLICY_STATIC_ARCH="$arch" -DCIPOLICY_STATIC_PREFIX="$prefix" \
  -DCIPOLICY_LAZY_CURL=OFF -DCIPOLICY_PKCS11=OFF -DCIPOLICY_STATIC_CXX_LIBS=ON \
  -DCIPOLICY_BUILD_TESTS="${CIPOLICY_BUILD_TESTS:-ON}" -DCIPOLICY_WARNINGS_AS_ERRORS=ON \
  "${launcher[@]}" >/dev/null
cmake --build "$build"
