# cipolicy_check(): fail the build when Windows App Control would not run a target's output under
# a given policy. Included by CIPolicyConfig.cmake (find_package(CIPolicy)) and by the cipolicy
# project itself. The decision is the cipolicy executable's (`cipolicy check`, docs/check.md):
# this function only maps arguments to its flags.
#
#   cipolicy_check(<name> POLICY <policy .xml/.bin/.cip> TARGETS <target>...
#                  [FILES <file or generator expression>...] [SUPPLEMENTALS <policy>...])
#     After the targets are built, runs `cipolicy check POLICY $<TARGET_FILE:t>... FILES...
#     --supplemental S...` with MSBuild-style diagnostics ("file : error CIP1013: blocked: denied
#     by ID_DENY_X ..."), so a blocked or undecidable output (exit 13) fails the build, naming the
#     file and the rule; an output that runs only because the policy is in audit mode (exit 14)
#     is a warning. The check belongs to ALL and re-runs only when a checked file, a policy or the
#     tool changes (a stamp file records the last success).
include_guard(GLOBAL)

if(NOT COMMAND cipolicy_get_tool)
  include("${CMAKE_CURRENT_LIST_DIR}/CIPolicyFunctions.cmake")
endif()

function(cipolicy_check name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "POLICY" "TARGETS;FILES;SUPPLEMENTALS")
  set(usage "cipolicy_check(<name> POLICY <policy> TARGETS <target>... [FILES <file>...] "
            "[SUPPLEMENTALS <policy>...])")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cipolicy_check: unknown argument(s) '${arg_UNPARSED_ARGUMENTS}'. "
                        "Expected: ${usage}")
  endif()
  if(NOT arg_POLICY)
    message(FATAL_ERROR "cipolicy_check: POLICY is required: the policy (XML, binary or signed) "
                        "the outputs must run under. Expected: ${usage}")
  endif()
  if(NOT arg_TARGETS AND NOT arg_FILES)
    message(FATAL_ERROR "cipolicy_check: TARGETS (or FILES) is required: what to check. "
                        "Expected: ${usage}")
  endif()
  set(policies "")
  foreach(p IN ITEMS "${arg_POLICY}" LISTS arg_SUPPLEMENTALS)
    cmake_path(ABSOLUTE_PATH p BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${p}")
      message(FATAL_ERROR "cipolicy_check: ${name}: the policy ${p} does not exist. Give the path "
                          "of a policy XML, binary or signed .cip (relative to "
                          "${CMAKE_CURRENT_SOURCE_DIR}).")
    endif()
    list(APPEND policies "${p}")
  endforeach()
  list(POP_FRONT policies policy)
  set(supplemental_args "")
  foreach(s IN LISTS policies)
    list(APPEND supplemental_args --supplemental "${s}")
  endforeach()

  set(files "")
  foreach(t IN LISTS arg_TARGETS)
    if(NOT TARGET "${t}")
      message(FATAL_ERROR "cipolicy_check: ${name}: '${t}' is not a target. TARGETS takes "
                          "executable and library targets whose outputs Windows would load.")
    endif()
    list(APPEND files "$<TARGET_FILE:${t}>")
  endforeach()
  foreach(f IN LISTS arg_FILES)
    if(NOT f MATCHES "^\\$<")
      cmake_path(ABSOLUTE_PATH f BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
    endif()
    list(APPEND files "${f}")
  endforeach()

  cipolicy_get_tool(tool tool_depends)
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/${name}.cipolicy-check")
  get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi)
    set(stamp "${CMAKE_CURRENT_BINARY_DIR}/${name}.$<CONFIG>.cipolicy-check")
  endif()
  # Arguments go to the tool as a list, never through a shell (VERBATIM).
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND ${tool} check "${policy}" ${files} ${supplemental_args}
            --diagnostics msbuild --allow-audit-only
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    DEPENDS "${policy}" ${policies} ${files} ${arg_TARGETS} ${tool_depends}
    COMMENT "cipolicy: checking ${arg_TARGETS} ${arg_FILES} against ${arg_POLICY}"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS "${stamp}")
endfunction()
