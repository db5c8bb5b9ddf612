#!/usr/bin/env bash
# Installs what is missing, builds the Linux tool and the Windows cipolicy.exe, and runs every test:
# ctest for the Linux build (unit, integration, build layers, the NuGet package with both tools),
# ctest for the Windows build (unit and integration suites under Wine), and a fuzz smoke under
# ASan/UBSan; then scripts/release.sh and the release's tests (static Linux executables in an empty
# chroot, arm64 under qemu, the nupkg from a local feed). CIPOLICY_SKIP_WINDOWS=1 leaves the
# Windows part and the release out (for a quick local run); CIPOLICY_SKIP_RELEASE=1 the release.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CIPOLICY_BUILD_DIR:-$root/build}
win_build=${CIPOLICY_WIN_BUILD_DIR:-$root/build-win}
jobs=$(nproc)
"$root/scripts/install-deps.sh"

start=$SECONDS
stamp() { echo "== $1 ($((SECONDS - start)) s)"; }

stamp "Linux build"
"$root/scripts/build.sh"
if [ "${CIPOLICY_SKIP_WINDOWS:-0}" != 1 ]; then
  stamp "Windows build (MinGW-w64, static)"
  "$root/scripts/windows/build.sh"
  # The NuGet package test packs this exe beside the Linux tool and runs it under Wine.
  export CIPOLICY_WIN_EXE=$win_build/tool/cipolicy.exe
  # Wine's server outlives the tests by a minute; end it with the run.
  trap 'WINEPREFIX="$win_build/wineprefix" /usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
fi

# Every part runs even when one fails, so one run shows every failure; the exit code says whether
# any failed.
failed=()
stamp "tests: Linux build"
ctest --test-dir "$build" --output-on-failure -j "$jobs" || failed+=("Linux tests")
if [ "${CIPOLICY_SKIP_WINDOWS:-0}" != 1 ]; then
  stamp "tests: Windows build, cipolicy.exe under Wine"
  # The cross-platform test compares the exe's outputs with the Linux tool's.
  rm -f "$win_build/wineprefix.retries.log"
  CIPOLICY_LINUX_EXE=$build/tool/cipolicy ctest --test-dir "$win_build" --output-on-failure \
    -j "$jobs" || failed+=("Windows tests under Wine")
  # Calls that Wine itself ended without a word and that were run again (wine-run.sh).
  if [ -s "$win_build/wineprefix.retries.log" ]; then
    echo "Wine ended $(wc -l <"$win_build/wineprefix.retries.log") call(s) with status 1 and no output; run again:"
    cat "$win_build/wineprefix.retries.log"
  fi
fi
if [ "${CIPOLICY_SKIP_WINDOWS:-0}" != 1 ] && [ "${CIPOLICY_SKIP_RELEASE:-0}" != 1 ]; then
  # The release as users get it: static Linux x64 and arm64 (their unit tests, arm64 under qemu),
  # the archives, the nupkg and SHA256SUMS; then each tested as downloaded (empty chroot, qemu,
  # the nupkg from a local feed).
  stamp "release (scripts/release.sh)"
  dist=$build/dist
  if CIPOLICY_DIST_DIR=$dist CIPOLICY_WIN_BUILD_DIR=$win_build "$root/scripts/release.sh"; then
    stamp "tests: the release"
    python3 "$root/tests/packaging/test_release.py" "$dist" || failed+=("release tests")
  else
    failed+=("release build")
  fi
fi
stamp "fuzz smoke (ASan/UBSan)"
"$root/scripts/fuzz-smoke.sh" || failed+=("fuzz smoke")
if [ ${#failed[@]} -gt 0 ]; then
  stamp "FAILED: ${failed[*]}"
  exit 1
fi
stamp "all tests passed"
