#!/usr/bin/env bash
# Builds everything a release publishes, on Debian 12, into dist/ (or $CIPOLICY_DIST_DIR):
#   cipolicy-<version>-linux-x64.tar.gz, cipolicy-<version>-linux-arm64.tar.gz  (static, stripped)
#   cipolicy-<version>-win-x64.zip                                              (MinGW-w64, static)
#   CIPolicy.Build.<version>.nupkg   (tools/linux-x64, tools/linux-arm64, tools/win-x64)
#   SHA256SUMS
# The version is the CMake project version; the commit is git's HEAD. The unit tests of each
# static build run first (arm64 under qemu-user); CIPOLICY_RELEASE_SKIP_TESTS=1 skips them.
# The release workflow adds macOS: CIPOLICY_EXTRA_TOOLS_DIR (RID/cipolicy folders packed into the
# nupkg) and CIPOLICY_EXTRA_ARCHIVES_DIR (archives copied beside the others, in SHA256SUMS).
# CIPOLICY_REPOSITORY_URL overrides the project's home page as the package's repository URL.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${CIPOLICY_DIST_DIR:-$root/dist}
win_build=${CIPOLICY_WIN_BUILD_DIR:-$root/build-win}
jobs=$(nproc)
start=$SECONDS
stamp() { echo "== release: $1 ($((SECONDS - start)) s)" >&2; }
fail() { echo "release: error: $*" >&2; exit 1; }

"$root/scripts/install-deps.sh"
commit=$(git -C "$root" rev-parse HEAD 2>/dev/null) || fail "$root is not a git checkout: a release names its commit"
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] ||
  echo "release: warning: the working tree has uncommitted changes; the executables name $commit" >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/cipolicy-release.XXXXXX")
trap 'rm -rf "$work"' EXIT

for arch in x64 arm64; do
  stamp "static Linux $arch"
  CIPOLICY_STATIC_BUILD_DIR=$root/build-static-$arch "$root/scripts/linux-static/build.sh" "$arch"
  if [ "${CIPOLICY_RELEASE_SKIP_TESTS:-0}" != 1 ]; then
    stamp "unit tests, Linux $arch"
    ctest --test-dir "$root/build-static-$arch" -R '^unit:' -j "$jobs" --output-on-failure >"$work/ctest.log" 2>&1 ||
      { tail -n 60 "$work/ctest.log" >&2; fail "unit tests of the static $arch build failed"; }
  fi
done
stamp "Windows x64 (MinGW-w64)"
CIPOLICY_WIN_BUILD_DIR=$win_build "$root/scripts/windows/build.sh"

cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$root/build-static-x64/CMakeCache.txt"; }
version=$(cache_value CMAKE_PROJECT_VERSION)
repository=${CIPOLICY_REPOSITORY_URL:-$(cache_value CMAKE_PROJECT_HOMEPAGE_URL)}
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in build-static-x64/CMakeCache.txt"

# Each executable says the version and commit being released.
check_version() {
  local out
  out=$("$@" --version) || fail "'$* --version' failed"
  [ "$out" = "cipolicy $version (commit $commit)" ] ||
    fail "'$* --version' printed '$out', not 'cipolicy $version (commit $commit)': build from a clean checkout"
}
check_version "$root/build-static-x64/tool/cipolicy"
check_version qemu-aarch64-static "$root/build-static-arm64/tool/cipolicy"

stamp "archives"
mkdir -p "$dist"
rm -f "$dist"/cipolicy-*.tar.gz "$dist"/cipolicy-*.zip "$dist"/CIPolicy.Build.*.nupkg "$dist/SHA256SUMS"
i=0
for tree in "$root/build-static-x64" "$root/build-static-arm64" "$win_build"; do
  i=$((i + 1))
  cpack --config "$tree/CPackConfig.cmake" -B "$work/cpack-$i" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack failed in $tree"; }
  cp "$work/cpack-$i"/cipolicy-"$version"-*.{tar.gz,zip} "$dist/" 2>/dev/null || true
done
for name in linux-x64.tar.gz linux-arm64.tar.gz win-x64.zip; do
  [ -f "$dist/cipolicy-$version-$name" ] || fail "cpack made no cipolicy-$version-$name"
done
if [ -n "${CIPOLICY_EXTRA_ARCHIVES_DIR:-}" ]; then
  cp "$CIPOLICY_EXTRA_ARCHIVES_DIR"/cipolicy-"$version"-* "$dist/"
fi

stamp "NuGet package"
tools=$work/tools
mkdir -p "$tools/linux-x64" "$tools/linux-arm64" "$tools/win-x64"
cp "$root/build-static-x64/tool/cipolicy" "$tools/linux-x64/"
cp "$root/build-static-arm64/tool/cipolicy" "$tools/linux-arm64/"
cp "$win_build/tool/cipolicy.exe" "$tools/win-x64/"
if [ -n "${CIPOLICY_EXTRA_TOOLS_DIR:-}" ]; then
  cp -r "$CIPOLICY_EXTRA_TOOLS_DIR"/. "$tools/"
fi
chmod 0755 "$tools"/*/cipolicy
# No package source is needed or allowed: the pack project restores nothing.
printf '<configuration><packageSources><clear /></packageSources></configuration>\n' >"$work/nuget.config"
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet pack "$root/msbuild/pack/CIPolicy.Build.Pack.csproj" \
  -o "$dist" --configfile "$work/nuget.config" -nodeReuse:false -v:q \
  -p:CIPolicyVersion="$version" -p:CIPolicyToolsDir="$tools" -p:CIPolicyCommit="$commit" \
  -p:CIPolicyRepositoryUrl="$repository" \
  -p:BaseIntermediateOutputPath="$work/pack-obj/" -p:BaseOutputPath="$work/pack-bin/" \
  >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; fail "dotnet pack failed"; }
[ -f "$dist/CIPolicy.Build.$version.nupkg" ] || fail "dotnet pack made no CIPolicy.Build.$version.nupkg"

(cd "$dist" && sha256sum -- cipolicy-"$version"-* "CIPolicy.Build.$version.nupkg" >SHA256SUMS)
stamp "done: $dist"
(cd "$dist" && ls -l -- cipolicy-"$version"-* "CIPolicy.Build.$version.nupkg" SHA256SUMS) >&2
