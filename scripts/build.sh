#!/usr/bin/env bash
# Configures and builds cipolicy with CMake + Ninja into build/ (or $CIPOLICY_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CIPOLICY_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCIPOLICY_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$build"
