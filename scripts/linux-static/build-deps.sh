#!/usr/bin/env bash
# Builds the static prefix a fully static Linux cipolicy links against, for x64 or arm64, from
# Debian 12's own source packages, the same way as the MinGW-w64 prefix (scripts/deps/common.sh):
# OpenSSL, c-ares (DNS without glibc's NSS), libcurl (OpenSSL + c-ares, HTTP only), yaml-cpp,
# pugixml, Boost.Program_options; nlohmann/json and Catch2 v2 from the Debian -dev packages.
#
# Cached under ~/.cache/cipolicy/linux-static-<arch>/<key> (key: sources, compiler, scripts).
# Prints the prefix path on its last line.
#
# Usage: scripts/linux-static/build-deps.sh x64|arm64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
arch=${1:?usage: build-deps.sh x64|arm64}
case $arch in
  x64) cross= ; ossl_target=linux-x86_64 ;;
  arm64) cross=aarch64-linux-gnu- ; ossl_target=linux-aarch64 ;;
  *) echo "build-deps: error: architecture '$arch' is not x64 or arm64" >&2; exit 2 ;;
esac
cxx=${cross}g++
packages=(openssl c-ares curl yaml-cpp pugixml boost1.74)
kind=linux-static-$arch
key_files=("$here/build-deps.sh" "$here/toolchain.cmake")
# shellcheck source=../deps/common.sh
source "$here/../deps/common.sh"
deps_prepare
toolchain_args=(-DCMAKE_TOOLCHAIN_FILE="$here/toolchain.cmake" -DCIPOLICY_STATIC_ARCH="$arch"
                -DCIPOLICY_STATIC_PREFIX="$prefix")

# OPENSSLDIR: root's folder that no distribution fills. A distribution's openssl.cnf (Fedora's
# crypto-policies, a FIPS provider module) is not for this OpenSSL, which loads no modules; CA
# certificates are found by tool/platform/system_ca.cpp instead.
openssl_args=()
[ -n "$cross" ] && openssl_args=(--cross-compile-prefix="$cross")
build_openssl "$ossl_target" /etc/cipolicy/ssl "${openssl_args[@]}"

# c-ares: libcurl resolves names with it, reading /etc/resolv.conf and /etc/hosts itself, so the
# static executable never loads glibc's NSS modules (dlopen of the host's libnss_*.so).
log "c-ares"
unpack c-ares
cmake_static "$work/c-ares" -DCARES_STATIC=ON -DCARES_SHARED=OFF -DCARES_BUILD_TOOLS=OFF \
  -DCARES_BUILD_TESTS=OFF

log "curl"
unpack curl
cmake_static "$work/curl" -DCURL_USE_OPENSSL=ON -DOPENSSL_USE_STATIC_LIBS=ON -DENABLE_ARES=ON \
  -DHTTP_ONLY=ON -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DCURL_ZLIB=OFF -DCURL_USE_LIBSSH2=OFF \
  -DUSE_LIBIDN2=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DENABLE_MANUAL=OFF \
  -DCURL_USE_GSSAPI=OFF -DCURL_DISABLE_NETRC=ON -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none

build_yaml_pugixml
build_boost_program_options "${cross}ar"
copy_header_only
deps_finish
