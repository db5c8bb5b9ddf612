#!/usr/bin/env bash
# Runs a Windows executable under Wine 8 as the tests need it: the CMake cross-compiling emulator
# for the MinGW build (`wine-run.sh program.exe args...`).
#
# - The Wine prefix lives in the build tree (<build>/wineprefix, found from the program's path, or
#   $CIPOLICY_WINEPREFIX): never a user's own, never shared between builds.
# - Wine's background services inherit the standard streams of the call that starts them and would
#   keep a test's pipes open long after the program exits. So the program writes to files here,
#   which are copied to the real stdout/stderr after it exits; no service ever holds a caller's
#   pipe. Standard input is passed through.
# - The Linux CA settings are cleared: the Windows build verifies TLS with Schannel.
set -euo pipefail
program=$1
shift

wine=${CIPOLICY_WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
wineserver=${CIPOLICY_WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}

if [ -z "${CIPOLICY_WINEPREFIX:-}" ]; then
  dir=$(cd "$(dirname "$program")" && pwd)
  while [ "$dir" != / ] && [ ! -f "$dir/CMakeCache.txt" ]; do dir=$(dirname "$dir"); done
  [ -f "$dir/CMakeCache.txt" ] || { echo "wine-run.sh: $program is not in a CMake build tree; set CIPOLICY_WINEPREFIX" >&2; exit 125; }
  CIPOLICY_WINEPREFIX=$dir/wineprefix
fi
export WINEPREFIX=$CIPOLICY_WINEPREFIX
export WINEDEBUG=-all
# No Mono or Gecko downloads (there is no network, and nothing here needs them).
export WINEDLLOVERRIDES="mscoree=;mshtml=${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR DISPLAY
# Wine reads the Unix command line and file names in the Unix locale's encoding: UTF-8.
export LC_ALL=C.UTF-8

# A new prefix takes several seconds: make it once, under a lock (tests run in parallel).
if [ ! -f "$WINEPREFIX/.cipolicy-ready" ]; then
  mkdir -p "$(dirname "$WINEPREFIX")"
  exec 9>"$WINEPREFIX.lock"
  flock 9
  if [ ! -f "$WINEPREFIX/.cipolicy-ready" ]; then
    if ! "$wine" wineboot --init </dev/null >/dev/null 2>&1; then
      echo "wine-run.sh: cannot create the Wine prefix $WINEPREFIX" >&2
      exit 125
    fi
    "$wineserver" --wait </dev/null >/dev/null 2>&1 || true
    touch "$WINEPREFIX/.cipolicy-ready"
  fi
  flock -u 9
  exec 9>&-
fi
# Keep one server (and its services) alive between the calls of a test run; a later call starts
# a new one if it has gone.
"$wineserver" --persistent=60 </dev/null >/dev/null 2>&1 || true

out=$(mktemp "${TMPDIR:-/tmp}/wine-run.out.XXXXXX")
err=$(mktemp "${TMPDIR:-/tmp}/wine-run.err.XXXXXX")
trap 'rm -f "$out" "$err"' EXIT
status=0
"$wine" "$program" "$@" >"$out" 2>"$err" || status=$?
# Once in a few thousand calls under load, Wine itself ends a process with status 1 and no output
# at all (seen in CI: `sign` then exits 1, a code sign never uses, and prints nothing, while every
# cipolicy error prints a line). Such a call is run once more, only when standard input is
# /dev/null (nothing to replay), and each retry is logged beside the prefix so that a run shows
# how often it happened; a program that really exits 1 silently (`verify -q`) gives 1 again.
if [ "$status" = 1 ] && [ ! -s "$out" ] && [ ! -s "$err" ] &&
   [ "$(readlink -f /proc/self/fd/0 2>/dev/null)" = /dev/null ]; then
  printf '%s status 1 without output, run again: %s\n' "$(date -u +%FT%TZ)" "$(basename "$program") ${1:-}" \
    >>"$WINEPREFIX.retries.log"
  status=0
  "$wine" "$program" "$@" >"$out" 2>"$err" </dev/null || status=$?
fi
cat "$out"
cat "$err" >&2
exit "$status"
