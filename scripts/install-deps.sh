#!/usr/bin/env bash
# Installs the Debian 12 packages cipolicy needs to build and test, skipping those present.
set -euo pipefail

packages=(
  g++ make cmake ninja-build pkg-config
  libssl-dev libcurl4-openssl-dev libyaml-cpp-dev libboost-program-options-dev
  nlohmann-json3-dev libpugixml-dev catch2
  libp11-kit-dev softhsm2 opensc  # PKCS#11: p11-kit's pkcs11.h, and a SoftHSM2 token for the tests
  openssl python3 python3-cryptography python3-yaml bsdutils
  ccache clang-14 libclang-rt-14-dev  # scripts/fuzz-smoke.sh: libFuzzer, ASan and UBSan
  clang-format-14  # scripts/check-format.py, a test: the sources stay formatted
  # The Windows build (scripts/windows/): MinGW-w64 with posix threads, dpkg-source for Debian's
  # source packages of the static dependencies, and Wine 8 to run the tests (its Schannel
  # needs GnuTLS, only a recommendation of Debian's Wine).
  mingw-w64 g++-mingw-w64-x86-64-posix dpkg-dev wine64 libgnutls30 util-linux
  # The static Linux release executables (scripts/linux-static/, scripts/release.sh): arm64
  # cross-built with Debian's GCC and tested under qemu-user; zip for the Windows archive.
  g++-aarch64-linux-gnu qemu-user-static zip
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
echo "Installing: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
