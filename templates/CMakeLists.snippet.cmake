# Sign WDAC policies in a CMake build (docs/build-integration.md).
# Either the installed package ...
find_package(CIPolicy 0.1 REQUIRED)     # -DCMAKE_PREFIX_PATH=<cipolicy install prefix>
# ... or the source tree: add_subdirectory(path/to/cipolicy EXCLUDE_FROM_ALL)

# Project-wide configuration; -DCIPOLICY_CONFIG=... on the command line overrides it.
# CIPOLICY_SIGNING: AUTO (default: sign when a configuration is present, else build unsigned),
# ON (release/CI: fail at configure time without configuration), OFF (never sign).
set(CIPOLICY_CONFIG "${CMAKE_CURRENT_SOURCE_DIR}/cipolicy.yaml" CACHE FILEPATH "cipolicy.yaml")

# One custom command per policy: signed/<stem>.cip, rebuilt when the policy, the configuration or
# the tool changes; nothing runs on a no-op rebuild.
cipolicy_sign(signed_policies ALL
  POLICIES policies/base.bin policies/supplemental.bin
  OUTPUT_DIR signed                       # default: <binary dir>/signed_policies[/<CONFIG>]
  # METADATA trusted-signing/metadata.json
  # TIMESTAMP_URLS http://timestamp.acs.microsoft.com
)

# Or sign what a target produces, after it is (re)built:
# cipolicy_sign_target(compile_policies POLICIES ${CMAKE_CURRENT_BINARY_DIR}/base.bin)
