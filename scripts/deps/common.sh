# Shared by the scripts that build a static dependency prefix from Debian 12's own source packages
# (scripts/windows/build-deps.sh for MinGW-w64, scripts/linux-static/build-deps.sh for static
# Linux x64 and arm64). Sourced, not run. The caller sets, before deps_prepare:
#   packages   source packages to download (Debian names)
#   cxx        the C++ compiler of the target (part of the cache key)
#   kind       the cache folder under ~/.cache/cipolicy/ (mingw-deps, linux-static-x64, ...)
#   key_files  files whose text goes into the cache key (the caller script, toolchain files)
# deps_prepare downloads what is missing, computes the key and sets $prefix; it prints the prefix
# and exits 0 when that prefix is complete, else it creates $work (removed on exit) and returns.
cache_root=${CIPOLICY_CACHE_DIR:-$HOME/.cache/cipolicy}
jobs=$(nproc)
deps_common=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh

log() { echo "build-deps: $*" >&2; }

src_dir=$cache_root/sources
# The newest upstream tarball of a source package (never its .asc signature).
orig_of() { { ls "$src_dir/${1}"_*.orig.tar.{gz,xz,bz2} 2>/dev/null || true; } | sort -V | tail -n 1; }
have_sources() {
  local p
  for p in "${packages[@]}"; do
    [ -n "$(orig_of "$p")" ] || return 1
  done
}

# Source packages from Debian's mirror, with a deb-src entry added when missing.
fetch_sources() {
  mkdir -p "$src_dir"
  have_sources && return 0
  local sudo=() list=/etc/apt/sources.list.d/cipolicy-deb-src.sources
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    log "adding a deb-src entry for Debian's own mirror ($list)"
    "${sudo[@]}" tee "$list" >/dev/null <<'SOURCES'
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
SOURCES
    "${sudo[@]}" apt-get update -qq
  fi
  log "downloading source packages: ${packages[*]}"
  # The security archive may serve an .orig tarball whose .dsc is gone (seen for openssl):
  # apt-get then fails for that package, and the tarball alone is used below.
  (cd "$src_dir" && apt-get source --download-only -qq "${packages[@]}" >/dev/null 2>&1) || true
  have_sources || { log "error: could not download the source packages (${packages[*]}) from Debian's mirror; check 'apt-get source' works"; exit 1; }
}

# The cache key: the source tarballs and Debian patches, the compiler, the header-only -dev
# packages copied in, and the scripts and toolchain files themselves.
deps_key() {
  {
    for p in "${packages[@]}"; do sha256sum "$(orig_of "$p")" | cut -d' ' -f1; done
    for p in "${packages[@]}"; do ls "$src_dir/${p}"_*.debian.tar.* 2>/dev/null | sort -V | tail -n 1 | xargs -r sha256sum | cut -d' ' -f1; done
    "$cxx" --version | head -n 1
    dpkg-query -W -f='${Version}\n' nlohmann-json3-dev catch2 libboost1.74-dev 2>/dev/null || true
    cat "$deps_common" "${key_files[@]}"
  } | sha256sum | cut -c1-16
}

deps_prepare() {
  fetch_sources
  prefix=$cache_root/$kind/$(deps_key)
  if [ -f "$prefix/.complete" ]; then
    echo "$prefix"
    exit 0
  fi
  log "building the dependency prefix $prefix (takes a few minutes once)"
  work=$(mktemp -d "${TMPDIR:-/tmp}/cipolicy-deps.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  step_log=$work/step.log
  rm -rf "$prefix"
  mkdir -p "$prefix/include" "$prefix/lib"
}

# Each step logs to one file, shown only when the step fails.
quiet() {
  if ! "$@" >"$step_log" 2>&1; then
    tail -n 40 "$step_log" >&2
    log "error: '$*' failed (output above)"
    exit 1
  fi
}

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

# A CMake project into the prefix, static, with the caller's toolchain arguments ($toolchain_args).
cmake_static() {
  local src=$1
  shift
  quiet cmake -S "$src" -B "$src/_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "${toolchain_args[@]}" -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
    -DBUILD_SHARED_LIBS=OFF "$@"
  quiet cmake --build "$src/_build" -j "$jobs"
  quiet cmake --install "$src/_build"
}

# OpenSSL, static, without loadable modules or DSOs (the legacy provider is built into
# libcrypto). $1: OpenSSL's target name; $2: OPENSSLDIR, a folder only administrators can write
# to (OpenSSL reads openssl.cnf there); further arguments go to Configure.
build_openssl() {
  local target=$1 openssldir=$2
  shift 2
  log "openssl"
  unpack openssl
  pushd "$work/openssl" >/dev/null
  quiet ./Configure "$target" no-shared no-tests no-module no-dso --prefix="$prefix" --libdir=lib \
    "--openssldir=$openssldir" "$@"
  quiet make -j "$jobs" build_libs
  quiet make install_dev
  popd >/dev/null
}

build_yaml_pugixml() {
  log "yaml-cpp"
  unpack yaml-cpp
  cmake_static "$work/yaml-cpp" -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF
  log "pugixml"
  unpack pugixml
  cmake_static "$work/pugixml" -DPUGIXML_BUILD_TESTS=OFF
}

# Boost: Program_options' 11 sources from Debian's Boost tarball, compiled into a plain static
# archive with $cxx and archived with $1 (ar); its headers are Debian's libboost1.74-dev ones,
# the same release (the "+ds" tarball keeps headers per library and would need Boost's own build
# tool to assemble them).
build_boost_program_options() {
  local ar=$1 boost_orig f pid pids=()
  log "boost program_options"
  boost_orig=$(orig_of boost1.74)
  mkdir -p "$work/boost/obj"
  quiet tar -xf "$boost_orig" -C "$work/boost" --strip-components=1 --wildcards '*/libs/program_options/src/*'
  ln -s /usr/include/boost "$prefix/include/boost"
  for f in "$work"/boost/libs/program_options/src/*.cpp; do
    "$cxx" -std=c++20 -O2 -DNDEBUG -DBOOST_PROGRAM_OPTIONS_STATIC_LINK -I"$prefix/include" \
      -c "$f" -o "$work/boost/obj/$(basename "$f" .cpp).o" &
    pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { log "error: compiling Boost.Program_options failed"; exit 1; }
  done
  "$ar" rcs "$prefix/lib/libboost_program_options.a" "$work"/boost/obj/*.o
}

# Header-only libraries: Debian's own -dev packages, with their relocatable CMake packages.
copy_header_only() {
  log "nlohmann/json, Catch2 (headers)"
  cp -r /usr/include/nlohmann "$prefix/include/"
  mkdir -p "$prefix/share/cmake" "$prefix/lib/cmake"
  cp -r /usr/share/cmake/nlohmann_json "$prefix/share/cmake/"
  cp -r /usr/include/catch2 "$prefix/include/"
  cp -r /usr/lib/cmake/Catch2 "$prefix/lib/cmake/"
  # Its per-configuration file names Debian's Linux libCatch2WithMain.a, which cipolicy never uses.
  rm -f "$prefix"/lib/cmake/Catch2/Catch2Targets-*.cmake
}

deps_finish() {
  touch "$prefix/.complete"
  log "done: $(du -sh "$prefix" | cut -f1)"
  echo "$prefix"
}
