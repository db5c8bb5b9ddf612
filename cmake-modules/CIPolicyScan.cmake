# cipolicy_supplemental(): a supplemental policy for the files a build produces, scanned at build
# time (`cipolicy scan`), compiled and, when signing is configured, signed like cipolicy_sign().
# Included by CIPolicyFunctions.cmake; reference: docs/scan.md.
#
#   cipolicy_supplemental(<name> BASE <base policy XML> TARGETS <target>... [FILES <file>...]
#                         [LEVEL <level>] [FALLBACK <level>...] [OUTPUT_DIR <dir>]
#                         [CONFIG <cipolicy.yaml>] [METADATA <metadata.json>]
#                         [TIMESTAMP_URLS <url>...] [ALL])
#     Scans $<TARGET_FILE> of each target and FILES into <binary dir>/<name>-supplemental/<name>.xml
#     (LEVEL default Hash, FALLBACK default Hash), compiles it to <name>.bin there and, when a
#     signing configuration is present (CONFIG, CIPOLICY_CONFIG or the environment), signs it to
#     <OUTPUT_DIR or binary dir/name>/{PolicyID}.cip. The PolicyID is a name-based UUID of the
#     base's PolicyID and <name>, so it is known now and kept by every rebuild. A custom target
#     <name> depends on it all: the scan re-runs when a scanned file, the base or the tool
#     changes; a no-op build runs nothing. The target's CIPOLICY_SIGNED_FILES property names the
#     .cip (or the .bin when unsigned).
include_guard(GLOBAL)

function(cipolicy_supplemental name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "ALL" "BASE;LEVEL;OUTPUT_DIR;CONFIG;METADATA"
                        "TARGETS;FILES;FALLBACK;TIMESTAMP_URLS")
  set(usage "cipolicy_supplemental(<name> BASE <base.xml> TARGETS <target>... [FILES <file>...] "
            "[LEVEL level] [FALLBACK level...] [OUTPUT_DIR dir] [CONFIG file] [METADATA file] "
            "[TIMESTAMP_URLS url...] [ALL])")
  string(JOIN "" usage ${usage})
  if(arg_UNPARSED_ARGUMENTS OR arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "cipolicy_supplemental: unexpected or empty argument(s) "
                        "'${arg_UNPARSED_ARGUMENTS}${arg_KEYWORDS_MISSING_VALUES}'. Expected: ${usage}")
  endif()
  if(NOT arg_BASE)
    message(FATAL_ERROR "cipolicy_supplemental: ${name}: BASE is required: the base policy XML "
                        "the supplemental extends. Expected: ${usage}")
  endif()
  if(NOT arg_TARGETS AND NOT arg_FILES)
    message(FATAL_ERROR "cipolicy_supplemental: ${name}: name the TARGETS (or FILES) to scan. "
                        "Expected: ${usage}")
  endif()
  if(TARGET "${name}")
    message(FATAL_ERROR "cipolicy_supplemental: a target named '${name}' already exists; choose "
                        "another name")
  endif()
  set(base "${arg_BASE}")
  cmake_path(ABSOLUTE_PATH base BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
  if(NOT EXISTS "${base}")
    message(FATAL_ERROR "cipolicy_supplemental: ${name}: the base policy ${base} does not exist")
  endif()
  _cipolicy_xml_identity("${base}" base)
  if(NOT base_ID)
    message(FATAL_ERROR "cipolicy_supplemental: ${name}: ${base} names no PolicyID; a "
                        "supplemental policy needs a base in the multiple-policy format")
  endif()
  # Name-based (SHA-1, version 5) in the URL namespace: the same base and name, the same ID.
  string(UUID id NAMESPACE 6BA7B811-9DAD-11D1-80B4-00C04FD430C8
         NAME "cipolicy_supplemental:${base_ID}:${name}" TYPE SHA1 UPPER)
  set(id "{${id}}")

  set(files "")
  set(file_depends "")
  foreach(target IN LISTS arg_TARGETS)
    if(NOT TARGET "${target}")
      message(FATAL_ERROR "cipolicy_supplemental: ${name}: '${target}' is not a target")
    endif()
    list(APPEND files "$<TARGET_FILE:${target}>")
    list(APPEND file_depends "${target}" "$<TARGET_FILE:${target}>")
  endforeach()
  foreach(file IN LISTS arg_FILES)
    cmake_path(ABSOLUTE_PATH file BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
    list(APPEND files "${file}")
    list(APPEND file_depends "${file}")
  endforeach()
  set(level_args "")
  if(arg_LEVEL)
    list(APPEND level_args --level "${arg_LEVEL}")
  endif()
  if(arg_FALLBACK)
    string(JOIN "," fallback ${arg_FALLBACK})
    list(APPEND level_args --fallback "${fallback}")
  endif()

  cipolicy_get_tool(tool tool_depends)
  set(work "${CMAKE_CURRENT_BINARY_DIR}/${name}-supplemental")
  set(xml "${work}/${name}.xml")
  set(bin "${work}/${name}.bin")
  add_custom_command(
    OUTPUT "${xml}" "${bin}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${work}"
    COMMAND ${tool} scan ${files} ${level_args} --supplemental-to "${base}" --name "${name}"
            --policy-id "${id}" -o "${xml}" --quiet
    COMMAND ${tool} compile "${xml}" -o "${bin}" --quiet
    DEPENDS ${file_depends} "${base}" ${tool_depends}
    COMMENT "cipolicy: scanning ${name}"
    COMMAND_EXPAND_LISTS VERBATIM)

  set(all "")
  if(arg_ALL)
    set(all ALL)
  endif()
  _cipolicy_signing_plan(cipolicy_supplemental "${name}" "${arg_CONFIG}" enabled config)
  set(result "${bin}")
  if(enabled)
    _cipolicy_flags(flags flag_depends "${config}" "${arg_METADATA}" "${arg_TIMESTAMP_URLS}")
    _cipolicy_output_dir(dir "${arg_OUTPUT_DIR}" "${name}")
    set(result "${dir}/${id}.cip")
    add_custom_command(
      OUTPUT "${result}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
      COMMAND ${tool} sign "${bin}" -o "${result}" --depfile "${work}/${name}.cip.d" ${flags}
      DEPENDS "${bin}" ${flag_depends} ${tool_depends}
      DEPFILE "${work}/${name}.cip.d"
      COMMENT "cipolicy: signing ${name}"
      VERBATIM)
  endif()
  add_custom_target(${name} ${all} DEPENDS "${result}")
  set_property(TARGET ${name} PROPERTY CIPOLICY_SIGNED_FILES "${result}")
endfunction()
