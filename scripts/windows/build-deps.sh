#!/usr/bin/env bash
# Builds the static MinGW-w64 prefix cipolicy.exe links against, from Debian 12's own source
# packages: OpenSSL, libcurl (Schannel, HTTP only), yaml-cpp, pugixml, Boost.Program_options; plus
# the header-only nlohmann/json and Catch2 v2 from the Debian -dev packages.
#
# The prefix is cached under ~/.cache/cipolicy/mingw-deps/<key>, the key being a hash of the source
# tarballs, the compiler version and the scripts (and the toolchain file), so a change of any of
# them rebuilds it and nothing else does. Prints the prefix path on its last line. The steps are
# shared with the static Linux prefixes (scripts/deps/common.sh).
#
# Usage: scripts/windows/build-deps.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
host=x86_64-w64-mingw32
cxx=$host-g++-posix
packages=(openssl curl yaml-cpp pugixml boost1.74)
kind=mingw-deps
key_files=("$here/build-deps.sh" "$here/toolchain-mingw64.cmake")
# shellcheck source=../deps/common.sh
source "$here/../deps/common.sh"
deps_prepare
toolchain_args=(-DCMAKE_TOOLCHAIN_FILE="$here/toolchain-mingw64.cmake" -DCIPOLICY_MINGW_PREFIX="$prefix")

# OPENSSLDIR: a Unix path there would let any user plant an openssl.cnf that the tool loads.
build_openssl mingw64 "C:/Program Files/cipolicy/ssl" --cross-compile-prefix=$host- \
  CC=gcc-posix CXX=g++-posix

log "curl"
unpack curl
cmake_static "$work/curl" -DCURL_USE_SCHANNEL=ON -DCURL_USE_OPENSSL=OFF -DHTTP_ONLY=ON \
  -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DCURL_ZLIB=OFF -DCURL_USE_LIBSSH2=OFF \
  -DUSE_LIBIDN2=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DENABLE_MANUAL=OFF \
  -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_STATICLIB=ON

build_yaml_pugixml
build_boost_program_options $host-ar
copy_header_only
deps_finish
