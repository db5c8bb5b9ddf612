#!/usr/bin/env bash
# Builds the static MinGW-w64 prefix cipolicy.exe links against, from Debian 12's own source
# packages: OpenSSL, libcurl (Schannel, HTTP only), yaml-cpp, pugixml, Boost.Program_options; plus
# the header-only nlohmann/json and Catch2 v2 from the Debian -dev packages.
#
# The prefix is cached under ~/.cache/cipolicy/mingw-deps/<key>, the key being a hash of the source
# tarballs, the compiler version and this script (and the toolchain file), so a change of any of
# them rebuilds it and nothing else does. Prints the prefix path on its last line.
#
# Usage: scripts/windows/build-deps.sh [--print-prefix]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache_root=${CIPOLICY_CACHE_DIR:-$HOME/.cache/cipolicy}
jobs=$(nproc)
host=x86_64-w64-mingw32
cc=$host-gcc-posix
cxx=$host-g++-posix
packages=(openssl curl yaml-cpp pugixml boost1.74)

log() { echo "build-deps: $*" >&2; }

# --- 1. source packages (Debian's mirror, deb-src entry added when missing) ---------------------
src_dir=$cache_root/sources
mkdir -p "$src_dir"
# The newest upstream tarball of a source package (never its .asc signature).
orig_of() { { ls "$src_dir/${1}"_*.orig.tar.{gz,xz,bz2} 2>/dev/null || true; } | sort -V | tail -n 1; }
have_sources() {
  local p
  for p in "${packages[@]}"; do
    [ -n "$(orig_of "$p")" ] || return 1
  done
}
if ! have_sources; then
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  list=/etc/apt/sources.list.d/cipolicy-deb-src.sources
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    log "adding a deb-src entry for Debian's own mirror ($list)"
    "${sudo[@]}" tee "$list" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    "${sudo[@]}" apt-get update -qq
  fi
  log "downloading source packages: ${packages[*]}"
  # The security archive may serve an .orig tarball whose .dsc is gone (seen for openssl):
  # apt-get then fails for that package, and the tarball alone is used below.
  (cd "$src_dir" && apt-get source --download-only -qq "${packages[@]}" >/dev/null 2>&1) || true
  have_sources || { log "error: could not download the source packages (${packages[*]}) from Debian's mirror; check 'apt-get source' works"; exit 1; }
fi

# --- 2. cache key --------------------------------------------------------------------------------
key=$( {
  for p in "${packages[@]}"; do sha256sum "$(orig_of "$p")" | cut -d' ' -f1; done
  for p in "${packages[@]}"; do ls "$src_dir/${p}"_*.debian.tar.* 2>/dev/null | sort -V | tail -n 1 | xargs -r sha256sum | cut -d' ' -f1; done
  "$cxx" --version | head -n 1
  dpkg-query -W -f='${Version}\n' nlohmann-json3-dev catch2 libboost1.74-dev 2>/dev/null || true
  cat "$here/build-deps.sh" "$here/toolchain-mingw64.cmake"
} | sha256sum | cut -c1-16)
prefix=$cache_root/mingw-deps/$key
if [ -f "$prefix/.complete" ]; then
  echo "$prefix"
  exit 0
fi

log "building the MinGW-w64 dependency prefix $prefix (takes a few minutes once)"
work=$(mktemp -d "${TMPDIR:-/tmp}/cipolicy-deps.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Each step logs to one file, shown only when the step fails.
step_log=$work/step.log
quiet() {
  if ! "$@" >"$step_log" 2>&1; then
    tail -n 40 "$step_log" >&2
    log "error: '$*' failed (output above)"
    exit 1
  fi
}
rm -rf "$prefix"
mkdir -p "$prefix/include" "$prefix/lib"

# Extracts the newest version of a source package into $work/<name>, with Debian's patches applied
# when its .dsc is there (dpkg-source), the upstream tarball alone otherwise.
unpack() {
  local name=$1 dsc orig
  dsc=$(ls "$src_dir/${name}"_*.dsc 2>/dev/null | sort -V | tail -n 1 || true)
  orig=$(orig_of "$name")
  if [ -n "$dsc" ] && [ "$(basename "$orig" | sed 's/\.orig\.tar\..*//')" = "$(basename "$dsc" .dsc | sed 's/-[^-]*$//')" ]; then
    quiet dpkg-source --no-check -x "$dsc" "$work/$name"
  else
    mkdir -p "$work/$name"
    tar -xf "$orig" -C "$work/$name" --strip-components=1
  fi
}

cmake_static() {
  local src=$1
  shift
  quiet cmake -S "$src" -B "$src/_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$here/toolchain-mingw64.cmake" -DCIPOLICY_MINGW_PREFIX="$prefix" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF "$@"
  quiet cmake --build "$src/_build" -j "$jobs"
  quiet cmake --install "$src/_build"
}

# OpenSSL: static, no loadable modules (the legacy provider is built into libcrypto), and an
# OPENSSLDIR that only administrators can write to: a Unix path there would let any user plant
# an openssl.cnf that the tool loads.
log "openssl"
unpack openssl
pushd "$work/openssl" >/dev/null
quiet ./Configure mingw64 no-shared no-tests no-module no-dso \
  --cross-compile-prefix=$host- --prefix="$prefix" --libdir=lib \
  "--openssldir=C:/Program Files/cipolicy/ssl" CC=gcc-posix CXX=g++-posix
quiet make -j "$jobs" build_libs
quiet make install_dev
popd >/dev/null

log "curl"
unpack curl
cmake_static "$work/curl" -DCURL_USE_SCHANNEL=ON -DCURL_USE_OPENSSL=OFF -DHTTP_ONLY=ON \
  -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DCURL_ZLIB=OFF -DCURL_USE_LIBSSH2=OFF \
  -DUSE_LIBIDN2=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DENABLE_MANUAL=OFF \
  -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_STATICLIB=ON

log "yaml-cpp"
unpack yaml-cpp
cmake_static "$work/yaml-cpp" -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
  -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF

log "pugixml"
unpack pugixml
cmake_static "$work/pugixml" -DPUGIXML_BUILD_TESTS=OFF

# Boost: Program_options' 11 sources from Debian's Boost tarball, compiled into a plain static
# archive; its headers are Debian's libboost1.74-dev ones, the same release (the "+ds" tarball
# keeps headers per library and would need Boost's own build tool to assemble them).
log "boost program_options"
boost_orig=$(orig_of boost1.74)
mkdir -p "$work/boost/obj"
quiet tar -xf "$boost_orig" -C "$work/boost" --strip-components=1 --wildcards '*/libs/program_options/src/*'
ln -s /usr/include/boost "$prefix/include/boost"
pids=()
for f in "$work"/boost/libs/program_options/src/*.cpp; do
  "$cxx" -std=c++20 -O2 -DNDEBUG -DBOOST_PROGRAM_OPTIONS_STATIC_LINK -I"$prefix/include" \
    -c "$f" -o "$work/boost/obj/$(basename "$f" .cpp).o" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
done
for pid in "${pids[@]}"; do
  wait "$pid" || { log "error: compiling Boost.Program_options failed"; exit 1; }
done
$host-ar rcs "$prefix/lib/libboost_program_options.a" "$work"/boost/obj/*.o

# Header-only libraries: Debian's own -dev packages, with their relocatable CMake packages.
log "nlohmann/json, Catch2 (headers)"
cp -r /usr/include/nlohmann "$prefix/include/"
mkdir -p "$prefix/share/cmake"
cp -r /usr/share/cmake/nlohmann_json "$prefix/share/cmake/"
cp -r /usr/include/catch2 "$prefix/include/"
mkdir -p "$prefix/lib/cmake"
cp -r /usr/lib/cmake/Catch2 "$prefix/lib/cmake/"
# Its per-configuration file names Debian's Linux libCatch2WithMain.a, which cipolicy never uses.
rm -f "$prefix"/lib/cmake/Catch2/Catch2Targets-*.cmake

touch "$prefix/.complete"
log "done: $(du -sh "$prefix" | cut -f1)"
echo "$prefix"
