# Compile and sign WDAC policies in a CMake build (docs/build-integration.md). CMake 3.25 or newer.
# Either the installed package ...
find_package(CIPolicy 0.1 REQUIRED)     # -DCMAKE_PREFIX_PATH=<cipolicy install prefix>
# ... or the source tree: add_subdirectory(path/to/cipolicy EXCLUDE_FROM_ALL)

# Signing configuration: cipolicy.yaml beside this CMakeLists.txt (copy templates/cipolicy.yaml);
# -DCIPOLICY_CONFIG=<file>, CONFIG <file> below, or the environment variable CIPOLICY_CONFIG name
# another. CIPOLICY_SIGNING: AUTO (default: sign when a configuration is present, else build
# unsigned with warning CIP9010), ON (release/CI: fail at configure time without configuration),
# OFF (never sign).

# XML is compiled into the build tree, then signed to signed/{PolicyID}.cip (the name Windows
# loads); the supplemental is checked against its base. Redone when a policy, the configuration,
# a key or certificate it names, or the tool changes; nothing runs on a no-op rebuild.
cipolicy_sign(signed_policies ALL
  POLICIES policies/base.xml policies/supplemental.xml
  OUTPUT_DIR signed                       # default: <binary dir>/signed_policies[/<CONFIG>]
  # FORMAT_VERSION 7                      # for Windows 10 tools of 2022-2024
  # METADATA trusted-signing/metadata.json
  # TIMESTAMP_URLS http://timestamp.acs.microsoft.com
  # VERIFY_ROOTS trusted-signing/root.cer # the root your policies name, for the supplemental check
)

# Or sign what a target produces, after it is (re)built:
# cipolicy_sign_target(make_policies POLICIES ${CMAKE_CURRENT_BINARY_DIR}/base.bin)
