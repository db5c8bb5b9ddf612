#!/usr/bin/env bash
# Installs the Debian 12 packages cipolicy needs to build and test, skipping those present.
set -euo pipefail

packages=(
  g++ make cmake ninja-build pkg-config
  libssl-dev libcurl4-openssl-dev libyaml-cpp-dev libboost-program-options-dev
  nlohmann-json3-dev libpugixml-dev catch2
  openssl python3 python3-cryptography bsdutils
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
